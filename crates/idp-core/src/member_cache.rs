//! Members as the token endpoint and userinfo read them, kept in memory for a few
//! seconds so that those paths skip the database in the common case.
//!
//! Invariants: every change to a member made through this node's stores drops the
//! member here before the call that made it returns, and is announced to the other nodes
//! (which drop it when they hear it); a read that raced with a change never fills the
//! cache with what it read; an entry is trusted for [`MEMBER_TTL`] at most, the bound
//! for a change whose notice was lost (or made by a process without Redis).

use crate::audit::{AuditCursor, AuditEvent, AuditFilter, NewAuditEvent};
use crate::audit_jobs::{ExportRecord, ExportStatus};
use crate::clock::{Clock, Timestamp};
use crate::email::Email;
use crate::ids::{OrgId, UserId};
use crate::members::{MemberCursor, MemberFilter, MemberSummary};
use crate::notice::Notice;
use crate::ports::{AuditRepo, Change, Ephemeral, RetentionRecord, StoreError, UserRepo};
use crate::records::{Credentials, Profile, User, UserStatus};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

/// How long a member read is trusted: the most a change can take to reach a node that
/// missed its notice.
pub const MEMBER_TTL: Duration = Duration::from_secs(5);
/// Members kept at most; beyond it the cache is emptied and refilled.
const MAX_MEMBERS: usize = 20_000;
/// A change naming more members than this is announced as "every member".
const MAX_NAMED: usize = 32;

/// Which members a batch of changes may have changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Touched {
    Nobody,
    Members(Vec<UserId>),
    Everyone,
}

impl Touched {
    fn add(&mut self, user: &UserId) {
        match self {
            Self::Nobody => *self = Self::Members(vec![user.clone()]),
            Self::Members(ids) => ids.push(user.clone()),
            Self::Everyone => {}
        }
    }
}

/// The members `changes` may change as a token sees them (status, profile, address,
/// existence). Every variant is named, so a new one must be decided here.
pub fn touched(changes: &[Change]) -> Touched {
    let mut out = Touched::Nobody;
    for change in changes {
        match change {
            Change::UpdateStatus { user, .. } | Change::DeleteUser { user, .. } => out.add(user),
            Change::UpdateUser { user, .. } => out.add(&user.id),
            Change::MarkEmailVerified { user, .. } => out.add(user),
            // Moving or removing organizations, and imports applied in bulk, may reach
            // any member.
            Change::MoveSubtree { .. } | Change::DeleteOrg(_) | Change::AdvanceImport { .. } => {
                out = Touched::Everyone;
            }
            // Nobody keeps a member that does not exist yet (absence is never kept).
            Change::InsertUser(..)
            | Change::UpsertPolicy(_)
            | Change::ClearCredentialsInSubtree { .. }
            | Change::ReplaceIpList { .. }
            | Change::ReplaceAdmin(_)
            | Change::UpdateCredentials(_)
            | Change::DeleteLinks(_)
            | Change::SetPassword { .. }
            | Change::ReplaceRecoveryCodes { .. }
            | Change::ResetSecondFactor { .. }
            | Change::InsertPasskey(_)
            | Change::DeletePasskey { .. }
            | Change::InsertClient(_)
            | Change::InsertInitialToken(_)
            | Change::RevokeInitialToken { .. }
            | Change::InsertClientRegistration(_)
            | Change::RotateRegistrationToken { .. }
            | Change::InsertOrg(_)
            | Change::UpsertConsent(_)
            | Change::RevokeGrant { .. }
            | Change::RecordRevocation(_)
            | Change::DeleteClient(_)
            | Change::DeleteConsent { .. }
            | Change::RecordSignIn(_)
            | Change::Unlink { .. }
            | Change::UpdateOrg(_)
            | Change::UpdateClient(_)
            | Change::InsertImport(_)
            | Change::QueueImport { .. }
            | Change::ChangeIssuer { .. }
            | Change::QueueExport(_)
            | Change::PutLogo(_)
            | Change::DeleteLogo(_) => {}
        }
    }
    match out {
        Touched::Members(ids) if ids.len() > MAX_NAMED => Touched::Everyone,
        other => other,
    }
}

/// Members read recently, with when they were read.
pub struct MemberCache {
    entries: RwLock<HashMap<UserId, (Arc<User>, Timestamp)>>,
    /// Moves on every drop: a read that started before it does not fill.
    generation: AtomicU64,
    clock: Arc<dyn Clock>,
    ttl: Duration,
}

