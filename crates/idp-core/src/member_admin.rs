//! Members for administrators: creating one (with or without email sign-in), changing a
//! member's name or organization under a version check, and deleting a member with
//! everything that is theirs.

use crate::admin::{AdminError, Links, NewMember, actor_event, insert_member, resolve_org};
use crate::audit::{ActivityType, ActorKind, AuditFilter, EventKind, InfoType};
use crate::authz::{self, Actor, Permission};
use crate::clock::Timestamp;
use crate::ids::UserId;
use crate::password_policy::{ChangeError, LinkKind};
use crate::ports::{Change, StoreError, Stores};
use crate::records::User;
use crate::signin::Origin;
use std::time::Duration;

/// A member as the console's "New member" form describes them.
#[derive(Clone, Debug, Default)]
pub struct NewMemberForm {
    pub email: String,
    pub name: Option<String>,
    /// Email and password sign-in: on sends the welcome email with a link to set a password.
    pub email_login: bool,
}

/// Creates a member of `org` without a password, for someone with member management
/// over it. With email sign-in, the member is sent the welcome email; returns whether
/// it went (not when the organization's policy has email sign-in off).
pub async fn create_member(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    form: NewMemberForm,
    links: &Links,
) -> Result<(User, bool), AdminError> {
    let scope = resolve_org(stores, org).await?;
    authz::require(
        stores,
        by,
        &scope,
        Permission::Members,
        origin,
        "create_member",
    )
    .await?;
    if form.email_login
        && !crate::policy::effective_policy(stores, &scope)
            .await?
            .email_password_login
    {
        return Err(AdminError::EmailLoginOff(scope.name));
    }
    let member = NewMember {
        org: scope.id.to_string(),
        email: form.email,
        name: form.name,
        ..NewMember::default()
    };
    let user = insert_member(stores, None, by, origin, member, form.email_login).await?;
    if !form.email_login {
        return Ok((user, false));
    }
    match crate::password_policy::send_link(
        stores,
        &user,
        LinkKind::Welcome,
        &links.base_url,
        links.ttl,
        by.audit(),
        origin,
    )
    .await
    {
        Ok(()) => Ok((user, true)),
        Err(ChangeError::EmailLoginDisabled) => Ok((user, false)),
        Err(e) => Err(AdminError::Link(e.to_string())),
    }
}

/// A change to a member; `None` leaves a value as it is.
#[derive(Clone, Debug, Default)]
pub struct MemberUpdate {
    /// Empty removes the name.
    pub name: Option<String>,
    /// The organization to move to, by id or slug.
    pub org: Option<String>,
    /// The member's `updated_at` when the form was read: a later change refuses this one.
    pub expected_updated_at: Option<Timestamp>,
}

/// Longest display name accepted.
pub const NAME_MAX_CHARS: usize = 200;

/// A display name as typed: trimmed, empty for none.
pub fn parse_member_name(name: &str) -> Result<Option<String>, AdminError> {
    let name = name.trim();
    if name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(AdminError::MemberName(NAME_MAX_CHARS));
    }
    Ok((!name.is_empty()).then(|| name.to_owned()))
}

/// Who last changed a member, for a version-check refusal: the actor of the newest
/// member change recorded about them, by address when it was an administrator.
async fn last_changed_by(stores: &Stores, member: &User) -> Option<String> {
    let filter = AuditFilter {
        target_user_id: Some(member.id.clone()),
        activity: Some(ActivityType::MemberChange),
        from: Some(member.updated_at.minus(Duration::from_secs(1))),
        ..AuditFilter::default()
    };
    let event = stores
        .audit
        .search(&filter, None, 1)
        .await
        .ok()?
        .pop()?
        .event;
    let actor = event.actor_id?;
    match event.actor_kind {
        ActorKind::Administrator | ActorKind::Member => {
            let who = stores
                .users
                .find_by_id(&UserId::from_string(actor))
                .await
                .ok()??;
            Some(who.email.to_string())
        }
        ActorKind::Client => Some(format!("application {actor}")),
        ActorKind::System => None,
    }
}

