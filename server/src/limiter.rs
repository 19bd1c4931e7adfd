//! Rate limits: in-memory token buckets per client IP, per session and per pseudonymous subject
//! (`consent_id`). The HTTP side (the layers, the 429 answer) belongs to the `http` layer.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::config::{Limits, Rate};

/// Buckets kept before full ones are dropped (a full bucket is the same as no bucket).
const MAX_BUCKETS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Which limit a key counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The client's address.
    Ip,
    /// The session cookie.
    Session,
    /// The pseudonymous subject (`consent_id`).
    Subject,
}

/// A 429 waiting to be answered: how long until a request would pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limited {
    /// The limit that was reached.
    pub scope: Scope,
    /// How long until a request would pass.
    pub retry_after: Duration,
}

/// The buckets of every scope.
pub struct Limiter {
    limits: Limits,
    buckets: Mutex<HashMap<(Scope, String), Bucket>>,
}

impl Limiter {
    /// A limiter with these limits and no history.
    pub fn new(limits: Limits) -> Limiter {
        Limiter { limits, buckets: Mutex::new(HashMap::new()) }
    }

    /// The limits it enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn rate(&self, scope: Scope) -> Rate {
        match scope {
            Scope::Ip => self.limits.per_ip,
            Scope::Session => self.limits.per_session,
            Scope::Subject => self.limits.per_subject,
        }
    }

    /// Takes one token from `key`'s bucket at `now`, or says how long to wait.
    pub fn check_at(&self, scope: Scope, key: &str, now: Instant) -> Result<(), Limited> {
        let rate = self.rate(scope);
        if rate.burst == 0 {
            return Ok(());
        }
        let burst = f64::from(rate.burst);
        let per_second = f64::from(rate.per_minute) / 60.0;
        // A poisoned lock means a panic elsewhere while holding it: let requests through.
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(&(scope, key.to_owned())) {
            prune(&mut buckets, |s| self.rate(s), now);
        }
        let bucket = buckets.entry((scope, key.to_owned())).or_insert(Bucket { tokens: burst, at: now });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / per_second;
            Err(Limited { scope, retry_after: Duration::from_secs_f64(wait.min(86_400.0)) })
        }
    }

    /// Takes one token now.
    pub fn check(&self, scope: Scope, key: &str) -> Result<(), Limited> {
        self.check_at(scope, key, Instant::now())
    }
}

/// Drops the buckets that have refilled completely; if that is not enough, all of them.
fn prune(buckets: &mut HashMap<(Scope, String), Bucket>, rate: impl Fn(Scope) -> Rate, now: Instant) {
    buckets.retain(|(scope, _), b| {
        let r = rate(*scope);
        let refill = now.saturating_duration_since(b.at).as_secs_f64() * f64::from(r.per_minute) / 60.0;
        b.tokens + refill < f64::from(r.burst)
    });
    if buckets.len() >= MAX_BUCKETS {
        tracing::warn!(buckets = buckets.len(), "rate-limit table full: cleared");
        buckets.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(burst: u32, per_minute: u32) -> Limiter {
        let rate = Rate { burst, per_minute };
        Limiter::new(Limits { per_ip: rate, per_subject: rate, per_session: rate, exempt_loopback: false })
    }

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let l = limiter(3, 60);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.check_at(Scope::Ip, "a", t0).is_ok());
        }
        let limited = l.check_at(Scope::Ip, "a", t0).unwrap_err();
        assert_eq!(limited.retry_after, Duration::from_secs(1));
        assert!(l.check_at(Scope::Ip, "b", t0).is_ok(), "another key has its own bucket");
        assert!(l.check_at(Scope::Subject, "a", t0).is_ok(), "another scope has its own bucket");
        assert!(l.check_at(Scope::Ip, "a", t0 + Duration::from_millis(1000)).is_ok());
        assert!(l.check_at(Scope::Ip, "a", t0 + Duration::from_millis(1000)).is_err());
    }

    #[test]
    fn burst_zero_means_no_limit() {
        let l = limiter(0, 0);
        for _ in 0..10_000 {
            assert!(l.check(Scope::Ip, "a").is_ok());
        }
    }

    #[test]
    fn a_full_table_drops_full_buckets_first() {
        let l = limiter(2, 60);
        let t0 = Instant::now();
        for i in 0..MAX_BUCKETS - 1 {
            l.check_at(Scope::Ip, &i.to_string(), t0).unwrap();
        }
        l.check_at(Scope::Ip, "hot", t0).unwrap();
        l.check_at(Scope::Ip, "hot", t0).unwrap();
        // The table is full; five seconds later every bucket has refilled, so all are dropped.
        let later = t0 + Duration::from_secs(5);
        l.check_at(Scope::Ip, "new", later).unwrap();
        assert!(l.buckets.lock().unwrap().len() < 10);
    }
}
