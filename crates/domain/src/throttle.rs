//! Login throttling: after too many failed attempts within a window, a key (an account,
//! a client address) is refused until the window has moved on, whatever the password.
//! Pure: the caller owns the clock and the storage.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};

/// How many failures a key may have within `window` before it is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRule {
    /// Failures allowed within the window; the next attempt is refused.
    pub max_failures: usize,
    /// How far back failures count.
    pub window: TimeDelta,
}

impl ThrottleRule {
    /// Per account: 5 failures in 15 minutes (guessing one person's password).
    pub const ACCOUNT: ThrottleRule = ThrottleRule {
        max_failures: 5,
        window: TimeDelta::minutes(15),
    };
    /// Per client address: 30 failures in 15 minutes (trying many accounts; a service
    /// centre's counters share one address, hence the higher figure).
    pub const ADDRESS: ThrottleRule = ThrottleRule {
        max_failures: 30,
        window: TimeDelta::minutes(15),
    };
}

/// Keys with more than this many entries are pruned of expired failures first, then of
/// the oldest keys, so memory stays bounded under a flood of random usernames.
const MAX_KEYS: usize = 100_000;

/// Failure times per key.
#[derive(Debug, Clone)]
pub struct Throttle {
    rule: ThrottleRule,
    failures: HashMap<String, VecDeque<DateTime<Utc>>>,
}

impl Throttle {
    /// An empty throttle with `rule`.
    pub fn new(rule: ThrottleRule) -> Self {
        Throttle {
            rule,
            failures: HashMap::new(),
        }
    }

    /// `Err(wait)` if `key` is locked at `now`: how long until its oldest counted failure
    /// leaves the window.
    pub fn check(&self, key: &str, now: DateTime<Utc>) -> Result<(), TimeDelta> {
        let Some(times) = self.failures.get(key) else {
            return Ok(());
        };
        let recent: Vec<&DateTime<Utc>> = times
            .iter()
            .filter(|t| now - **t < self.rule.window)
            .collect();
        if recent.len() < self.rule.max_failures {
            return Ok(());
        }
        // Unlocked when enough failures have aged out to leave room for one attempt.
        let index = recent.len() - self.rule.max_failures;
        let unlock = recent.get(index).map_or(now, |t| **t + self.rule.window);
        Err((unlock - now).max(TimeDelta::seconds(1)))
    }

    /// Records a failed attempt.
    pub fn failed(&mut self, key: &str, now: DateTime<Utc>) {
        if self.failures.len() >= MAX_KEYS && !self.failures.contains_key(key) {
            self.prune(now);
        }
        let window = self.rule.window;
        let keep = self.rule.max_failures;
        let times = self.failures.entry(key.to_owned()).or_default();
        times.push_back(now);
        while times.front().is_some_and(|t| now - *t >= window) || times.len() > keep {
            times.pop_front();
        }
    }

    /// A success forgets the key's failures.
    pub fn succeeded(&mut self, key: &str) {
        self.failures.remove(key);
    }

    fn prune(&mut self, now: DateTime<Utc>) {
        let window = self.rule.window;
        self.failures
            .retain(|_, times| times.back().is_some_and(|t| now - *t < window));
        if self.failures.len() >= MAX_KEYS {
            // Still full of live keys: forget the oldest half rather than grow.
            let mut last: Vec<DateTime<Utc>> = self
                .failures
                .values()
                .filter_map(|t| t.back().copied())
                .collect();
            last.sort_unstable();
            if let Some(cut) = last.get(last.len() / 2).copied() {
                self.failures
                    .retain(|_, times| times.back().is_some_and(|t| *t > cut));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + minute * 60, 0).unwrap()
    }

    #[test]
    fn locks_after_too_many_failures_and_unlocks_as_they_age() {
        let mut th = Throttle::new(ThrottleRule::ACCOUNT);
        for m in 0..5 {
            assert!(th.check("officer", t(m)).is_ok());
            th.failed("officer", t(m));
        }
        // The sixth attempt, right or wrong, waits until the first failure is 15 min old.
        assert_eq!(th.check("officer", t(5)), Err(TimeDelta::minutes(10)));
        assert!(th.check("someone-else", t(5)).is_ok());
        assert!(th.check("officer", t(15)).is_ok());
        th.failed("officer", t(15));
        assert_eq!(th.check("officer", t(15)), Err(TimeDelta::minutes(1)));
        th.succeeded("officer");
        assert!(th.check("officer", t(15)).is_ok());
    }

    #[test]
    fn memory_stays_bounded() {
        let mut th = Throttle::new(ThrottleRule::ACCOUNT);
        for i in 0..MAX_KEYS {
            th.failed(&format!("u{i}"), t(0));
        }
        assert_eq!(th.failures.len(), MAX_KEYS);
        th.failed("late", t(20));
        assert_eq!(th.failures.len(), 1, "expired keys pruned");
        // Live keys beyond the bound: the oldest half goes.
        for i in 0..(MAX_KEYS + 10) {
            th.failed(&format!("v{i}"), t(21));
        }
        assert!(th.failures.len() <= MAX_KEYS);
    }
}