impl MemberCache {
    pub fn new(clock: Arc<dyn Clock>, ttl: Duration) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            clock,
            ttl,
        }
    }

    fn get(&self, id: &UserId) -> Option<Arc<User>> {
        let now = self.clock.now();
        let map = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let (user, read_at) = map.get(id)?;
        (now < read_at.plus(self.ttl)).then(|| user.clone())
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `user`, read after [`Self::generation`] answered `since`, unless a drop
    /// happened meanwhile (then what was read may predate the change).
    fn fill(&self, user: Arc<User>, read_at: Timestamp, since: u64) {
        let mut map = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        // Checked under the lock that drops take too: no drop can slip in between.
        if self.generation() != since {
            return;
        }
        if map.len() >= MAX_MEMBERS {
            map.clear();
        }
        map.insert(user.id.clone(), (user, read_at));
    }

    /// Drops what this node keeps of the members `touched` names.
    pub fn forget(&self, touched: &Touched) {
        if *touched == Touched::Nobody {
            return;
        }
        let mut map = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        self.generation.fetch_add(1, Ordering::AcqRel);
        match touched {
            Touched::Nobody => {}
            Touched::Members(ids) => {
                for id in ids {
                    map.remove(id);
                }
            }
            Touched::Everyone => map.clear(),
        }
    }

    /// Drops every member kept: after notices may have been missed.
    pub fn clear(&self) {
        self.forget(&Touched::Everyone);
    }

    /// Applies a notice about members; false for a notice about something else.
    pub fn hear(&self, notice: &Notice) -> bool {
        match notice {
            Notice::Member(id) => self.forget(&Touched::Members(vec![id.clone()])),
            Notice::Members => self.clear(),
            Notice::Client(_) | Notice::Keys | Notice::Blocked { .. } => return false,
        }
        true
    }
}

/// Drops the members here at once and tells the other nodes; a lost notice only delays
/// them until their entries run out.
async fn changed(cache: &MemberCache, ephemeral: &dyn Ephemeral, touched: Touched) {
    cache.forget(&touched);
    let notices = match touched {
        Touched::Nobody => return,
        Touched::Members(ids) => ids.into_iter().map(Notice::Member).collect(),
        Touched::Everyone => vec![Notice::Members],
    };
    for notice in notices {
        if let Err(e) = ephemeral.announce(&notice.encode()).await {
            tracing::warn!(error = %e, ?notice, "could not announce a member change to the other nodes");
        }
    }
}

/// A store repository with the member cache in front: [`UserRepo::find_for_tokens`]
/// served from it, and every write that changes members (a [`UserRepo`] write, an
/// [`AuditRepo::commit`] of changes [`touched`] names) dropping them here and announcing
/// them to the other nodes.
pub struct Caching<R: ?Sized> {
    inner: Arc<R>,
    cache: Arc<MemberCache>,
    ephemeral: Arc<dyn Ephemeral>,
}

impl<R: ?Sized> Caching<R> {
    pub fn new(inner: Arc<R>, cache: Arc<MemberCache>, ephemeral: Arc<dyn Ephemeral>) -> Self {
        Self {
            inner,
            cache,
            ephemeral,
        }
    }

    async fn changed(&self, touched: Touched) {
        changed(&self.cache, self.ephemeral.as_ref(), touched).await;
    }
}

#[async_trait]
impl UserRepo for Caching<dyn UserRepo> {
    async fn insert(&self, user: &User, credentials: &Credentials) -> Result<(), StoreError> {
        // Nothing to drop: only members read are kept, never their absence.
        self.inner.insert(user, credentials).await
    }

    async fn find_by_id(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        self.inner.find_by_id(id).await
    }

    async fn find_for_tokens(&self, id: &UserId) -> Result<Option<Arc<User>>, StoreError> {
        if let Some(user) = self.cache.get(id) {
            return Ok(Some(user));
        }
        let since = self.cache.generation();
        let read_at = self.cache.clock.now();
        let user = self.inner.find_by_id(id).await?.map(Arc::new);
        if let Some(user) = &user {
            self.cache.fill(user.clone(), read_at, since);
        }
        Ok(user)
    }

    async fn find_by_email(&self, org: &OrgId, email: &Email) -> Result<Option<User>, StoreError> {
        self.inner.find_by_email(org, email).await
    }

