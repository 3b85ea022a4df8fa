//! Rate limits on what one client address or one account may try (sign-ins,
//! second-factor codes, reset and emailed-code requests, failed client authentication),
//! decided before the costly work (argon2, mail) on counters in the ephemeral store, so
//! every node of a deployment shares them.
//!
//! Fixed windows aligned on the clock: one atomic `incr` per subject and per attempt,
//! the same on Redis and in memory, and a `Retry-After` that is simply the time left in
//! the window. A burst across a window boundary can reach twice a limit; the defaults
//! leave room for that.
//!
//! Limits counted on failures only (client authentication, device user codes) are
//! checked on every request, so a node decides them from what it knows once it can:
//! each block set is announced to every node, and a node that is listening knows every
//! block alive once it has read those set before it started (`catch_up`), or, failing
//! that read, once it has heard the notices for a whole window of the action. Until
//! then, or while it is not listening, it asks the store. A notice that never arrives
//! costs one attempt per node: the failure it ends in finds the shared count over the
//! limit and blocks there too.

use crate::clock::{Clock, Timestamp};
use crate::crypto::TokenDigest;
use crate::notice::Notice;
use crate::ports::{Ephemeral, EphemeralError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// What is being tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SignIn,
    SecondFactor,
    PasswordReset,
    EmailCode,
    /// Counted on failures only: a client that knows its secret is never slowed down.
    ClientAuth,
    /// User codes typed on the device verification page, counted on failures only (RFC
    /// 8628 §5.1: the short code must not be guessable online).
    UserCode,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SecondFactor => "second_factor",
            Action::PasswordReset => "password_reset",
            Action::EmailCode => "email_code",
            Action::ClientAuth => "client_auth",
            Action::UserCode => "user_code",
        }
    }
}

/// Who a count is kept for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The client's address (behind trusted proxies, the forwarded one).
    Address,
    /// The account (or client) the attempt names, whether or not it exists.
    Account,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Address => "address",
            Scope::Account => "account",
        }
    }
}

/// At most `max` attempts per `window`; `max == 0` turns the limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    pub const fn new(max: u32, window_secs: u64) -> Self {
        Self {
            max,
            window: Duration::from_secs(window_secs),
        }
    }

    fn is_off(&self) -> bool {
        self.max == 0
    }

    /// The window `now` falls in, and the time left in it (at least a second).
    pub fn window_at(&self, now: Timestamp) -> (i64, Duration) {
        let w = i64::try_from(self.window.as_secs())
            .unwrap_or(i64::MAX)
            .max(1);
        let t = now.as_secs();
        let index = t.div_euclid(w);
        let left = (index.saturating_add(1)).saturating_mul(w) - t;
        (
            index,
            Duration::from_secs(u64::try_from(left).unwrap_or(1).max(1)),
        )
    }
}

/// The limits of one action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActionLimits {
    pub per_address: Limit,
    pub per_account: Limit,
}

/// Every limit of the deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub sign_in: ActionLimits,
    pub second_factor: ActionLimits,
    pub password_reset: ActionLimits,
    pub email_code: ActionLimits,
    pub client_auth: ActionLimits,
    pub user_code: ActionLimits,
}

impl Default for Limits {
    /// Far above what a person does, far below what a flood needs: one address gets a
    /// minute's worth of sign-ins at a time (an office behind one NAT included), one
    /// account a handful of guesses a minute.
    fn default() -> Self {
        Self {
            sign_in: ActionLimits {
                per_address: Limit::new(60, 60),
                per_account: Limit::new(10, 60),
            },
            second_factor: ActionLimits {
                per_address: Limit::new(60, 60),
                per_account: Limit::new(10, 60),
            },
            password_reset: ActionLimits {
                per_address: Limit::new(20, 900),
                per_account: Limit::new(3, 900),
            },
            email_code: ActionLimits {
                per_address: Limit::new(20, 900),
                per_account: Limit::new(5, 900),
            },
            // Client secrets are random 256-bit values: failures per client would only
            // let anyone lock a client out, so only the address is counted by default.
            client_auth: ActionLimits {
                per_address: Limit::new(20, 60),
                per_account: Limit::new(0, 60),
            },
            // Ten wrong codes a minute from one address: a person mistyping is never
            // stopped, a guesser needs centuries (20^8 codes, minutes each).
            user_code: ActionLimits {
                per_address: Limit::new(10, 60),
                per_account: Limit::new(0, 60),
            },
        }
    }
}