async fn stale(stores: &Stores, id: &UserId) -> AdminError {
    match stores.users.find_by_id(id).await {
        Ok(Some(now)) => AdminError::Stale {
            by: last_changed_by(stores, &now).await,
            at: now.updated_at,
        },
        Ok(None) => AdminError::UnknownMemberId(id.to_string()),
        Err(e) => e.into(),
    }
}

/// Changes a member's name or moves them to another organization, for someone with
/// member management over their organization (and over the one they move to). Refused
/// as stale when `expected_updated_at` is given and the member changed since. A move
/// keeps addresses unique within the organization moved to. Saved with its record
/// (before and after) in one transaction.
pub async fn update_member(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &UserId,
    change: MemberUpdate,
) -> Result<User, AdminError> {
    let member = stores
        .users
        .find_by_id(id)
        .await?
        .ok_or_else(|| AdminError::UnknownMemberId(id.to_string()))?;
    let current = resolve_org(stores, member.org_id.as_str()).await?;
    authz::require(
        stores,
        by,
        &current,
        Permission::Members,
        origin,
        "update_member",
    )
    .await?;
    if change
        .expected_updated_at
        .is_some_and(|t| t != member.updated_at)
    {
        return Err(stale(stores, id).await);
    }
    let name = match &change.name {
        Some(n) => parse_member_name(n)?,
        None => member.name.clone(),
    };
    let target = match &change.org {
        Some(o) => resolve_org(stores, o).await?,
        None => current.clone(),
    };
    if target.id != current.id {
        authz::require(
            stores,
            by,
            &target,
            Permission::Members,
            origin,
            "update_member",
        )
        .await?;
        if stores
            .users
            .find_by_email(&target.id, &member.email)
            .await?
            .is_some()
        {
            return Err(AdminError::DuplicateEmail {
                email: member.email.clone(),
            });
        }
    }
    let mut next = member.clone();
    next.name = name;
    next.org_id = target.id.clone();
    if next == member {
        return Ok(member);
    }
    // Strictly later, so the version check sees every change.
    next.updated_at = stores
        .clock
        .now()
        .max(member.updated_at.plus(Duration::from_micros(1)));
    let detail = serde_json::json!({
        "before": {"name": member.name, "org_id": member.org_id},
        "after": {"name": next.name, "org_id": next.org_id},
    });
    let mut events = Vec::with_capacity(2);
    for org in [&current.id, &target.id] {
        if events
            .iter()
            .any(|e: &crate::audit::NewAuditEvent| &e.org_id == org)
        {
            continue;
        }
        let mut event = actor_event(
            org,
            by,
            origin,
            ActivityType::MemberChange,
            EventKind::Edit,
            InfoType::Personal,
            stores,
        );
        event.target_user_id = Some(member.id.clone());
        event.detail = detail.clone();
        events.push(event);
    }
    let change = Change::UpdateUser {
        user: next.clone(),
        read_at: member.updated_at,
    };
    match stores.audit.commit(&[change], &events).await {
        Ok(_) => Ok(next),
        Err(StoreError::Changed(_)) => Err(stale(stores, id).await),
        Err(StoreError::Conflict { .. }) => Err(AdminError::DuplicateEmail {
            email: member.email,
        }),
        Err(e) => Err(e.into()),
    }
}

/// How long the grants of a deleted member stay recorded as revoked: at least a day,
/// and longer when an application's access tokens live longer.
async fn revocation_horizon(stores: &Stores) -> Result<Duration, StoreError> {
    let longest = stores
        .clients
        .find_all()
        .await?
        .iter()
        .filter_map(|c| c.access_token_ttl_secs)
        .max()
        .unwrap_or(0);
    Ok(Duration::from_secs(u64::from(longest).max(24 * 3600)))
}

/// Whether `by` may delete `member`: never themselves, a super administrator only by
/// another, and never the last one (`super_admins` counts them).
pub fn check_deletion(by: &Actor, member: &User, super_admins: u64) -> Result<(), AdminError> {
    if let Actor::Member(me) = by
        && me.id == member.id
    {
        return Err(AdminError::CannotDeleteYourself);
    }
    if member.super_admin {
        let by_super = match by {
            Actor::Operator => true,
            Actor::Member(me) => me.super_admin,
            Actor::Service { .. } => false,
        };
        if !by_super {
            return Err(AdminError::SuperAdminOnly);
        }
        if super_admins <= 1 {
            return Err(AdminError::LastSuperAdmin);
        }
    }
    Ok(())
}

