//! Signing in through an upstream provider (Google, Microsoft Entra ID): the rules an
//! organization sets for it, linking the upstream identity to a member, and creating
//! the member just in time. The protocol itself (discovery, code exchange, ID token
//! validation) is the web layer's; this module starts from a validated identity.

use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
use crate::client::Client;
use crate::email::Email;
use crate::ids::{OrgId, UserId};
use crate::org::Organization;
use crate::policy::{EffectivePolicy, effective_policy, policy_of_org};
use crate::ports::{Change, StoreError, Stores};
use crate::records::{Credentials, LoginMethodKind, Profile, SignInRecord, User, UserStatus};
use crate::signin::{Origin, SignInError, refusal, sign_in_event, sign_in_tree};

/// Who the upstream provider says signed in, from an ID token whose signature, issuer,
/// audience, lifetime and nonce are already checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpstreamIdentity {
    pub provider: Provider,
    /// What never changes for the person: Google's `sub`; Entra's `tid/oid`.
    pub subject: String,
    /// Entra's `tid`.
    pub tenant: Option<String>,
    /// Google's `hd`: the Workspace domain, absent for personal accounts.
    pub hosted_domain: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// The upstream's own `amr` values, when it sends them.
    pub amr: Vec<String>,
    /// From the upstream directory (Microsoft Graph), when the deployment reads it.
    pub job_title: Option<String>,
    pub phone: Option<String>,
}

/// The upstream providers `idp` federates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Provider {
    #[default]
    Google,
    Entra,
}

impl Provider {
    pub fn kind(self) -> LoginMethodKind {
        match self {
            Self::Google => LoginMethodKind::Google,
            Self::Entra => LoginMethodKind::Entra,
        }
    }

    /// The provider of an upstream login method; `None` for native sign-in.
    pub fn of_kind(kind: LoginMethodKind) -> Option<Self> {
        [Self::Google, Self::Entra]
            .into_iter()
            .find(|p| p.kind() == kind)
    }

    /// The short name in URLs, settings and the audit log.
    pub fn as_str(self) -> &'static str {
        self.kind().as_str()
    }

    /// The name people know.
    pub fn label(self) -> &'static str {
        match self {
            Self::Google => "Google",
            Self::Entra => "Microsoft",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "google" => Some(Self::Google),
            "entra" => Some(Self::Entra),
            _ => None,
        }
    }

    /// Whether an organization's policy lets its members use this provider.
    pub fn allowed_by(self, policy: &EffectivePolicy) -> bool {
        match self {
            Self::Google => policy.google_sign_in,
            Self::Entra => policy.entra_sign_in,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    #[error("Your organization does not allow signing in with {}.", .0.label())]
    ProviderNotAllowed(Provider),
    #[error(
        "{} has not verified this email address, so it cannot be used to sign in here.",
        .0.label()
    )]
    EmailNotVerified(Provider),
    #[error("Your organization does not accept Google accounts from {domain}.")]
    HostedDomainNotAllowed { domain: String },
    #[error(
        "Your organization does not accept Microsoft accounts from this directory (tenant {tenant})."
    )]
    TenantNotAllowed { tenant: String },
    #[error(
        "No account here matches this {} sign-in, and accounts are not created on first sign-in. Ask your administrator to add you.",
        .0.label()
    )]
    NoAccount(Provider),
    #[error("This account is disabled. Ask your administrator.")]
    Disabled,
    #[error(transparent)]
    Refused(SignInError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl FederationError {
    /// What the person reads, in their language (`Display` is the English for logs).
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            Self::ProviderNotAllowed(p) => {
                tr.t1("federation-provider-not-allowed", "provider", p.label())
            }
            Self::EmailNotVerified(p) => {
                tr.t1("federation-email-not-verified", "provider", p.label())
            }
            Self::HostedDomainNotAllowed { domain } => {
                tr.t1("federation-domain-not-allowed", "domain", domain)
            }
            Self::TenantNotAllowed { tenant } => {
                tr.t1("federation-tenant-not-allowed", "tenant", tenant)
            }
            Self::NoAccount(p) => tr.t1("federation-no-account", "provider", p.label()),
            Self::Disabled => tr.t("federation-disabled"),
            Self::Refused(e) => e.message(tr),
            Self::Store(e) => e.to_string(),
        }
    }

    /// The failure reason the audit log records.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::ProviderNotAllowed(_) => "provider_not_allowed",
            Self::EmailNotVerified(_) => "email_not_verified",
            Self::HostedDomainNotAllowed { .. } => "hosted_domain_not_allowed",
            Self::TenantNotAllowed { .. } => "tenant_not_allowed",
            Self::NoAccount(_) => "no_account",
            Self::Disabled => "disabled",
            Self::Refused(e) => e.reason(),
            Self::Store(_) => "store",
        }
    }
}