impl Limits {
    pub fn of(&self, action: Action) -> ActionLimits {
        match action {
            Action::SignIn => self.sign_in,
            Action::SecondFactor => self.second_factor,
            Action::PasswordReset => self.password_reset,
            Action::EmailCode => self.email_code,
            Action::ClientAuth => self.client_auth,
            Action::UserCode => self.user_code,
        }
    }
}

/// Who is trying: either part may be unknown (no address behind a broken proxy, no
/// account named yet).
#[derive(Clone, Copy, Debug, Default)]
pub struct Subjects<'a> {
    pub address: Option<&'a str>,
    pub account: Option<&'a str>,
}

/// An attempt over a limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many attempts; try again in {} seconds", retry_after.as_secs())]
pub struct Refused {
    pub action: Action,
    pub scope: Scope,
    pub retry_after: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ThrottleError {
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
}

/// The subject an account is counted under: the email address typed, case and
/// surrounding spaces aside (so `Ada@X` and `ada@x ` share one count).
pub fn account_subject(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The deployment's limits, applied through the ephemeral store.
#[derive(Clone, Debug, Default)]
pub struct Throttle {
    limits: Limits,
    known: Arc<Mutex<Known>>,
}

/// The failure blocks this node knows of: those it set and those announced.
#[derive(Debug, Default)]
struct Known {
    /// When this node last started hearing every node's notices; none while it is not.
    listening_since: Option<Timestamp>,
    /// Subscriptions started so far: a read of the store belongs to the one it began in.
    subscription: u64,
    /// Whether the blocks alive when the current subscription started have been read.
    caught_up: bool,
    /// Block key → the end of its window.
    blocks: HashMap<String, Timestamp>,
}

/// The kind of key every block is kept under; [`Throttle::catch_up`] reads them all.
const BLOCKED: &str = "throttled";

/// Past this many, expired blocks are dropped as new ones arrive.
const KNOWN_BLOCKS_SWEEP: usize = 1024;

impl Known {
    /// Whether every block alive for a limit of `window` was set while listening.
    fn knows_all(&self, now: Timestamp, window: Duration) -> bool {
        self.listening_since
            .is_some_and(|since| self.caught_up || since.plus(window) <= now)
    }

    /// The refusal the blocks of `windows` call for, when this node knows every block
    /// alive for their limits; `None` when the store must be asked.
    fn decide(
        &self,
        action: Action,
        windows: &[Window],
        now: Timestamp,
    ) -> Option<Option<Refused>> {
        if !windows.iter().all(|w| self.knows_all(now, w.limit.window)) {
            return None;
        }
        let blocked = windows
            .iter()
            .filter(|w| self.blocks.get(&w.blocked()).is_some_and(|end| *end > now));
        Some(refusal(action, blocked))
    }

    fn insert(&mut self, key: String, until: Timestamp, now: Timestamp) {
        if self.blocks.len() >= KNOWN_BLOCKS_SWEEP {
            self.blocks.retain(|_, end| *end > now);
        }
        self.blocks.insert(key, until);
    }
}

impl Throttle {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            known: Arc::default(),
        }
    }

    fn known(&self) -> std::sync::MutexGuard<'_, Known> {
        // Every change is one assignment or map call: a poisoned lock is still consistent.
        self.known.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// This node hears every node's notices from `now` on (a subscription started, or
    /// started again after a loss: blocks set before may have gone unheard).
    pub fn listening(&self, now: Timestamp) {
        let mut known = self.known();
        known.listening_since = Some(now);
        known.subscription = known.subscription.wrapping_add(1);
        known.caught_up = false;
    }

    /// This node may miss notices from now on: the store is asked again.
    pub fn not_listening(&self) {
        let mut known = self.known();
        known.listening_since = None;
        known.caught_up = false;
    }

    /// Once listening: reads the blocks alive in the store, those set before this node
    /// started listening among them, so that it decides alone from then on instead of
    /// after a window. Nothing changes when the subscription ended or started again
    /// during the read, or when the read fails.
    pub async fn catch_up(
        &self,
        ephemeral: &dyn Ephemeral,
        clock: &dyn Clock,
    ) -> Result<(), EphemeralError> {
        let subscription = {
            let known = self.known();
            if known.listening_since.is_none() {
                return Ok(());
            }
            known.subscription
        };
        let alive = ephemeral.alive_under(&format!("{BLOCKED}:")).await?;
        // Read after the times left were: an end is never put earlier than the store's.
        let now = clock.now();
        let mut known = self.known();
        if known.subscription != subscription || known.listening_since.is_none() {
            return Ok(());
        }
        for (key, left) in alive {
            known.insert(key, now.plus(left), now);
        }
        known.caught_up = true;
        Ok(())
    }