    async fn find_all_by_email(&self, email: &Email) -> Result<Vec<User>, StoreError> {
        self.inner.find_all_by_email(email).await
    }

    async fn find_by_org(
        &self,
        org: &OrgId,
        after: Option<&UserId>,
        limit: u32,
    ) -> Result<Vec<User>, StoreError> {
        self.inner.find_by_org(org, after, limit).await
    }

    async fn search(
        &self,
        filter: &MemberFilter,
        after: Option<&MemberCursor>,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<MemberSummary>, StoreError> {
        self.inner.search(filter, after, limit, now).await
    }

    async fn count_matching(
        &self,
        filter: &MemberFilter,
        now: Timestamp,
        cap: u64,
    ) -> Result<u64, StoreError> {
        self.inner.count_matching(filter, now, cap).await
    }

    async fn count_super_admins(&self) -> Result<u64, StoreError> {
        self.inner.count_super_admins().await
    }

    async fn update_status(
        &self,
        id: &UserId,
        status: UserStatus,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = self.inner.update_status(id, status, now).await;
        self.changed(Touched::Members(vec![id.clone()])).await;
        done
    }

    async fn update_profile(
        &self,
        id: &UserId,
        profile: &Profile,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = self.inner.update_profile(id, profile, now).await;
        self.changed(Touched::Members(vec![id.clone()])).await;
        done
    }
}

#[async_trait]
impl AuditRepo for Caching<dyn AuditRepo> {
    async fn append(&self, event: &NewAuditEvent) -> Result<AuditEvent, StoreError> {
        self.inner.append(event).await
    }

    async fn append_batch(&self, events: &[NewAuditEvent]) -> Result<Vec<AuditEvent>, StoreError> {
        self.inner.append_batch(events).await
    }

    async fn commit(
        &self,
        changes: &[Change],
        events: &[NewAuditEvent],
    ) -> Result<Vec<u64>, StoreError> {
        let done = self.inner.commit(changes, events).await;
        // Dropped whatever the outcome: a commit whose answer was lost may have landed.
        self.changed(touched(changes)).await;
        done
    }

    async fn search(
        &self,
        filter: &AuditFilter,
        cursor: Option<&AuditCursor>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        self.inner.search(filter, cursor, limit).await
    }

    async fn delete_before(
        &self,
        org: &OrgId,
        before: Timestamp,
        now: Timestamp,
        record: RetentionRecord,
    ) -> Result<(u64, Option<(i64, Vec<u8>)>), StoreError> {
        self.inner.delete_before(org, before, now, record).await
    }

    async fn anchor(&self, org: &OrgId) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        self.inner.anchor(org).await
    }

    async fn find_chain(
        &self,
        org: &OrgId,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        self.inner.find_chain(org, after_seq, limit).await
    }

    async fn claim_export(
        &self,
        owner: &str,
        now: Timestamp,
        lease_until: Timestamp,
        max_attempts: i64,
    ) -> Result<Option<ExportRecord>, StoreError> {
        self.inner
            .claim_export(owner, now, lease_until, max_attempts)
            .await
    }

    async fn renew_export_lease(
        &self,
        job: &str,
        owner: &str,
        lease_until: Timestamp,
    ) -> Result<bool, StoreError> {
        self.inner.renew_export_lease(job, owner, lease_until).await
    }

    async fn put_export_chunk(
        &self,
        job: &str,
        owner: &str,
        seq: u32,
        data: &[u8],
        lease_until: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        self.inner
            .put_export_chunk(job, owner, seq, data, lease_until, expires_at)
            .await
    }

    async fn finish_export(
        &self,
        job: &str,
        owner: &str,
        status: ExportStatus,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        self.inner
            .finish_export(job, owner, status, now, expires_at)
            .await
    }

    async fn find_export(&self, job: &str) -> Result<Option<ExportRecord>, StoreError> {
        self.inner.find_export(job).await
    }

    async fn delete_old_exports(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.inner.delete_old_exports(before).await
    }

    async fn export_chunk(
        &self,
        job: &str,
        seq: u32,
        now: Timestamp,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.export_chunk(job, seq, now).await
    }

    async fn delete_export(&self, job: &str) -> Result<u64, StoreError> {
        self.inner.delete_export(job).await
    }

