//! Who may administer what. The super administrator may do everything everywhere; an
//! organization administrator holds permissions, area by area, over an organization and
//! its sub-organizations; a service client holds `admin:<area>` scopes over its own
//! organization's tree. Every refusal is written to the audit log.

use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
use crate::client::{Client, wire_enum};
use crate::org::Organization;
use crate::ports::{Change, StoreError, Stores};
use crate::records::{AdminAssignment, User};
use crate::signin::Origin;

wire_enum!(
    /// An area of administration, granted separately.
    Permission, "administrator permission" {
        TwoFactor => "two_factor",
        AllowedIps => "allowed_ips",
        LoginSettings => "login_settings",
        Members => "members",
        AuditLog => "audit_log",
        Clients => "clients",
    }
);

impl Permission {
    /// The scope a service client holds for this area.
    pub fn scope(self) -> String {
        format!("admin:{}", self.as_str())
    }
}

/// Who is calling the administration API.
#[derive(Clone, Debug)]
pub enum Actor {
    /// A signed-in member, through their browser session.
    Member(User),
    /// A service client, through an access token from client credentials.
    Service { client: Client, scopes: Vec<String> },
    /// An operator on the server, through the command line.
    Operator,
}

impl Actor {
    /// How the audit log names this actor.
    pub fn audit(&self) -> (ActorKind, Option<String>) {
        match self {
            Actor::Member(u) => (ActorKind::Administrator, Some(u.id.to_string())),
            Actor::Service { client, .. } => (ActorKind::Client, Some(client.id.to_string())),
            Actor::Operator => (ActorKind::System, None),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthzError {
    #[error("You do not have the {0} permission for this organization.")]
    Forbidden(Permission),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether `actor` holds `permission` over `org`.
pub async fn permitted(
    stores: &Stores,
    actor: &Actor,
    org: &Organization,
    permission: Permission,
) -> Result<bool, StoreError> {
    match actor {
        Actor::Operator => Ok(true),
        Actor::Member(user) if user.super_admin => Ok(true),
        Actor::Member(user) => {
            let assignments = stores.policies.find_admin_by_user(&user.id).await?;
            Ok(member_holds(user, &assignments, org, permission))
        }
        Actor::Service { client, scopes } => Ok(scopes.contains(&permission.scope())
            && crate::policy::ancestry(org).contains(&client.org_id)),
    }
}

/// Whether a member with these administrator assignments holds `permission` over `org`:
/// everything for the super administrator, otherwise an assignment on `org` or one of its
/// ancestors that lists the area.
pub fn member_holds(
    user: &User,
    assignments: &[AdminAssignment],
    org: &Organization,
    permission: Permission,
) -> bool {
    if user.super_admin {
        return true;
    }
    // An organization's path names it and its ancestors: the scopes that hold it.
    let within = crate::policy::ancestry(org);
    assignments.iter().any(|a| {
        a.user_id == user.id
            && within.contains(&a.org_id)
            && a.permissions.iter().any(|p| p == permission.as_str())
    })
}

/// Refuses, and records the refusal, unless `actor` holds `permission` over `org`.
pub async fn require(
    stores: &Stores,
    actor: &Actor,
    org: &Organization,
    permission: Permission,
    origin: &Origin,
    action: &str,
) -> Result<(), AuthzError> {
    if permitted(stores, actor, org, permission).await? {
        return Ok(());
    }
    let (actor_kind, actor_id) = actor.audit();
    stores
        .audit
        .append(&NewAuditEvent {
            org_id: org.id.clone(),
            occurred_at: stores.clock.now(),
            actor_kind,
            actor_id,
            target_user_id: None,
            activity: ActivityType::PermissionChange,
            event: EventKind::View,
            info_type: InfoType::Permission,
            ip: origin.ip.clone(),
            user_agent: origin.user_agent.clone(),
            device_id: None,
            detail: serde_json::json!({"result": "denied", "permission": permission, "action": action}),
        })
        .await?;
    Err(AuthzError::Forbidden(permission))
}

/// Grants `permissions` over `org` to `member`, adding to what they hold there, or
/// (`grant` false) takes them away, keeping the rest. The caller must hold member
/// management and every permission they grant or revoke. The change is saved with its
/// record (what the member held before and after) in one transaction.
pub async fn change_permissions(
    stores: &Stores,
    by: &Actor,
    org: &Organization,
    member: &User,
    permissions: &[Permission],
    origin: &Origin,
    grant: bool,
) -> Result<AdminAssignment, AuthzError> {
    let action = if grant { "grant" } else { "revoke" };
    require(stores, by, org, Permission::Members, origin, action).await?;
    for p in permissions {
        require(stores, by, org, *p, origin, action).await?;
    }
    let now = stores.clock.now();
    let existing = stores
        .policies
        .find_admin_by_user(&member.id)
        .await?
        .into_iter()
        .find(|a| a.org_id == org.id);
    let mut held: Vec<String> = existing
        .as_ref()
        .map(|a| a.permissions.clone())
        .unwrap_or_default();
    if grant {
        for p in permissions {
            if !held.iter().any(|h| h == p.as_str()) {
                held.push(p.as_str().to_owned());
            }
        }
    } else {
        held.retain(|h| !permissions.iter().any(|p| p.as_str() == h));
    }
    let assignment = AdminAssignment {
        user_id: member.id.clone(),
        org_id: org.id.clone(),
        permissions: held.clone(),
        created_at: now,
    };
    let (actor_kind, actor_id) = by.audit();
    let event = NewAuditEvent {
        org_id: org.id.clone(),
        occurred_at: now,
        actor_kind,
        actor_id,
        target_user_id: Some(member.id.clone()),
        activity: ActivityType::PermissionChange,
        event: EventKind::Edit,
        info_type: InfoType::Permission,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        device_id: None,
        detail: serde_json::json!({
            "action": action,
            "before": existing.map(|a| a.permissions).unwrap_or_default(),
            "after": held,
        }),
    };
    stores
        .audit
        .commit(&[Change::ReplaceAdmin(assignment.clone())], &[event])
        .await?;
    Ok(assignment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;
    use crate::email::Email;
    use crate::ids::UserId;
    use crate::records::UserStatus;

    fn member(super_admin: bool) -> User {
        User {
            id: UserId::generate(),
            org_id: crate::ids::OrgId::generate(),
            email: Email::parse("kim@example.com").unwrap(),
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
    fn an_area_held_over_an_organization_reaches_down_its_subtree_only() {
        let t = Timestamp::from_secs(0);
        let acme = Organization::new("Acme", Some("acme"), None, t).unwrap();
        let sales = Organization::new("Sales", Some("sales"), Some(&acme), t).unwrap();
        let field = Organization::new("Field", Some("field"), Some(&sales), t).unwrap();
        let support = Organization::new("Support", Some("support"), Some(&acme), t).unwrap();
        let kim = member(false);
        let held = [AdminAssignment {
            user_id: kim.id.clone(),
            org_id: sales.id.clone(),
            permissions: vec!["members".into()],
            created_at: t,
        }];
        assert!(member_holds(&kim, &held, &sales, Permission::Members));
        assert!(member_holds(&kim, &held, &field, Permission::Members));
        assert!(!member_holds(&kim, &held, &acme, Permission::Members));
        assert!(!member_holds(&kim, &held, &support, Permission::Members));
        assert!(!member_holds(&kim, &held, &sales, Permission::TwoFactor));
        // Someone else's assignment counts for nobody else.
        assert!(!member_holds(
            &member(false),
            &held,
            &sales,
            Permission::Members
        ));
        assert!(member_holds(
            &member(true),
            &[],
            &support,
            Permission::Clients
        ));
    }
}