/// Deletes a member, for someone with member management over their organization:
/// their credentials, links, sign-in methods, consents and administrator roles go,
/// their sessions end and their grants are revoked, in one transaction with the record
/// of it.
pub async fn delete_member(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &UserId,
) -> Result<(), AdminError> {
    let member = stores
        .users
        .find_by_id(id)
        .await?
        .ok_or_else(|| AdminError::UnknownMemberId(id.to_string()))?;
    let org = resolve_org(stores, member.org_id.as_str()).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::Members,
        origin,
        "delete_member",
    )
    .await?;
    let super_admins = if member.super_admin {
        stores.users.count_super_admins().await?
    } else {
        0
    };
    check_deletion(by, &member, super_admins)?;
    let now = stores.clock.now();
    let revoked_until = now.plus(revocation_horizon(stores).await?);
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::MemberChange,
        EventKind::Delete,
        InfoType::Personal,
        stores,
    );
    event.target_user_id = Some(member.id.clone());
    event.detail = serde_json::json!({"before": {"email": member.email, "name": member.name,
                                                  "org_id": member.org_id, "super_admin": member.super_admin}});
    let change = Change::DeleteUser {
        user: member.id.clone(),
        now,
        revoked_until,
    };
    stores.audit.commit(&[change], &[event]).await?;
    // The grants' revocations are in the database; the cache reloads them on its next
    // check. Best effort: when this fails the cache's marker expires within minutes.
    let _ = stores
        .ephemeral
        .delete(crate::oidc::revocation::LOADED_KEY)
        .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::Email;
    use crate::ids::OrgId;
    use crate::records::UserStatus;

    fn member(id: &str, super_admin: bool) -> User {
        User {
            id: UserId::from_string(id),
            org_id: OrgId::from_string("org"),
            email: Email::parse(&format!("{id}@example.com")).unwrap(),
            email_verified: true,
            name: None,
            given_name: None,
            family_name: None,
            locale: None,
            zoneinfo: None,
            job_title: None,
            phone: None,
            status: UserStatus::Active,
            super_admin,
            created_at: Timestamp::from_secs(0),
            updated_at: Timestamp::from_secs(0),
        }
    }

    #[test]
    fn nobody_deletes_themselves_or_the_last_super_administrator() {
        let root = member("root", true);
        let other_root = member("other-root", true);
        let admin = member("admin", false);
        let plain = member("plain", false);
        assert!(matches!(
            check_deletion(&Actor::Member(admin.clone()), &admin, 1),
            Err(AdminError::CannotDeleteYourself)
        ));
        assert!(check_deletion(&Actor::Member(admin.clone()), &plain, 1).is_ok());
        assert!(matches!(
            check_deletion(&Actor::Member(admin), &root, 2),
            Err(AdminError::SuperAdminOnly)
        ));
        assert!(matches!(
            check_deletion(&Actor::Operator, &root, 1),
            Err(AdminError::LastSuperAdmin)
        ));
        assert!(check_deletion(&Actor::Member(other_root), &root, 2).is_ok());
    }

    #[test]
    fn names_are_trimmed_bounded_and_may_be_removed() {
        assert_eq!(parse_member_name("  Ada  ").unwrap(), Some("Ada".into()));
        assert_eq!(parse_member_name("   ").unwrap(), None);
        assert!(parse_member_name(&"x".repeat(201)).is_err());
        assert!(parse_member_name("a\u{0}b").is_err());
    }

    #[test]
    fn a_stale_refusal_says_who_and_when() {
        let at = Timestamp::from_secs(1_800_000_000);
        assert_eq!(
            AdminError::Stale {
                by: Some("ada@example.com".into()),
                at
            }
            .to_string(),
            "changed by ada@example.com at 2027-01-15T08:00:00Z, reload and try again"
        );
        assert_eq!(
            AdminError::Stale { by: None, at }.to_string(),
            "changed at 2027-01-15T08:00:00Z, reload and try again"
        );
    }
}
