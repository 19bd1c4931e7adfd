//! One-time codes for visitors who are not logged in (C-C3): six digits, stored as a salted
//! SHA-256, valid 10 minutes, 5 attempts; sending is rate-limited per address and per client
//! IP, and failed attempts per client IP.

use super::session::{random_bytes, sha256, NoRandomness};
use crate::{
    db::{Conn, DbError},
    params,
};

/// How long a code is valid.
pub const CODE_TTL_MS: i64 = 10 * 60 * 1000;
/// Attempts per code.
pub const MAX_ATTEMPTS: i64 = 5;
/// Codes sent to one address per hour.
pub const SENDS_PER_ADDRESS: i64 = 3;
/// Codes requested from one client IP per hour.
pub const SENDS_PER_IP: i64 = 10;
/// Wrong codes entered from one client IP per hour.
pub const FAILURES_PER_IP: i64 = 20;
const HOUR_MS: i64 = 3600 * 1000;

/// A fresh code: the six digits to send, and the salt and hash to store.
pub fn new_code() -> Result<(String, [u8; 16], [u8; 32]), NoRandomness> {
    // Rejection sampling keeps the six digits uniform.
    let code = loop {
        let n = u32::from_le_bytes(random_bytes::<4>()?);
        if n < 4_294_000_000 {
            break n % 1_000_000;
        }
    };
    let code = format!("{code:06}");
    let salt = random_bytes::<16>()?;
    let hash = sha256(&[&salt, code.as_bytes()]);
    Ok((code, salt, hash))
}

/// Why no code may be sent now, if a limit is reached.
pub fn send_limit(conn: &Conn, email: &str, ip: &str, now: i64) -> Result<Option<&'static str>, DbError> {
    let since = now - HOUR_MS;
    let by_email: i64 =
        conn.query_one("SELECT COUNT(*) FROM code_sends WHERE email = ?1 AND at_ms > ?2", params![email, since])?.get(0)?;
    if by_email >= SENDS_PER_ADDRESS {
        return Ok(Some("too many codes for this address; try again later"));
    }
    let by_ip: i64 = conn.query_one("SELECT COUNT(*) FROM code_sends WHERE ip = ?1 AND at_ms > ?2", params![ip, since])?.get(0)?;
    if by_ip >= SENDS_PER_IP {
        return Ok(Some("too many codes from this address; try again later"));
    }
    Ok(None)
}

/// Records a send for the limits and stores the code of a request.
pub fn store_code(conn: &Conn, request: &str, email: &str, ip: &str, salt: &[u8; 16], hash: &[u8; 32], now: i64) -> Result<(), DbError> {
    conn.execute("INSERT INTO code_sends (email, ip, at_ms) VALUES (?1, ?2, ?3)", params![email, ip, now])?;
    conn.execute(
        "INSERT INTO verification_codes (request_id, salt, code_hash, expires_at_ms, attempts, used) \
         VALUES (?1, ?2, ?3, ?4, 0, 0) ON CONFLICT (request_id) DO UPDATE SET salt = excluded.salt, \
         code_hash = excluded.code_hash, expires_at_ms = excluded.expires_at_ms, attempts = 0, used = 0",
        params![request, salt.as_slice(), hash.as_slice(), now + CODE_TTL_MS],
    )?;
    Ok(())
}

/// What checking a code found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The code matches and is used up.
    Correct,
    /// Wrong; this many attempts are left.
    Wrong(i64),
    /// The code was right but is older than its ten minutes.
    Expired,
    /// All attempts used (or the code was already used).
    Exhausted,
    /// Too many wrong codes from this client IP.
    IpLimited,
    /// The request has no code.
    Missing,
}

/// Checks `code` for `request`, counting the attempt first (so it counts even if the process dies).
pub fn check(conn: &Conn, request: &str, code: &str, ip: &str, now: i64) -> Result<Verdict, DbError> {
    let failures: i64 = conn
        .query_one("SELECT COUNT(*) FROM code_failures WHERE ip = ?1 AND at_ms > ?2", params![ip, now - HOUR_MS])?
        .get(0)?;
    if failures >= FAILURES_PER_IP {
        return Ok(Verdict::IpLimited);
    }
    let row = conn.query_opt(
        "SELECT salt, code_hash, expires_at_ms, attempts, used FROM verification_codes WHERE request_id = ?1",
        params![request],
    )?;
    // Codes are deleted once used or expired (C-E2, `crate::retention`); the request still
    // waiting for one had it expire.
    let Some(r) = row else { return Ok(Verdict::Expired) };
    let (salt, stored, expires, attempts, used): (Vec<u8>, Vec<u8>, i64, i64, bool) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
    if used || attempts >= MAX_ATTEMPTS {
        return Ok(Verdict::Exhausted);
    }
    if now > expires {
        return Ok(Verdict::Expired);
    }
    conn.execute("UPDATE verification_codes SET attempts = attempts + 1 WHERE request_id = ?1", params![request])?;
    let given = sha256(&[&salt, code.as_bytes()]);
    // Compare without an early exit.
    let same = given.len() == stored.len() && given.iter().zip(&stored).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same {
        conn.execute("UPDATE verification_codes SET used = 1 WHERE request_id = ?1", params![request])?;
        Ok(Verdict::Correct)
    } else {
        conn.execute("INSERT INTO code_failures (ip, at_ms) VALUES (?1, ?2)", params![ip, now])?;
        Ok(Verdict::Wrong(MAX_ATTEMPTS - attempts - 1))
    }
}