/// A completed upstream sign-in.
#[derive(Clone, Debug)]
pub struct FederatedSignIn {
    pub user: User,
    /// `fed`, then the upstream's own values.
    pub amr: Vec<String>,
    /// The member was created by this sign-in.
    pub provisioned: bool,
    /// The upstream identity was linked to the member by this sign-in.
    pub linked: bool,
}

/// Checks an organization's rules for an upstream identity, before anything is written.
pub fn check_rules(policy: &EffectivePolicy, id: &UpstreamIdentity) -> Result<(), FederationError> {
    if !id.provider.allowed_by(policy) {
        return Err(FederationError::ProviderNotAllowed(id.provider));
    }
    match id.provider {
        Provider::Google => {
            if !id.email_verified {
                return Err(FederationError::EmailNotVerified(id.provider));
            }
            let domains = &policy.google_hosted_domains;
            let hd = id.hosted_domain.as_deref().map(str::to_ascii_lowercase);
            if !domains.is_empty() && !hd.as_ref().is_some_and(|hd| domains.contains(hd)) {
                return Err(FederationError::HostedDomainNotAllowed {
                    domain: hd.unwrap_or_else(|| "personal accounts".into()),
                });
            }
        }
        Provider::Entra => {
            let tenant = id.tenant.as_deref().unwrap_or_default();
            if !policy
                .entra_allowed_tenants
                .iter()
                .any(|t| t.eq_ignore_ascii_case(tenant))
            {
                return Err(FederationError::TenantNotAllowed {
                    tenant: tenant.to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// The upstream's `amr` values after `fed`, once each.
pub fn amr_for(id: &UpstreamIdentity) -> Vec<String> {
    let mut amr = vec!["fed".to_owned()];
    for value in &id.amr {
        if !amr.contains(value) {
            amr.push(value.clone());
        }
    }
    amr
}

/// The organization tree a sign-in happens in: the requesting application's, or, for a
/// direct sign-in, the deployment's one main organization when there is only one.
async fn tree_of(
    stores: &Stores,
    client: Option<&Client>,
) -> Result<Option<Organization>, StoreError> {
    if let Some(c) = client {
        return sign_in_tree(stores, c).await;
    }
    let mut roots = stores
        .orgs
        .find_all()
        .await?
        .into_iter()
        .filter(Organization::is_root);
    match (roots.next(), roots.next()) {
        (Some(only), None) => Ok(Some(only)),
        _ => Ok(None),
    }
}

fn failure_event(
    org: &OrgId,
    user: Option<&UserId>,
    provider: Provider,
    reason: &str,
    now: crate::clock::Timestamp,
    origin: &Origin,
) -> NewAuditEvent {
    sign_in_event(
        org,
        user,
        now,
        origin,
        serde_json::json!({"method": provider.as_str(), "result": "failure", "reason": reason}),
    )
}

/// Records an upstream sign-in that failed before any member was known (a bad `state`,
/// an upstream error, a token that did not validate), in the sign-in tree's log.
pub async fn record_upstream_failure(
    stores: &Stores,
    provider: Provider,
    client: Option<&Client>,
    origin: &Origin,
    reason: &str,
) -> Result<(), StoreError> {
    // With several trees and no application to choose one, there is no log to file in.
    let Some(tree) = tree_of(stores, client).await? else {
        return Ok(());
    };
    let event = failure_event(&tree.id, None, provider, reason, stores.clock.now(), origin);
    stores.audit.append(&event).await?;
    Ok(())
}

/// What the sign-in page offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInOptions {
    /// The upstream providers some organization of the tree allows.
    pub providers: Vec<Provider>,
    /// The email-and-password form; absent where the main organization signs in
    /// upstream only (even with no provider to offer: the form could not sign anyone in).
    pub password: bool,
    /// "Sign in with a passkey": where the asking application's organization allows a
    /// passkey alone (the member's own organization is checked when the passkey answers).
    pub passkey: bool,
}

/// The ways to sign in that the sign-in page shows, among the providers the
/// deployment is `configured` for.
pub async fn sign_in_options(
    stores: &Stores,
    configured: &[Provider],
    client: Option<&Client>,
) -> Result<SignInOptions, StoreError> {
    let Some(tree) = tree_of(stores, client).await? else {
        return Ok(SignInOptions {
            providers: configured.to_vec(),
            password: true,
            passkey: client.is_none(),
        });
    };
    let root = effective_policy(stores, &tree).await?;
    let passkey = match client {
        // No application asked: the member's organization decides when the passkey answers.
        None => true,
        Some(c) if c.org_id == tree.id => root.passkey_sign_in,
        Some(c) => {
            crate::policy::policy_of_org(stores, &c.org_id)
                .await?
                .passkey_sign_in
        }
    };
    let mut providers: Vec<Provider> = configured
        .iter()
        .copied()
        .filter(|p| p.allowed_by(&root))
        .collect();
    if providers.len() < configured.len() {
        // A sub-organization may allow what its main organization does not.
        for org in stores.orgs.find_subtree(&tree.path).await? {
            let Some(record) = stores.policies.find_policy(&org.id).await? else {
                continue;
            };
            let own = crate::policy::PolicySettings::from_stored(&record.settings);
            for p in configured {
                let on = match p {
                    Provider::Google => own.google_sign_in,
                    Provider::Entra => own.entra_sign_in,
                };
                if on == Some(true) && !providers.contains(p) {
                    providers.push(*p);
                }
            }
        }
        providers.sort_by_key(|p| p.as_str());
    }
    Ok(SignInOptions {
        password: root.email_password_login,
        providers,
        passkey,
    })
}

/// Signs in the member an upstream identity belongs to: the one it is linked to, else
/// the member of the sign-in's tree with its verified address (and links it), else a
/// new member when the main organization provisions just in time. The organization's
/// rules for the provider, leave of absence, disabled accounts and the IP allow-list
/// apply; `idp`'s own second factor does not (the upstream asked for its own).
pub async fn sign_in_upstream(
    stores: &Stores,
    id: &UpstreamIdentity,
    client: Option<&Client>,
    origin: &Origin,
) -> Result<FederatedSignIn, FederationError> {
    let tree = tree_of(stores, client).await?;
    let orgs = match &tree {
        Some(t) => Some(stores.orgs.find_subtree(&t.path).await?),
        None => None,
    };
    let within = |u: &User| {
        orgs.as_ref()
            .is_none_or(|orgs| orgs.iter().any(|o| o.id == u.org_id))
    };
    let now = stores.clock.now();

    let linked = match stores
        .login_methods
        .find_by_upstream(id.provider.kind(), &id.subject)
        .await?
    {
        Some(m) => stores.users.find_by_id(&m.user_id).await?.filter(within),
        None => None,
    };
    let (member, newly_linked) = match linked {
        Some(user) => (Some(user), false),
        None => (matching_member(stores, id, &within).await?, true),
    };

    let Some(user) = member else {
        let Some(root) = tree else {
            return Err(FederationError::NoAccount(id.provider));
        };
        return provision(stores, id, &root, client, origin).await;
    };

    let policy = policy_of_org(stores, &user.org_id).await?;
    let checked = match check_rules(&policy, id) {
        Err(e) => Err(e),
        Ok(()) if user.status == UserStatus::Disabled => Err(FederationError::Disabled),
        Ok(()) => match refusal(stores, &user, &policy, client, origin).await? {
            Some(refused) => Err(FederationError::Refused(refused)),
            None => Ok(()),
        },
    };
    if let Err(e) = checked {
        let event = failure_event(
            &user.org_id,
            Some(&user.id),
            id.provider,
            e.reason(),
            now,
            origin,
        );
        stores.audit.append(&event).await?;
        return Err(e);
    }
    let user = complete(stores, id, user, origin, newly_linked, false).await?;
    Ok(FederatedSignIn {
        user,
        amr: amr_for(id),
        provisioned: false,
        linked: newly_linked,
    })
}

/// The one member of the sign-in's tree whose address the upstream verified. Where the
/// address belongs to several members (several trees, no application to choose), the
/// ones whose organization allows this provider decide, and must be exactly one.
async fn matching_member(
    stores: &Stores,
    id: &UpstreamIdentity,
    within: &impl Fn(&User) -> bool,
) -> Result<Option<User>, StoreError> {
    let Some(email) = id
        .email
        .as_deref()
        .filter(|_| id.email_verified)
        .and_then(|e| Email::parse(e).ok())
    else {
        return Ok(None);
    };
    let candidates: Vec<User> = stores
        .users
        .find_all_by_email(&email)
        .await?
        .into_iter()
        .filter(|u| within(u))
        .collect();
    if candidates.len() <= 1 {
        return Ok(candidates.into_iter().next());
    }
    let mut allowing = Vec::new();
    for user in candidates {
        if id
            .provider
            .allowed_by(&policy_of_org(stores, &user.org_id).await?)
        {
            allowing.push(user);
        }
    }
    Ok(if allowing.len() == 1 {
        allowing.pop()
    } else {
        None
    })
}

/// Creates a member in the tree's main organization, when it provisions just in time.
async fn provision(
    stores: &Stores,
    id: &UpstreamIdentity,
    root: &Organization,
    client: Option<&Client>,
    origin: &Origin,
) -> Result<FederatedSignIn, FederationError> {
    let now = stores.clock.now();
    let policy = effective_policy(stores, root).await?;
    let outcome = match check_rules(&policy, id) {
        Err(e) => Err(e),
        Ok(()) if !policy.just_in_time_provisioning => Err(FederationError::NoAccount(id.provider)),
        Ok(()) => match id
            .email
            .as_deref()
            .filter(|_| id.email_verified)
            .and_then(|e| Email::parse(e).ok())
        {
            None => Err(FederationError::EmailNotVerified(id.provider)),
            Some(email) => Ok(email),
        },
    };
    let email = match outcome {
        Ok(email) => email,
        Err(e) => {
            let event = failure_event(&root.id, None, id.provider, e.reason(), now, origin);
            stores.audit.append(&event).await?;
            return Err(e);
        }
    };
    let user = User {
        id: UserId::generate(),
        org_id: root.id.clone(),
        email,
        email_verified: true,
        name: id.name.clone(),
        given_name: None,
        family_name: None,
        locale: None,
        zoneinfo: None,
        job_title: id.job_title.clone(),
        phone: id.phone.clone(),
        status: UserStatus::Active,
        super_admin: false,
        created_at: now,
        updated_at: now,
    };
    // The allow-list holds before anyone is created.
    if let Some(refused) = refusal(stores, &user, &policy, client, origin).await? {
        let e = FederationError::Refused(refused);
        let event = failure_event(&root.id, None, id.provider, e.reason(), now, origin);
        stores.audit.append(&event).await?;
        return Err(e);
    }
    // Signs in upstream only, until an administrator turns email login on.
    let mut credentials = Credentials::empty(user.id.clone(), now);
    credentials.email_login_enabled = false;
    let created = NewAuditEvent {
        org_id: root.id.clone(),
        occurred_at: now,
        actor_kind: ActorKind::System,
        actor_id: None,
        target_user_id: Some(user.id.clone()),
        activity: ActivityType::MemberChange,
        event: EventKind::Create,
        info_type: InfoType::Personal,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        device_id: None,
        detail: serde_json::json!({
            "after": {"provisioned_by": id.provider.as_str(), "email": user.email.as_str()}
        }),
    };
    stores
        .audit
        .commit(&[Change::InsertUser(user.clone(), credentials)], &[created])
        .await?;
    let user = complete(stores, id, user, origin, true, true).await?;
    Ok(FederatedSignIn {
        user,
        amr: amr_for(id),
        provisioned: true,
        linked: true,
    })
}

/// Records the sign-in on the member's upstream method (creating the link the first
/// time), refreshes what the upstream says about them, and logs it.
async fn complete(
    stores: &Stores,
    id: &UpstreamIdentity,
    mut user: User,
    origin: &Origin,
    linked: bool,
    provisioned: bool,
) -> Result<User, StoreError> {
    let now = stores.clock.now();
    let record = SignInRecord {
        user_id: user.id.clone(),
        kind: id.provider.kind(),
        upstream_subject: id.subject.clone(),
        upstream_tenant: id.tenant.clone(),
        at: now,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
    };
    let profile = Profile {
        name: id.name.clone().filter(|n| Some(n) != user.name.as_ref()),
        job_title: id
            .job_title
            .clone()
            .filter(|t| Some(t) != user.job_title.as_ref()),
        phone: id.phone.clone().filter(|p| Some(p) != user.phone.as_ref()),
    };
    if profile != Profile::default() && !provisioned {
        stores.users.update_profile(&user.id, &profile, now).await?;
        user.name = profile.name.or(user.name);
        user.job_title = profile.job_title.or(user.job_title);
        user.phone = profile.phone.or(user.phone);
    }
    let event = sign_in_event(
        &user.org_id,
        Some(&user.id),
        now,
        origin,
        serde_json::json!({
            "method": id.provider.as_str(),
            "result": "success",
            "linked": linked,
            "provisioned": provisioned,
            "upstream_amr": id.amr,
            "tenant": id.tenant,
        }),
    );
    // The link is created with its record: no upstream link without its sign-in event.
    stores
        .audit
        .commit(&[Change::RecordSignIn(record)], &[event])
        .await?;
    Ok(user)
}

#[derive(Debug, thiserror::Error)]
pub enum UnlinkError {
    #[error("That account is not linked to yours.")]
    NotLinked,
    #[error(
        "This is your only way to sign in. Set a password or link another account before removing it."
    )]
    LastMethod,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Removes one of a member's upstream links, when another way to sign in remains: a
/// usable password, or another link.
pub async fn unlink(
    stores: &Stores,
    user: &User,
    provider: Provider,
    subject: &str,
    origin: &Origin,
) -> Result<(), UnlinkError> {
    let methods = stores.login_methods.find_by_user(&user.id).await?;
    let kind = provider.kind();
    if !methods
        .iter()
        .any(|m| m.kind == kind && m.upstream_subject == subject)
    {
        return Err(UnlinkError::NotLinked);
    }
    let other_link = methods.iter().any(|m| {
        m.kind != LoginMethodKind::Native && !(m.kind == kind && m.upstream_subject == subject)
    });
    let policy = policy_of_org(stores, &user.org_id).await?;
    let password = stores
        .credentials
        .find_by_user(&user.id)
        .await?
        .is_some_and(|c| c.password_hash.is_some() && c.email_login_enabled)
        && policy.email_password_login;
    if !other_link && !password {
        return Err(UnlinkError::LastMethod);
    }
    let now = stores.clock.now();
    let event = NewAuditEvent {
        org_id: user.org_id.clone(),
        occurred_at: now,
        actor_kind: ActorKind::Member,
        actor_id: Some(user.id.to_string()),
        target_user_id: Some(user.id.clone()),
        activity: ActivityType::SecuritySettingsChange,
        event: EventKind::Delete,
        info_type: InfoType::SecuritySettings,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        device_id: None,
        detail: serde_json::json!({"before": {"linked": provider.as_str(), "subject": subject}}),
    };
    let unlink = Change::Unlink {
        user: user.id.clone(),
        kind,
        subject: subject.to_owned(),
    };
    stores.audit.commit(&[unlink], &[event]).await?;
    Ok(())
}

/// An Entra ID person's address, and whether it may identify them. Entra's `email`
/// claim is what the tenant's administrator typed, verified by nobody; it counts only
/// when Entra says it is verified (`email_verified`) or that the tenant owns its domain
/// (the `xms_edov` optional claim). `preferred_username` never counts: it is a sign-in
/// name any tenant may set to anyone's address, and matching on it would let an
/// allowed tenant's user take over a local member ("nOAuth").
pub fn entra_address(
    email: Option<String>,
    email_verified: Option<bool>,
    xms_edov: Option<bool>,
) -> (Option<String>, bool) {
    let verified = email.is_some() && (email_verified == Some(true) || xms_edov == Some(true));
    (email, verified)
}

/// The multi-tenant Entra ID issuer for a tenant: discovery's `{tenantid}` template
/// filled with the token's `tid`. A token is accepted only when its `iss` is exactly
/// this, so a token from tenant A can never pass as tenant B's.
pub fn entra_issuer(template: &str, tid: &str) -> String {
    template.replace("{tenantid}", tid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn google(hd: Option<&str>, verified: bool) -> UpstreamIdentity {
        UpstreamIdentity {
            provider: Provider::Google,
            subject: "1001".into(),
            hosted_domain: hd.map(str::to_owned),
            email: Some("ada@example.com".into()),
            email_verified: verified,
            ..UpstreamIdentity::default()
        }
    }

    #[test]
    fn an_entra_address_counts_only_when_entra_vouches_for_it() {
        let ada = || Some("ada@example.com".to_owned());
        assert_eq!(entra_address(ada(), None, Some(true)), (ada(), true));
        assert_eq!(entra_address(ada(), Some(true), None), (ada(), true));
        for (verified, edov) in [(None, None), (Some(false), None), (None, Some(false))] {
            assert_eq!(entra_address(ada(), verified, edov), (ada(), false));
        }
        assert_eq!(entra_address(None, Some(true), Some(true)), (None, false));
    }

    #[test]
    fn refusals_are_told_in_the_readers_language() {
        use crate::i18n::{Language, Tr};
        let domain = FederationError::HostedDomainNotAllowed {
            domain: "gmail.com".into(),
        };
        // The English the log keeps is the English page's sentence.
        assert_eq!(domain.message(&Tr::default()), domain.to_string());
        let ko = domain.message(&Tr::new(Language::Ko));
        assert!(ko.contains("gmail.com") && ko.contains("Google"), "{ko}");
        assert_ne!(ko, domain.to_string());
        let de = FederationError::NoAccount(Provider::Entra).message(&Tr::new(Language::De));
        assert!(de.contains("Microsoft") && de.contains("Konto"), "{de}");
        for e in [
            FederationError::ProviderNotAllowed(Provider::Google),
            FederationError::EmailNotVerified(Provider::Entra),
            FederationError::TenantNotAllowed { tenant: "t".into() },
            FederationError::NoAccount(Provider::Google),
            FederationError::Disabled,
        ] {
            assert_eq!(e.message(&Tr::default()), e.to_string());
        }
    }

    #[test]
    fn google_needs_the_organization_a_verified_address_and_an_allowed_domain() {
        let mut policy = EffectivePolicy::default();
        assert!(matches!(
            check_rules(&policy, &google(Some("example.com"), true)),
            Err(FederationError::ProviderNotAllowed(Provider::Google))
        ));
        policy.google_sign_in = true;
        assert!(
            check_rules(&policy, &google(None, true)).is_ok(),
            "no domain list: any"
        );
        assert!(matches!(
            check_rules(&policy, &google(Some("example.com"), false)),
            Err(FederationError::EmailNotVerified(_))
        ));
        policy.google_hosted_domains = vec!["example.com".into()];
        assert!(check_rules(&policy, &google(Some("Example.COM"), true)).is_ok());
        for other in [Some("example.org"), None] {
            assert!(
                matches!(
                    check_rules(&policy, &google(other, true)),
                    Err(FederationError::HostedDomainNotAllowed { .. })
                ),
                "{other:?}"
            );
        }
    }

    #[test]
    fn entra_accepts_only_listed_tenants() {
        let tenant = "9188040d-6c67-4c5b-b112-36a304b66dad";
        let id = UpstreamIdentity {
            provider: Provider::Entra,
            subject: format!("{tenant}/00000000-0000-0000-0000-000000000001"),
            tenant: Some(tenant.into()),
            ..UpstreamIdentity::default()
        };
        let mut policy = EffectivePolicy {
            entra_sign_in: true,
            ..EffectivePolicy::default()
        };
        assert!(matches!(
            check_rules(&policy, &id),
            Err(FederationError::TenantNotAllowed { .. })
        ));
        policy.entra_allowed_tenants = vec![tenant.to_uppercase()];
        assert!(check_rules(&policy, &id).is_ok());
        let no_tenant = UpstreamIdentity {
            tenant: None,
            ..id.clone()
        };
        assert!(check_rules(&policy, &no_tenant).is_err());
        policy.entra_sign_in = false;
        assert!(matches!(
            check_rules(&policy, &id),
            Err(FederationError::ProviderNotAllowed(Provider::Entra))
        ));
    }

    #[test]
    fn amr_starts_with_fed_and_keeps_upstream_values_once() {
        let id = UpstreamIdentity {
            amr: vec!["pwd".into(), "mfa".into(), "fed".into(), "pwd".into()],
            ..UpstreamIdentity::default()
        };
        assert_eq!(amr_for(&id), ["fed", "pwd", "mfa"]);
        assert_eq!(amr_for(&UpstreamIdentity::default()), ["fed"]);
    }

    #[test]
    fn entra_issuer_fills_the_template_with_the_tokens_tenant() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert_eq!(
            entra_issuer(template, "abc"),
            "https://login.microsoftonline.com/abc/v2.0"
        );
        assert_eq!(
            entra_issuer("https://fixed/v2.0", "abc"),
            "https://fixed/v2.0"
        );
    }
}