    /// Another node (or this one) announced a block lasting until `until`.
    pub fn heard_block(&self, key: String, until: Timestamp, now: Timestamp) {
        if until > now {
            self.known().insert(key, until, now);
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn scoped<'a>(
        &self,
        action: Action,
        who: Subjects<'a>,
    ) -> impl Iterator<Item = (Scope, Limit, &'a str)> {
        let limits = self.limits.of(action);
        [
            (Scope::Address, limits.per_address, who.address),
            (Scope::Account, limits.per_account, who.account),
        ]
        .into_iter()
        .filter_map(|(scope, limit, subject)| {
            subject
                .filter(|_| !limit.is_off())
                .map(|s| (scope, limit, s))
        })
    }

    /// Counts an attempt for each subject; refused when any count is over its limit
    /// (refused attempts count too, so a flood stays refused while it lasts).
    pub async fn attempt(
        &self,
        ephemeral: &dyn Ephemeral,
        now: Timestamp,
        action: Action,
        who: Subjects<'_>,
    ) -> Result<(), ThrottleError> {
        let windows = self.windows(action, who, now);
        let counts = count(ephemeral, &windows).await?;
        let over = windows
            .iter()
            .zip(counts)
            .filter(|(w, n)| *n > u64::from(w.limit.max))
            .map(|(w, _)| w);
        refusal(action, over).map_or(Ok(()), |r| Err(r.into()))
    }

    /// Whether earlier failures have used up a limit, without counting this attempt.
    pub async fn check_failures(
        &self,
        ephemeral: &dyn Ephemeral,
        now: Timestamp,
        action: Action,
        who: Subjects<'_>,
    ) -> Result<(), ThrottleError> {
        let windows = self.windows(action, who, now);
        if windows.is_empty() {
            return Ok(());
        }
        let decided = self.known().decide(action, &windows, now);
        let refused = match decided {
            Some(refused) => refused,
            None => {
                let keys: Vec<String> = windows.iter().map(Window::blocked).collect();
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                let found = ephemeral.exists_each(&keys).await?;
                refusal(
                    action,
                    windows
                        .iter()
                        .zip(found)
                        .filter(|(_, f)| *f)
                        .map(|(w, _)| w),
                )
            }
        };
        refused.map_or(Ok(()), |r| Err(r.into()))
    }

    /// Counts a failure; once a limit is reached, `check_failures` refuses until the
    /// window ends.
    pub async fn record_failure(
        &self,
        ephemeral: &dyn Ephemeral,
        now: Timestamp,
        action: Action,
        who: Subjects<'_>,
    ) -> Result<(), EphemeralError> {
        let windows = self.windows(action, who, now);
        let counts = count(ephemeral, &windows).await?;
        for (w, n) in windows.iter().zip(counts) {
            if n < u64::from(w.limit.max) {
                continue;
            }
            let key = w.blocked();
            ephemeral.put(&key, b"1", w.left).await?;
            let until = now.plus(w.left);
            let notice = Notice::Blocked {
                key: key.clone(),
                until,
            };
            self.known().insert(key, until, now);
            // Unheard, it costs each other node one more attempt (see the top).
            if let Err(e) = ephemeral.announce(&notice.encode()).await {
                tracing::warn!(error = %e, "could not announce a throttling block");
            }
        }
        Ok(())
    }

    /// The current window of each limit that applies to `who`.
    fn windows(&self, action: Action, who: Subjects<'_>, now: Timestamp) -> Vec<Window> {
        self.scoped(action, who)
            .map(|(scope, limit, subject)| Window::new(action, scope, limit, subject, now))
            .collect()
    }
}

/// One subject's current window of one limit.
#[derive(Debug)]
struct Window {
    action: Action,
    scope: Scope,
    limit: Limit,
    /// The window's number since the epoch, and the time until it ends.
    index: i64,
    left: Duration,
    /// The subject digested (once: a key is made only where it is used), so that no
    /// address or email sits in Redis in clear.
    digest: String,
}

impl Window {
    fn new(action: Action, scope: Scope, limit: Limit, subject: &str, now: Timestamp) -> Self {
        let (index, left) = limit.window_at(now);
        Self {
            action,
            scope,
            limit,
            index,
            left,
            digest: TokenDigest::of(subject).to_hex(),
        }
    }

