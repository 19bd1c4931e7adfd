//! When a failed delivery is tried again: the Standard Webhooks schedule (5 s, 5 min, 30 min,
//! 2 h, 5 h, 10 h, 14 h, 20 h, 24 h after each failure), each delay spread by up to ±10 % so
//! that endpoints coming back after an outage are not hit by every retry at once.

use std::time::Duration;

/// The delays after the 1st, 2nd, … failed attempt; after the last one the delivery has failed.
pub const RETRY_SCHEDULE: [Duration; 9] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(14 * 3600),
    Duration::from_secs(20 * 3600),
    Duration::from_secs(24 * 3600),
];

/// Attempts in all: the first one and one per scheduled retry.
pub const MAX_ATTEMPTS: u32 = RETRY_SCHEDULE.len() as u32 + 1;

/// The largest share of a delay that jitter adds or takes away.
const JITTER: f64 = 0.1;

/// How long to wait after `failed_attempts` attempts failed (1 after the first), or `None` when
/// none is left. `jitter` in `[0, 1)` spreads the delay over ±10 % (0.5: exactly the schedule).
pub fn retry_delay(failed_attempts: u32, jitter: f64) -> Option<Duration> {
    let index = usize::try_from(failed_attempts.checked_sub(1)?).ok()?;
    let base = *RETRY_SCHEDULE.get(index)?;
    let factor = 1.0 + JITTER * (2.0 * jitter.clamp(0.0, 1.0) - 1.0);
    Some(base.mul_f64(factor))
}

/// A jitter value in `[0, 1)` from the system's randomness (0.5 when none is available).
pub fn random_jitter() -> f64 {
    let mut buf = [0u8; 4];
    match getrandom::fill(&mut buf) {
        Ok(()) => f64::from(u32::from_le_bytes(buf)) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_standard_webhooks_schedule() {
        let secs = |n| retry_delay(n, 0.5).map(|d| d.as_secs());
        assert_eq!(secs(0), None);
        assert_eq!(secs(1), Some(5));
        assert_eq!(secs(2), Some(300));
        assert_eq!(secs(3), Some(1800));
        assert_eq!(secs(4), Some(7200));
        assert_eq!(secs(9), Some(86_400));
        assert_eq!(secs(10), None, "ten attempts in all, then the delivery has failed");
        assert_eq!(MAX_ATTEMPTS, 10);
        let total: u64 = RETRY_SCHEDULE.iter().map(Duration::as_secs).sum();
        assert!(total > 3 * 86_400 && total < 4 * 86_400, "about three days of retries: {total}");
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        for n in 1..MAX_ATTEMPTS {
            let base = RETRY_SCHEDULE[n as usize - 1].as_secs_f64();
            let low = retry_delay(n, 0.0).unwrap().as_secs_f64();
            let high = retry_delay(n, 0.999_999).unwrap().as_secs_f64();
            assert!((low - base * 0.9).abs() < 1e-6 && (high - base * 1.1).abs() < base * 1e-5, "{n}: {low} {high}");
        }
        let spread: Vec<_> = (0..50).map(|_| random_jitter()).collect();
        assert!(spread.iter().all(|j| (0.0..1.0).contains(j)));
        assert!(spread.iter().any(|j| (j - spread[0]).abs() > 1e-9), "jitter varies");
    }
}