    async fn delete_expired_exports(&self, now: Timestamp) -> Result<u64, StoreError> {
        self.inner.delete_expired_exports(now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::testing::MemoryEphemeral;
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;

    /// Members in a map, counting the reads that reach it.
    #[derive(Default)]
    struct MapUsers {
        members: Mutex<HashMap<UserId, User>>,
        reads: AtomicUsize,
    }

    impl MapUsers {
        fn reads(&self) -> usize {
            self.reads.load(Ordering::SeqCst)
        }
    }

    #[async_trait]
    impl UserRepo for MapUsers {
        async fn insert(&self, user: &User, _: &Credentials) -> Result<(), StoreError> {
            self.members
                .lock()
                .unwrap()
                .insert(user.id.clone(), user.clone());
            Ok(())
        }
        async fn find_by_id(&self, id: &UserId) -> Result<Option<User>, StoreError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            Ok(self.members.lock().unwrap().get(id).cloned())
        }
        async fn find_by_email(&self, _: &OrgId, _: &Email) -> Result<Option<User>, StoreError> {
            Ok(None)
        }
        async fn find_all_by_email(&self, _: &Email) -> Result<Vec<User>, StoreError> {
            Ok(vec![])
        }
        async fn find_by_org(
            &self,
            _: &OrgId,
            _: Option<&UserId>,
            _: u32,
        ) -> Result<Vec<User>, StoreError> {
            Ok(vec![])
        }
        async fn search(
            &self,
            _: &MemberFilter,
            _: Option<&MemberCursor>,
            _: u32,
            _: Timestamp,
        ) -> Result<Vec<MemberSummary>, StoreError> {
            Ok(vec![])
        }
        async fn count_matching(
            &self,
            _: &MemberFilter,
            _: Timestamp,
            _: u64,
        ) -> Result<u64, StoreError> {
            Ok(0)
        }
        async fn count_super_admins(&self) -> Result<u64, StoreError> {
            Ok(0)
        }
        async fn update_status(
            &self,
            id: &UserId,
            status: UserStatus,
            _: Timestamp,
        ) -> Result<bool, StoreError> {
            let mut map = self.members.lock().unwrap();
            Ok(map.get_mut(id).map(|u| u.status = status).is_some())
        }
        async fn update_profile(
            &self,
            id: &UserId,
            profile: &Profile,
            _: Timestamp,
        ) -> Result<bool, StoreError> {
            let mut map = self.members.lock().unwrap();
            Ok(map
                .get_mut(id)
                .map(|u| u.name = profile.name.clone())
                .is_some())
        }
    }

    fn member() -> User {
        User {
            id: UserId::generate(),
            org_id: OrgId::from_string("o1"),
            email: Email::parse("ada@example.com").unwrap(),
            email_verified: true,
            name: Some("Ada".into()),
            given_name: None,
            family_name: None,
            locale: None,
            zoneinfo: None,
            job_title: None,
            phone: None,
            status: UserStatus::Active,
            super_admin: false,
            created_at: Timestamp::from_secs(1_700_000_000),
            updated_at: Timestamp::from_secs(1_700_000_000),
        }
    }

    struct Setup {
        inner: Arc<MapUsers>,
        cache: Arc<MemberCache>,
        clock: Arc<FixedClock>,
        ephemeral: Arc<MemoryEphemeral>,
        users: Caching<dyn UserRepo>,
    }

    fn setup() -> Setup {
        let inner = Arc::new(MapUsers::default());
        let clock = Arc::new(FixedClock::at(Timestamp::from_secs(1_800_000_000)));
        let cache = Arc::new(MemberCache::new(clock.clone(), MEMBER_TTL));
        let ephemeral = Arc::new(MemoryEphemeral::default());
        let users = Caching::<dyn UserRepo>::new(inner.clone(), cache.clone(), ephemeral.clone());
        Setup {
            inner,
            cache,
            clock,
            ephemeral,
            users,
        }
    }

    #[tokio::test]
    async fn a_member_is_read_once_until_a_change_drops_it_here_and_announces_it() {
        let s = setup();
        let ada = member();
        s.inner
            .insert(&ada, &Credentials::empty(ada.id.clone(), ada.created_at))
            .await
            .unwrap();
        for _ in 0..3 {
            let read = s.users.find_for_tokens(&ada.id).await.unwrap().unwrap();
            assert_eq!(read.status, UserStatus::Active);
        }
        assert_eq!(
            s.inner.reads(),
            1,
            "served from the cache after the first read"
        );

        let now = s.clock.now();
        assert!(
            s.users
                .update_status(&ada.id, UserStatus::Disabled, now)
                .await
                .unwrap()
        );
        let read = s.users.find_for_tokens(&ada.id).await.unwrap().unwrap();
        assert_eq!(
            read.status,
            UserStatus::Disabled,
            "the change is seen at once"
        );
        assert_eq!(s.inner.reads(), 2);
        assert_eq!(
            s.ephemeral.announced(),
            vec![Notice::Member(ada.id.clone()).encode()]
        );
        // Reads that may be used to change a member never come from the cache.
        s.users.find_by_id(&ada.id).await.unwrap();
        assert_eq!(s.inner.reads(), 3);
    }

    #[tokio::test]
    async fn an_entry_is_trusted_for_the_ttl_only() {
        let s = setup();
        let ada = member();
        s.inner
            .insert(&ada, &Credentials::empty(ada.id.clone(), ada.created_at))
            .await
            .unwrap();
        s.users.find_for_tokens(&ada.id).await.unwrap();
        // Changed behind the cache's back (another process without Redis).
        s.inner
            .update_status(&ada.id, UserStatus::Disabled, s.clock.now())
            .await
            .unwrap();
        s.clock.advance(MEMBER_TTL - Duration::from_millis(1));
        let kept = s.users.find_for_tokens(&ada.id).await.unwrap().unwrap();
        assert_eq!(kept.status, UserStatus::Active, "within the window");
        s.clock.advance(Duration::from_millis(1));
        let fresh = s.users.find_for_tokens(&ada.id).await.unwrap().unwrap();
        assert_eq!(
            fresh.status,
            UserStatus::Disabled,
            "read again once it ran out"
        );
    }

    #[tokio::test]
    async fn a_read_that_raced_with_a_change_does_not_fill_the_cache() {
        let s = setup();
        let ada = Arc::new(member());
        let since = s.cache.generation();
        // A change lands and is dropped while the read is on its way back...
        s.cache.forget(&Touched::Members(vec![ada.id.clone()]));
        // ...so what the read brings back may predate it and is not kept.
        s.cache.fill(ada.clone(), s.clock.now(), since);
        assert!(s.cache.get(&ada.id).is_none());
        s.cache
            .fill(ada.clone(), s.clock.now(), s.cache.generation());
        assert!(s.cache.get(&ada.id).is_some());
    }

    #[test]
    fn notices_about_members_drop_them_and_others_are_left_alone() {
        let s = setup();
        let ada = Arc::new(member());
        let fill = || {
            s.cache
                .fill(ada.clone(), s.clock.now(), s.cache.generation())
        };
        fill();
        assert!(!s.cache.hear(&Notice::Keys));
        assert!(s.cache.get(&ada.id).is_some());
        assert!(s.cache.hear(&Notice::Member(ada.id.clone())));
        assert!(s.cache.get(&ada.id).is_none());
        fill();
        assert!(s.cache.hear(&Notice::Members));
        assert!(s.cache.get(&ada.id).is_none());
    }

    #[test]
    fn changes_name_the_members_they_touch_and_bulk_ones_reach_everyone() {
        let now = Timestamp::from_secs(1_800_000_000);
        let ada = member();
        let disable = |user: &UserId| Change::UpdateStatus {
            user: user.clone(),
            status: UserStatus::Disabled,
            now,
        };
        assert_eq!(touched(&[]), Touched::Nobody);
        assert_eq!(
            touched(&[
                Change::SetPassword {
                    user: ada.id.clone(),
                    phc: "$argon2id$".into(),
                    must_change: false,
                    now
                },
                disable(&ada.id),
                Change::UpdateUser {
                    user: ada.clone(),
                    read_at: now
                },
            ]),
            Touched::Members(vec![ada.id.clone(), ada.id.clone()])
        );
        assert_eq!(
            touched(&[Change::MoveSubtree {
                org: OrgId::from_string("o1"),
                new_parent: OrgId::from_string("o0"),
                old_path: "/a/".into(),
                new_path: "/b/a/".into(),
                now,
            }]),
            Touched::Everyone
        );
        let many: Vec<Change> = (0..=MAX_NAMED)
            .map(|_| disable(&UserId::generate()))
            .collect();
        assert_eq!(touched(&many), Touched::Everyone);
    }
}