    /// Where attempts in this window are counted.
    fn counter(&self) -> String {
        self.key("throttle")
    }

    /// Where a block for the rest of this window is kept.
    fn blocked(&self) -> String {
        self.key(BLOCKED)
    }

    fn key(&self, kind: &str) -> String {
        format!(
            "{kind}:{}:{}:{}:{}",
            self.action.as_str(),
            self.scope.as_str(),
            self.digest,
            self.index
        )
    }
}

/// Counts an attempt in each of `windows`, in one round trip.
async fn count(ephemeral: &dyn Ephemeral, windows: &[Window]) -> Result<Vec<u64>, EphemeralError> {
    let keys: Vec<String> = windows.iter().map(Window::counter).collect();
    let counters: Vec<(&str, Duration)> = keys
        .iter()
        .zip(windows)
        .map(|(key, w)| (key.as_str(), w.left))
        .collect();
    ephemeral.incr_each(&counters).await
}

/// The refusal that waits longest of those `over` calls for, if any.
fn refusal<'a>(action: Action, over: impl Iterator<Item = &'a Window>) -> Option<Refused> {
    over.fold(None, |refused, w| {
        Some(later(refused, action, w.scope, w.left))
    })
}

/// Password checks each address has queued or running on this node: with a cap, one
/// address never holds the whole hashing queue however fast it sends, so the queue
/// stays fair to everyone else.
#[derive(Debug, Default)]
pub struct InFlight {
    max: u32,
    counts: Mutex<HashMap<String, u32>>,
}

/// A held slot, given back when dropped.
#[derive(Debug)]
pub struct InFlightSlot {
    owner: Arc<InFlight>,
    address: Option<String>,
}

impl InFlight {
    /// `max == 0` turns the cap off.
    pub fn new(max: u32) -> Arc<Self> {
        Arc::new(Self {
            max,
            counts: Mutex::new(HashMap::new()),
        })
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<String, u32>> {
        // Every change is one map call: a poisoned map is still consistent.
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A slot for `address`; `None` when it already holds its `max`.
    pub fn enter(self: &Arc<Self>, address: Option<&str>) -> Option<InFlightSlot> {
        let address = match address {
            Some(a) if self.max > 0 => a,
            _ => {
                return Some(InFlightSlot {
                    owner: self.clone(),
                    address: None,
                });
            }
        };
        let mut counts = self.counts();
        let n = counts.entry(address.to_owned()).or_default();
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(InFlightSlot {
            owner: self.clone(),
            address: Some(address.to_owned()),
        })
    }

    /// Addresses holding a slot now.
    pub fn addresses(&self) -> usize {
        self.counts().len()
    }
}

impl Drop for InFlightSlot {
    fn drop(&mut self) {
        if let Some(address) = self.address.take() {
            let mut counts = self.owner.counts();
            if let Some(n) = counts.get_mut(&address) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    counts.remove(&address);
                }
            }
        }
    }
}

/// Of two refusals, the one to wait longer for.
fn later(current: Option<Refused>, action: Action, scope: Scope, left: Duration) -> Refused {
    match current {
        Some(r) if r.retry_after >= left => r,
        _ => Refused {
            action,
            scope,
            retry_after: left,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::testing::MemoryEphemeral;
    use std::sync::atomic::Ordering::SeqCst;

    fn throttle() -> Throttle {
        Throttle::new(Limits {
            sign_in: ActionLimits {
                per_address: Limit::new(5, 60),
                per_account: Limit::new(3, 60),
            },
            client_auth: ActionLimits {
                per_address: Limit::new(2, 60),
                per_account: Limit::new(0, 60),
            },
            ..Limits::default()
        })
    }

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn from(address: &'static str, account: &'static str) -> Subjects<'static> {
        Subjects {
            address: Some(address),
            account: Some(account),
        }
    }

    fn refused(r: Result<(), ThrottleError>) -> Refused {
        match r {
            Err(ThrottleError::Refused(r)) => r,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn windows_align_on_the_clock() {
        let limit = Limit::new(1, 60);
        assert_eq!(
            limit.window_at(Timestamp::from_secs(120)),
            (2, Duration::from_secs(60))
        );
        assert_eq!(
            limit.window_at(Timestamp::from_secs(179)),
            (2, Duration::from_secs(1))
        );
        assert_eq!(
            Limit::new(1, 0)
                .window_at(Timestamp::from_secs(7))
                .1
                .as_secs(),
            1
        );
    }

    #[test]
    fn an_address_over_its_limit_is_refused_until_the_window_ends() {
        run(async {
            let store = MemoryEphemeral::default();
            let clock = FixedClock::at(Timestamp::from_secs(1_000_040));
            let t = throttle();
            // Five accounts, one address: the address limit trips on the sixth.
            for i in 0..5 {
                let account = format!("user{i}@example.com");
                let who = Subjects {
                    address: Some("198.51.100.7"),
                    account: Some(&account),
                };
                t.attempt(&store, clock.now(), Action::SignIn, who)
                    .await
                    .unwrap();
            }
            let r = refused(
                t.attempt(
                    &store,
                    clock.now(),
                    Action::SignIn,
                    from("198.51.100.7", "other@example.com"),
                )
                .await,
            );
            assert_eq!(r.scope, Scope::Address);
            assert_eq!(r.retry_after, Duration::from_secs(40));
            // Another address is not affected.
            t.attempt(
                &store,
                clock.now(),
                Action::SignIn,
                from("198.51.100.8", "other@example.com"),
            )
            .await
            .unwrap();
            // The next window starts afresh.
            clock.advance(Duration::from_secs(40));
            t.attempt(
                &store,
                clock.now(),
                Action::SignIn,
                from("198.51.100.7", "new@example.com"),
            )
            .await
            .unwrap();
        });
    }

    #[test]
    fn an_attempt_counts_its_address_and_account_in_one_round_trip() {
        run(async {
            let store = MemoryEphemeral::default();
            let now = Timestamp::from_secs(600);
            let t = throttle();
            let who = from("192.0.2.1", "ada@x.test");
            let round_trips = || {
                store
                    .counter_round_trips
                    .load(std::sync::atomic::Ordering::SeqCst)
            };
            t.attempt(&store, now, Action::SignIn, who).await.unwrap();
            assert_eq!(round_trips(), 1);
            t.record_failure(&store, now, Action::SignIn, who)
                .await
                .unwrap();
            assert_eq!(
                round_trips(),
                2,
                "a failure counts its subjects together too"
            );
        });
    }

    #[test]
    fn an_account_is_counted_across_addresses() {
        run(async {
            let store = MemoryEphemeral::default();
            let clock = FixedClock::at(Timestamp::from_secs(600));
            let t = throttle();
            for address in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
                t.attempt(
                    &store,
                    clock.now(),
                    Action::SignIn,
                    from(address, "ada@x.test"),
                )
                .await
                .unwrap();
            }
            let r = refused(
                t.attempt(
                    &store,
                    clock.now(),
                    Action::SignIn,
                    from("192.0.2.4", "ada@x.test"),
                )
                .await,
            );
            assert_eq!(r.scope, Scope::Account);
            assert_eq!(r.retry_after, Duration::from_secs(60));
            // Actions are counted apart.
            t.attempt(
                &store,
                clock.now(),
                Action::SecondFactor,
                from("192.0.2.4", "ada@x.test"),
            )
            .await
            .unwrap();
        });
    }

    #[test]
    fn failures_block_only_once_the_limit_is_reached() {
        run(async {
            let store = MemoryEphemeral::default();
            let clock = FixedClock::at(Timestamp::from_secs(30));
            let t = throttle();
            let who = from("203.0.113.9", "client-1");
            // Successes are never counted: checking is free.
            for _ in 0..10 {
                t.check_failures(&store, clock.now(), Action::ClientAuth, who)
                    .await
                    .unwrap();
            }
            t.record_failure(&store, clock.now(), Action::ClientAuth, who)
                .await
                .unwrap();
            t.check_failures(&store, clock.now(), Action::ClientAuth, who)
                .await
                .unwrap();
            t.record_failure(&store, clock.now(), Action::ClientAuth, who)
                .await
                .unwrap();
            let r = refused(
                t.check_failures(&store, clock.now(), Action::ClientAuth, who)
                    .await,
            );
            assert_eq!(
                (r.scope, r.retry_after),
                (Scope::Address, Duration::from_secs(30))
            );
            // The per-client limit is off by default: another address is fine.
            t.check_failures(
                &store,
                clock.now(),
                Action::ClientAuth,
                from("203.0.113.10", "client-1"),
            )
            .await
            .unwrap();
            clock.advance(Duration::from_secs(30));
            t.check_failures(&store, clock.now(), Action::ClientAuth, who)
                .await
                .unwrap();
        });
    }

    /// Delivers what `store` was told to announce since `seen` to `node`, as the
    /// notice subscription does; the count delivered so far.
    fn deliver(store: &MemoryEphemeral, seen: usize, node: &Throttle, now: Timestamp) -> usize {
        let announced = store.announced();
        for text in &announced[seen..] {
            if let Some(Notice::Blocked { key, until }) = Notice::decode(text) {
                node.heard_block(key, until, now);
            }
        }
        announced.len()
    }

    async fn check(
        node: &Throttle,
        store: &MemoryEphemeral,
        now: Timestamp,
    ) -> Result<(), ThrottleError> {
        node.check_failures(
            store,
            now,
            Action::ClientAuth,
            from("203.0.113.9", "client-1"),
        )
        .await
    }

    /// `check` for another address of the same client, which nothing has blocked.
    async fn serves_another_address(node: &Throttle, store: &MemoryEphemeral, now: Timestamp) {
        node.check_failures(
            store,
            now,
            Action::ClientAuth,
            from("203.0.113.10", "client-1"),
        )
        .await
        .unwrap();
    }

    async fn fail(node: &Throttle, store: &MemoryEphemeral, now: Timestamp) {
        node.record_failure(
            store,
            now,
            Action::ClientAuth,
            from("203.0.113.9", "client-1"),
        )
        .await
        .unwrap();
    }

    fn checks(store: &MemoryEphemeral) -> usize {
        store
            .existence_checks
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    #[test]
    fn a_node_that_heard_every_notice_for_a_window_decides_without_the_store() {
        run(async {
            let store = MemoryEphemeral::default();
            let clock = FixedClock::at(Timestamp::from_secs(500));
            let (first, second) = (throttle(), throttle());
            second.listening(clock.now());
            // Not yet a window: a block set before it listened could be unheard.
            clock.advance(Duration::from_secs(59));
            check(&second, &store, clock.now()).await.unwrap();
            assert_eq!(checks(&store), 1);
            clock.advance(Duration::from_secs(41));
            check(&second, &store, clock.now()).await.unwrap();
            assert_eq!(checks(&store), 1, "decided from what it heard");

            // The first node (not listening) blocks the address and says so.
            for _ in 0..2 {
                fail(&first, &store, clock.now()).await;
            }
            refused(check(&first, &store, clock.now()).await);
            assert_eq!(checks(&store), 2, "a node not listening asks the store");
            let seen = deliver(&store, 0, &second, clock.now());
            assert_eq!(seen, 1, "one block, one notice");
            let r = refused(check(&second, &store, clock.now()).await);
            assert_eq!(
                (r.scope, r.retry_after),
                (Scope::Address, Duration::from_secs(60))
            );
            assert_eq!(checks(&store), 2);
            // Another address is still served, without a round trip.
            serves_another_address(&second, &store, clock.now()).await;
            assert_eq!(checks(&store), 2);

            // Deaf, then listening again: the store decides for a window.
            second.not_listening();
            refused(check(&second, &store, clock.now()).await);
            assert_eq!(checks(&store), 3);
            second.listening(clock.now());
            store.flush();
            check(&second, &store, clock.now()).await.unwrap();
            assert_eq!(checks(&store), 4);

            // The block ends with its window; so does the need to ask.
            clock.advance(Duration::from_secs(60));
            check(&second, &store, clock.now()).await.unwrap();
            assert_eq!(checks(&store), 4);
            // A notice heard after its block ended is dropped.
            second.heard_block(
                "throttled:client_auth:address:gone:10".into(),
                clock.now(),
                clock.now(),
            );
            assert!(
                !second
                    .known()
                    .blocks
                    .contains_key("throttled:client_auth:address:gone:10")
            );
        });
    }

    #[test]
    fn a_node_that_read_the_blocks_on_subscribing_decides_without_the_store_at_once() {
        run(async {
            let store = MemoryEphemeral::default();
            let clock = FixedClock::at(Timestamp::from_secs(500));
            let (first, second) = (throttle(), throttle());
            // Blocked before the second node listened: no notice of it will come.
            for _ in 0..2 {
                fail(&first, &store, clock.now()).await;
            }
            second.catch_up(&store, &clock).await.unwrap();
            assert_eq!(store.scans.load(SeqCst), 0, "not listening: no read");

            second.listening(clock.now());
            second.catch_up(&store, &clock).await.unwrap();
            assert_eq!(store.scans.load(SeqCst), 1);
            clock.advance(Duration::from_secs(10));
            let r = refused(check(&second, &store, clock.now()).await);
            // The rest of the window the failures fell in (480 s to 540 s).
            assert_eq!(
                (r.scope, r.retry_after),
                (Scope::Address, Duration::from_secs(30))
            );
            serves_another_address(&second, &store, clock.now()).await;
            assert_eq!(checks(&store), 0, "decided from what it read and heard");

            // Listening again: blocks may have gone unheard, so the store decides until
            // they are read again.
            second.not_listening();
            second.listening(clock.now());
            refused(check(&second, &store, clock.now()).await);
            assert_eq!(checks(&store), 1);
            second.catch_up(&store, &clock).await.unwrap();
            refused(check(&second, &store, clock.now()).await);
            assert_eq!(checks(&store), 1);

            // The block read ends with its window.
            clock.advance(Duration::from_secs(30));
            check(&second, &store, clock.now()).await.unwrap();
            assert_eq!(checks(&store), 1);
        });
    }

    #[test]
    fn an_unheard_block_costs_a_listening_node_one_failure() {
        run(async {
            let store = MemoryEphemeral::default();
            let clock = FixedClock::at(Timestamp::from_secs(500));
            let (first, second) = (throttle(), throttle());
            second.listening(clock.now());
            clock.advance(Duration::from_secs(100));
            for _ in 0..2 {
                fail(&first, &store, clock.now()).await;
            }
            // The notice is lost: the second node lets one more attempt through...
            check(&second, &store, clock.now()).await.unwrap();
            // ...whose failure finds the shared count over the limit.
            fail(&second, &store, clock.now()).await;
            refused(check(&second, &store, clock.now()).await);
            assert_eq!(checks(&store), 0);
        });
    }

    #[test]
    fn a_limit_of_zero_and_an_unknown_subject_are_not_counted() {
        run(async {
            let store = MemoryEphemeral::default();
            let now = Timestamp::from_secs(0);
            let t = Throttle::new(Limits {
                sign_in: ActionLimits {
                    per_address: Limit::new(0, 60),
                    per_account: Limit::new(1, 60),
                },
                ..Limits::default()
            });
            let who = Subjects {
                address: Some("192.0.2.1"),
                account: None,
            };
            for _ in 0..100 {
                t.attempt(&store, now, Action::SignIn, who).await.unwrap();
            }
            assert!(store.is_empty());
        });
    }

    #[test]
    fn an_address_holds_at_most_its_share_of_the_hashing_queue() {
        let in_flight = InFlight::new(2);
        let a1 = in_flight.enter(Some("192.0.2.1")).unwrap();
        let _a2 = in_flight.enter(Some("192.0.2.1")).unwrap();
        assert!(in_flight.enter(Some("192.0.2.1")).is_none());
        let _b = in_flight.enter(Some("192.0.2.2")).unwrap();
        drop(a1);
        let _a3 = in_flight.enter(Some("192.0.2.1")).unwrap();
        // Unknown addresses and a cap of 0 are not held back.
        for _ in 0..10 {
            std::mem::forget(in_flight.enter(None).unwrap());
        }
        assert_eq!(in_flight.addresses(), 2);
        let off = InFlight::new(0);
        let held: Vec<_> = (0..10).map(|_| off.enter(Some("x")).unwrap()).collect();
        assert_eq!((held.len(), off.addresses()), (10, 0));
    }

    #[test]
    fn accounts_are_counted_case_and_spaces_aside_and_keys_hold_no_address() {
        assert_eq!(account_subject(" Ada@Example.COM "), "ada@example.com");
        let key = Window::new(
            Action::SignIn,
            Scope::Account,
            Limit::new(10, 60),
            "ada@example.com",
            Timestamp::from_secs(5 * 60),
        )
        .counter();
        assert!(!key.contains("ada"), "{key}");
        assert!(key.starts_with("throttle:sign_in:account:") && key.ends_with(":5"));
    }
}
