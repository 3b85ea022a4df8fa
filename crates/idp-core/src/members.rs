//! Finding members for administrators: the filters of the console's members page (and of
//! exports), keyset pages over them, and the summary each row shows.

use crate::Timestamp;
use crate::admin::{self, AdminError};
use crate::authz::{self, Actor, Permission};
use crate::client::wire_enum;
use crate::ids::{OrgId, UserId};
use crate::org::Organization;
use crate::ports::Stores;
use crate::records::{LoginMethodKind, User, UserStatus};
use crate::signin::Origin;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

wire_enum!(
    /// What second factor a member has set up.
    SecondFactorKind, "second factor" {
        App => "app",
        EmailCode => "email_code",
        SmsCode => "sms_code",
        None => "none",
    }
);

wire_enum!(
    /// A way of signing in, as administrators name it.
    MethodFilter, "sign-in method" {
        Password => "password",
        Google => "google",
        Microsoft => "microsoft",
    }
);

wire_enum!(
    /// The order of the members list.
    MemberSort, "sort order" {
        Email => "email",
        Newest => "newest",
    }
);

/// The page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: u32 = 25;
/// Page sizes offered; anything else is refused rather than silently changed.
pub const PAGE_SIZES: &[u32] = &[25, 50, 100, 500];
/// Longest free-text search accepted.
pub const MAX_SEARCH_CHARS: usize = 200;

/// Which members to list: an organization (with its sub-organizations when `subtree`),
/// narrowed by the members page's filters.
#[derive(Clone, Debug)]
pub struct MemberFilter {
    pub org_id: OrgId,
    pub org_path: String,
    pub subtree: bool,
    /// Lower-cased; matched anywhere in the name or address, or as the whole id.
    pub text: Option<String>,
    pub status: Option<UserStatus>,
    pub email_login: Option<bool>,
    pub second_factor: Option<SecondFactorKind>,
    pub method: Option<MethodFilter>,
    /// Last sign-in (by any method) at or after this time.
    pub signed_in_from: Option<Timestamp>,
    /// Last sign-in before this time.
    pub signed_in_until: Option<Timestamp>,
    /// Only members who have never signed in.
    pub never_signed_in: bool,
    pub sort: MemberSort,
}

impl MemberFilter {
    /// Every member of `org` (and its sub-organizations with `subtree`), by address.
    pub fn of(org: &Organization, subtree: bool) -> Self {
        MemberFilter {
            org_id: org.id.clone(),
            org_path: org.path.clone(),
            subtree,
            text: None,
            status: None,
            email_login: None,
            second_factor: None,
            method: None,
            signed_in_from: None,
            signed_in_until: None,
            never_signed_in: false,
            sort: MemberSort::Email,
        }
    }
}

/// Where the next page starts: just after this member in the list's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemberCursor {
    Email { email: String, id: UserId },
    Newest { created_at: Timestamp, id: UserId },
}

impl MemberCursor {
    /// The cursor that follows `user` in `sort` order.
    pub fn after(user: &User, sort: MemberSort) -> Self {
        match sort {
            MemberSort::Email => MemberCursor::Email {
                email: user.email.to_string(),
                id: user.id.clone(),
            },
            MemberSort::Newest => MemberCursor::Newest {
                created_at: user.created_at,
                id: user.id.clone(),
            },
        }
    }

    /// An opaque token for a URL.
    pub fn encode(&self) -> String {
        let raw = match self {
            MemberCursor::Email { email, id } => format!("e|{id}|{email}"),
            MemberCursor::Newest { created_at, id } => {
                format!("n|{id}|{}", created_at.as_micros())
            }
        };
        URL_SAFE_NO_PAD.encode(raw.as_bytes())
    }

    pub fn decode(text: &str) -> Result<Self, MemberQueryError> {
        let bad = || MemberQueryError::BadCursor;
        let raw = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
        let raw = String::from_utf8(raw).map_err(|_| bad())?;
        let mut parts = raw.splitn(3, '|');
        let (kind, id, rest) = (
            parts.next().ok_or_else(bad)?,
            parts.next().ok_or_else(bad)?,
            parts.next().ok_or_else(bad)?,
        );
        let id = UserId::from_string(id);
        match kind {
            "e" => Ok(MemberCursor::Email {
                email: rest.to_owned(),
                id,
            }),
            "n" => Ok(MemberCursor::Newest {
                created_at: Timestamp::from_micros(rest.parse().map_err(|_| bad())?),
                id,
            }),
            _ => Err(bad()),
        }
    }
}

/// One row of the members list: the member and what an administrator checks at a glance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberSummary {
    pub user: User,
    /// The member's organization as a path of names such as `/Acme/Sales` (the stores
    /// leave it empty; [`name_paths`] fills it in).
    pub org_path: String,
    pub email_login_enabled: bool,
    pub has_password: bool,
    pub temporary_password: bool,
    pub locked: bool,
    pub second_factor_locked: bool,
    pub authenticator_app: bool,
    pub email_codes: bool,
    /// A phone number proven for text-message codes.
    pub text_codes: bool,
    /// Kinds of sign-in the member has used, in a fixed order.
    pub methods: Vec<LoginMethodKind>,
    pub last_sign_in: Option<Timestamp>,
}

impl MemberSummary {
    pub fn second_factor(&self) -> SecondFactorKind {
        if self.authenticator_app {
            SecondFactorKind::App
        } else if self.email_codes {
            SecondFactorKind::EmailCode
        } else if self.text_codes {
            SecondFactorKind::SmsCode
        } else {
            SecondFactorKind::None
        }
    }

    /// The ways this member signs in, as administrators name them.
    pub fn sign_in_methods(&self) -> Vec<MethodFilter> {
        let mut out = Vec::new();
        if self.has_password || self.methods.contains(&LoginMethodKind::Native) {
            out.push(MethodFilter::Password);
        }
        if self.methods.contains(&LoginMethodKind::Google) {
            out.push(MethodFilter::Google);
        }
        if self.methods.contains(&LoginMethodKind::Entra) {
            out.push(MethodFilter::Microsoft);
        }
        out
    }
}

/// Members are counted up to this many; past it the page says "more than".
pub const COUNT_CAP: u64 = 10_000;

/// A page of the members list.
#[derive(Clone, Debug)]
pub struct MemberPage {
    pub rows: Vec<MemberSummary>,
    /// How many members match the filter in all, up to [`COUNT_CAP`] + 1.
    pub total: u64,
    pub next: Option<MemberCursor>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MemberQueryError {
    #[error("Show 25, 50, 100 or 500 members per page.")]
    PageSize,
    #[error("The search is longer than {MAX_SEARCH_CHARS} characters.")]
    SearchTooLong,
    #[error("The page link is damaged; start again from the first page.")]
    BadCursor,
    #[error("The date {0:?} is not a date such as 2026-12-31.")]
    BadDate(String),
    #[error("The sign-in range ends before it starts.")]
    EmptyRange,
    #[error("{0}")]
    Unknown(String),
}

impl MemberQueryError {
    /// The complaint in the reader's language (`Display` stays English); an unknown
    /// filter value is still English.
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            MemberQueryError::PageSize => tr.t("console-members-filter-page-size"),
            MemberQueryError::SearchTooLong => tr.t1(
                "console-members-filter-search-too-long",
                "max",
                MAX_SEARCH_CHARS,
            ),
            MemberQueryError::BadCursor => tr.t("console-members-filter-bad-cursor"),
            MemberQueryError::BadDate(text) => {
                tr.t1("console-members-filter-bad-date", "text", text.as_str())
            }
            MemberQueryError::EmptyRange => tr.t("console-members-filter-empty-range"),
            MemberQueryError::Unknown(_) => crate::admin::sentence(&self.to_string()),
        }
    }
}

/// The members page's filters as written in its URL; each is optional and blank means
/// "any".
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct MemberQuery {
    pub q: String,
    pub status: String,
    pub email_login: String,
    pub second_factor: String,
    pub method: String,
    /// Dates (`YYYY-MM-DD`, UTC) bounding the last sign-in, both inclusive.
    pub signed_in_from: String,
    pub signed_in_until: String,
    /// `never` for members who have never signed in.
    pub signed_in: String,
    pub subtree: String,
    pub sort: String,
    pub per_page: String,
    pub after: String,
}

impl MemberQuery {
    /// Checks every field and builds the filter, the cursor and the page size.
    pub fn parse(
        &self,
        org: &Organization,
    ) -> Result<(MemberFilter, Option<MemberCursor>, u32), MemberQueryError> {
        let text = self.q.trim();
        if text.chars().count() > MAX_SEARCH_CHARS {
            return Err(MemberQueryError::SearchTooLong);
        }
        let mut filter = MemberFilter::of(org, is_on(&self.subtree));
        filter.text = (!text.is_empty()).then(|| text.to_lowercase());
        filter.status = parse_opt(&self.status)?;
        filter.email_login = match self.email_login.trim() {
            "" => None,
            "on" | "true" | "Y" | "y" => Some(true),
            "off" | "false" | "N" | "n" => Some(false),
            other => {
                return Err(MemberQueryError::Unknown(format!(
                    "unknown email login filter {other:?}"
                )));
            }
        };
        filter.second_factor = parse_opt(&self.second_factor)?;
        filter.method = parse_opt(&self.method)?;
        filter.signed_in_from = parse_day(&self.signed_in_from, 0)?;
        filter.signed_in_until = parse_day(&self.signed_in_until, 1)?;
        if let (Some(from), Some(until)) = (filter.signed_in_from, filter.signed_in_until)
            && until <= from
        {
            return Err(MemberQueryError::EmptyRange);
        }
        filter.never_signed_in = self.signed_in.trim() == "never";
        filter.sort = parse_opt(&self.sort)?.unwrap_or(MemberSort::Email);
        let per_page = match self.per_page.trim() {
            "" => DEFAULT_PAGE_SIZE,
            n => n
                .parse()
                .ok()
                .filter(|n| PAGE_SIZES.contains(n))
                .ok_or(MemberQueryError::PageSize)?,
        };
        let cursor = match self.after.trim() {
            "" => None,
            c => {
                let c = MemberCursor::decode(c)?;
                let fits = matches!(
                    (&c, filter.sort),
                    (MemberCursor::Email { .. }, MemberSort::Email)
                        | (MemberCursor::Newest { .. }, MemberSort::Newest)
                );
                if !fits {
                    return Err(MemberQueryError::BadCursor);
                }
                Some(c)
            }
        };
        Ok((filter, cursor, per_page))
    }

    /// Whether any filter narrows the list (beyond the organization).
    pub fn is_filtered(&self) -> bool {
        [
            &self.q,
            &self.status,
            &self.email_login,
            &self.second_factor,
            &self.method,
            &self.signed_in_from,
            &self.signed_in_until,
            &self.signed_in,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }
}

fn is_on(v: &str) -> bool {
    matches!(v.trim(), "1" | "on" | "true" | "yes")
}

fn parse_opt<T: std::str::FromStr<Err = crate::client::UnknownValue>>(
    v: &str,
) -> Result<Option<T>, MemberQueryError> {
    match v.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|e: crate::client::UnknownValue| MemberQueryError::Unknown(e.to_string())),
    }
}

/// The start of a UTC day, `plus_days` later.
fn parse_day(v: &str, plus_days: u64) -> Result<Option<Timestamp>, MemberQueryError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let t = Timestamp::parse_rfc3339(&format!("{v}T00:00:00Z"))
        .ok_or_else(|| MemberQueryError::BadDate(v.to_owned()))?;
    Ok(Some(
        t.plus(std::time::Duration::from_secs(86_400 * plus_days)),
    ))
}

/// A page of `org`'s members matching `filter`, for someone with member management over
/// it. Reading it is recorded as an access to personal information.
pub async fn search(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    filter: &MemberFilter,
    after: Option<&MemberCursor>,
    per_page: u32,
) -> Result<MemberPage, AdminError> {
    let org = admin::resolve_org(stores, filter.org_id.as_str()).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::Members,
        origin,
        "search_members",
    )
    .await?;
    let now = stores.clock.now();
    // The page and the count on two connections at once: each may scan the tree.
    let (rows, total) = futures_util::future::join(
        stores.users.search(filter, after, per_page + 1, now),
        stores.users.count_matching(filter, now, COUNT_CAP),
    )
    .await;
    let (mut rows, total) = (rows?, total?);
    let next = (rows.len() > per_page as usize).then(|| {
        rows.truncate(per_page as usize);
        rows.last()
            .map(|r| MemberCursor::after(&r.user, filter.sort))
    });
    name_paths(stores, &mut rows).await?;
    let event = admin::personal_access(
        stores,
        by,
        origin,
        &org.id,
        None,
        serde_json::json!({"listed": "members", "count": rows.len(), "fields": admin::MEMBER_FIELDS}),
    );
    stores.audit.append(&event).await?;
    Ok(MemberPage {
        rows,
        total,
        next: next.flatten(),
    })
}

/// Replaces each row's organization path of ids by its path of names.
pub async fn name_paths(stores: &Stores, rows: &mut [MemberSummary]) -> Result<(), AdminError> {
    if rows.is_empty() {
        return Ok(());
    }
    let orgs = stores.orgs.find_all().await?;
    let names: std::collections::HashMap<String, String> = orgs
        .iter()
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect();
    for row in rows {
        if let Some(org) = orgs.iter().find(|o| o.id == row.user.org_id) {
            row.org_path = named_path(&org.path, &names);
        }
    }
    Ok(())
}

/// `/id1/id2/` as `/Name 1/Name 2`.
pub fn named_path(path: &str, names: &std::collections::HashMap<String, String>) -> String {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|id| format!("/{}", names.get(id).map_or(id, String::as_str)))
        .collect()
}

/// Every id matching `filter`, for a bulk action on "all N matching"; at most `limit`.
pub async fn matching_ids(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    filter: &MemberFilter,
    limit: u32,
) -> Result<Vec<UserId>, AdminError> {
    let org = admin::resolve_org(stores, filter.org_id.as_str()).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::Members,
        origin,
        "bulk_members",
    )
    .await?;
    let now = stores.clock.now();
    let mut ids = Vec::new();
    let mut after = None;
    while ids.len() < limit as usize {
        let page = stores
            .users
            .search(filter, after.as_ref(), 500, now)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(MemberCursor::after(&last.user, filter.sort));
        let full = page.len() == 500;
        ids.extend(page.into_iter().map(|r| r.user.id));
        if !full {
            break;
        }
    }
    ids.truncate(limit as usize);
    Ok(ids)
}

wire_enum!(
    /// What an administrator does to the members they selected.
    BulkAction, "member action" {
        EnableEmailLogin => "enable_email_login",
        DisableEmailLogin => "disable_email_login",
        ResendPasswordReset => "resend_password_reset",
        SetActive => "set_active",
        SetOnLeave => "set_on_leave",
        SetDisabled => "set_disabled",
        ResetSecondFactor => "reset_second_factor",
        TemporaryPassword => "temporary_password",
        TemporaryPasswordByEmail => "temporary_password_email",
        Move => "move",
    }
);

/// Most members one action touches; more are refused rather than half done.
pub const BULK_LIMIT: u32 = 5_000;

/// What a bulk action needs besides the members: where its emails link to, and the
/// organization (id or slug) members move to.
#[derive(Clone, Debug)]
pub struct BulkLinks {
    pub welcome: admin::Links,
    pub reset: admin::Links,
    pub move_to: Option<String>,
}

/// What happened to one member of a bulk action.
#[derive(Clone, Debug)]
pub enum Outcome {
    Done(Said),
    Skipped(Said),
    /// Issued; shown once to the administrator.
    TemporaryPassword(crate::secret::Password),
}

#[derive(Clone, Debug)]
pub struct BulkResult {
    pub member_id: UserId,
    pub email: String,
    pub outcome: Outcome,
}

/// Applies `action` to each member in `ids`, one at a time, each change with its audit
/// event. A member the action does not fit (already so, outside what `by` administers,
/// their own account) is skipped with the reason; a failing store stops the run.
pub async fn apply_bulk(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    ids: &[UserId],
    action: BulkAction,
    links: &BulkLinks,
) -> Result<Vec<BulkResult>, AdminError> {
    if ids.len() > BULK_LIMIT as usize {
        return Err(AdminError::TooMany {
            limit: BULK_LIMIT as usize,
        });
    }
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(member) = stores.users.find_by_id(id).await? else {
            results.push(BulkResult {
                member_id: id.clone(),
                email: String::new(),
                outcome: Outcome::Skipped(Said::MemberGone),
            });
            continue;
        };
        let outcome = apply_one(stores, by, origin, &member, action, links).await?;
        results.push(BulkResult {
            member_id: member.id.clone(),
            email: member.email.to_string(),
            outcome,
        });
    }
    Ok(results)
}

fn skipped(reason: Said) -> Outcome {
    Outcome::Skipped(reason)
}

/// What a bulk action did to a member, or why it left them alone. `Display` is the
/// English sentence; [`Said::message`] the reader's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Said {
    #[error("Status set to {}.", .0.as_str().replace('_', " "))]
    StatusSet(UserStatus),
    #[error("Email login on; welcome email sent.")]
    EmailLoginOn,
    #[error("Email login off; password and pending links removed.")]
    EmailLoginOff,
    #[error("Password reset email sent.")]
    ResetEmailSent,
    #[error("Second factor reset.")]
    SecondFactorReset,
    #[error("Moved to {0}.")]
    MovedTo(String),
    #[error("Temporary password emailed.")]
    TemporaryPasswordEmailed,
    #[error("This member no longer exists.")]
    MemberGone,
    #[error("The member's organization no longer exists.")]
    OrgGone,
    #[error("You do not hold the {permission} permission over {org}.")]
    NotPermitted { permission: Permission, org: String },
    #[error("Already {}.", .0.as_str().replace('_', " "))]
    AlreadyStatus(UserStatus),
    #[error("You cannot change the status of your own account.")]
    OwnStatus,
    #[error("Email login is already on.")]
    EmailLoginAlreadyOn,
    #[error("Email and password sign-in is off for {0}.")]
    EmailLoginOffFor(String),
    #[error("Email login is already off.")]
    EmailLoginAlreadyOff,
    #[error("You cannot turn off your own email login.")]
    OwnEmailLogin,
    #[error("This member does not sign in with email and password.")]
    NoEmailLogin,
    #[error("This member has no second factor.")]
    NoSecondFactor,
    #[error("Already in {0}.")]
    AlreadyIn(String),
    /// Another layer's refusal, as an English sentence.
    #[error("{0}")]
    Refused(String),
}

impl Said {
    /// The sentence in the reader's language; another layer's refusal stays English.
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            Said::StatusSet(s) => tr.t1("console-bulk-status-set", "status", s.as_str()),
            Said::EmailLoginOn => tr.t("console-bulk-email-login-on"),
            Said::EmailLoginOff => tr.t("console-bulk-email-login-off"),
            Said::ResetEmailSent => tr.t("console-bulk-reset-email-sent"),
            Said::SecondFactorReset => tr.t("console-bulk-second-factor-reset"),
            Said::MovedTo(org) => tr.t1("console-bulk-moved-to", "org", org.as_str()),
            Said::TemporaryPasswordEmailed => tr.t("console-bulk-temporary-password-emailed"),
            Said::MemberGone => tr.t("console-bulk-member-gone"),
            Said::OrgGone => tr.t("console-bulk-org-gone"),
            Said::NotPermitted { permission, org } => tr.message(
                "console-bulk-not-permitted",
                &[
                    ("permission", &permission.as_str()),
                    ("area", &admin::area_name(tr, *permission)),
                    ("org", org),
                ],
            ),
            Said::AlreadyStatus(s) => tr.t1("console-bulk-already-status", "status", s.as_str()),
            Said::OwnStatus => tr.t("console-bulk-own-status"),
            Said::EmailLoginAlreadyOn => tr.t("console-bulk-email-login-already-on"),
            Said::EmailLoginOffFor(org) => {
                tr.t1("console-bulk-email-login-off-for", "org", org.as_str())
            }
            Said::EmailLoginAlreadyOff => tr.t("console-bulk-email-login-already-off"),
            Said::OwnEmailLogin => tr.t("console-bulk-own-email-login"),
            Said::NoEmailLogin => tr.t("console-bulk-no-email-login"),
            Said::NoSecondFactor => tr.t("console-bulk-no-second-factor"),
            Said::AlreadyIn(org) => tr.t1("console-bulk-already-in", "org", org.as_str()),
            Said::Refused(text) => text.clone(),
        }
    }
}

async fn apply_one(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    member: &User,
    action: BulkAction,
    links: &BulkLinks,
) -> Result<Outcome, AdminError> {
    use crate::password_policy::{self as pw, ChangeError, LinkKind};
    let Some(org) = stores.orgs.find_by_id(&member.org_id).await? else {
        return Ok(skipped(Said::OrgGone));
    };
    let area = match action {
        BulkAction::ResetSecondFactor => Permission::TwoFactor,
        _ => Permission::Members,
    };
    match authz::require(stores, by, &org, area, origin, action.as_str()).await {
        Ok(()) => {}
        Err(authz::AuthzError::Forbidden(p)) => {
            return Ok(skipped(Said::NotPermitted {
                permission: p,
                org: org.name.clone(),
            }));
        }
        Err(authz::AuthzError::Store(e)) => return Err(e.into()),
    }
    let yourself = matches!(by, Actor::Member(u) if u.id == member.id);
    let creds = stores.credentials.find_by_user(&member.id).await?;
    let email_login = creds.as_ref().is_some_and(|c| c.email_login_enabled);
    let email = member.email.to_string();
    let change_error = |e: ChangeError| -> Result<Outcome, AdminError> {
        match e {
            ChangeError::Store(s) => Err(s.into()),
            ChangeError::Ephemeral(s) => Err(s.into()),
            other => Ok(skipped(Said::Refused(crate::admin::sentence(
                &other.to_string(),
            )))),
        }
    };
    let (org_ref, email_ref) = (&org, &email);
    let status = |s: UserStatus| async move {
        if member.status == s {
            return Ok(skipped(Said::AlreadyStatus(s)));
        }
        if yourself {
            return Ok(skipped(Said::OwnStatus));
        }
        admin::set_status(
            stores,
            by,
            origin,
            org_ref.id.as_str(),
            email_ref,
            s.as_str(),
        )
        .await?;
        Ok::<_, AdminError>(Outcome::Done(Said::StatusSet(s)))
    };
    Ok(match action {
        BulkAction::EnableEmailLogin => {
            if email_login {
                skipped(Said::EmailLoginAlreadyOn)
            } else if !crate::policy::policy_of_org(stores, &org.id)
                .await?
                .email_password_login
            {
                skipped(Said::EmailLoginOffFor(org.name.clone()))
            } else {
                let one = [email.clone()];
                admin::set_member_email_login(
                    stores,
                    by,
                    origin,
                    org.id.as_str(),
                    &one,
                    true,
                    &links.welcome,
                )
                .await?;
                Outcome::Done(Said::EmailLoginOn)
            }
        }
        BulkAction::DisableEmailLogin => {
            if !email_login {
                skipped(Said::EmailLoginAlreadyOff)
            } else if yourself {
                skipped(Said::OwnEmailLogin)
            } else {
                let one = [email.clone()];
                admin::set_member_email_login(
                    stores,
                    by,
                    origin,
                    org.id.as_str(),
                    &one,
                    false,
                    &links.welcome,
                )
                .await?;
                Outcome::Done(Said::EmailLoginOff)
            }
        }
        BulkAction::ResendPasswordReset => {
            if !email_login {
                skipped(Said::NoEmailLogin)
            } else {
                match pw::send_link(
                    stores,
                    member,
                    LinkKind::Reset,
                    &links.reset.base_url,
                    links.reset.ttl,
                    by.audit(),
                    origin,
                )
                .await
                {
                    Ok(()) => Outcome::Done(Said::ResetEmailSent),
                    Err(e) => return change_error(e),
                }
            }
        }
        BulkAction::SetActive => status(UserStatus::Active).await?,
        BulkAction::SetOnLeave => status(UserStatus::OnLeave).await?,
        BulkAction::SetDisabled => status(UserStatus::Disabled).await?,
        BulkAction::ResetSecondFactor => {
            let now = stores.clock.now();
            let has_any = creds.as_ref().is_some_and(|c| {
                c.totp_enrolled_at.is_some()
                    || c.email_otp_enabled
                    || c.phone_number.is_some()
                    || c.second_factor_lock.locked_until(now).is_some()
            });
            if !has_any {
                skipped(Said::NoSecondFactor)
            } else {
                match crate::mfa::reset_by_admin(stores, by, member, origin).await {
                    Ok(()) => Outcome::Done(Said::SecondFactorReset),
                    Err(crate::mfa::SecondFactorError::Store(s)) => return Err(s.into()),
                    Err(e) => skipped(Said::Refused(crate::admin::sentence(&e.to_string()))),
                }
            }
        }
        BulkAction::Move => {
            let Some(target) = links.move_to.as_deref().filter(|t| !t.is_empty()) else {
                return Err(AdminError::MoveTargetMissing);
            };
            let target = admin::resolve_org(stores, target).await?;
            if target.id == member.org_id {
                skipped(Said::AlreadyIn(target.name.clone()))
            } else {
                let change = crate::member_admin::MemberUpdate {
                    org: Some(target.id.to_string()),
                    ..Default::default()
                };
                match crate::member_admin::update_member(stores, by, origin, &member.id, change)
                    .await
                {
                    Ok(_) => Outcome::Done(Said::MovedTo(target.name.clone())),
                    Err(e @ (AdminError::Store(_) | AdminError::Ephemeral(_))) => return Err(e),
                    Err(e) => skipped(Said::Refused(crate::admin::sentence(&e.to_string()))),
                }
            }
        }
        BulkAction::TemporaryPassword | BulkAction::TemporaryPasswordByEmail => {
            if !email_login {
                skipped(Said::NoEmailLogin)
            } else {
                let password =
                    match pw::issue_temporary_password(stores, member, by.audit(), origin).await {
                        Ok(p) => p,
                        Err(e) => return change_error(e),
                    };
                if action == BulkAction::TemporaryPasswordByEmail {
                    if let Err(e) = pw::email_temporary_password(stores, member, &password).await {
                        return change_error(e);
                    }
                    Outcome::Done(Said::TemporaryPasswordEmailed)
                } else {
                    Outcome::TemporaryPassword(password)
                }
            }
        }
    })
}

/// Checks that `by` manages `member`'s organization (recording a refusal).
async fn manage(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    member: &User,
    action: &str,
) -> Result<Organization, AdminError> {
    let org = admin::resolve_org(stores, member.org_id.as_str()).await?;
    authz::require(stores, by, &org, Permission::Members, origin, action).await?;
    Ok(org)
}

fn member_event(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    member: &User,
    (activity, event, info_type): (
        crate::audit::ActivityType,
        crate::audit::EventKind,
        crate::audit::InfoType,
    ),
    detail: serde_json::Value,
) -> crate::audit::NewAuditEvent {
    let (actor_kind, actor_id) = by.audit();
    crate::audit::NewAuditEvent {
        org_id: member.org_id.clone(),
        occurred_at: stores.clock.now(),
        actor_kind,
        actor_id,
        target_user_id: Some(member.id.clone()),
        activity,
        event,
        info_type,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        device_id: None,
        detail,
    }
}

/// Lifts a member's password lock. Returns whether there was one.
pub async fn unlock_password(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    member: &User,
) -> Result<bool, AdminError> {
    use crate::audit::{ActivityType, EventKind, InfoType};
    manage(stores, by, origin, member, "unlock_password").await?;
    let was_locked = stores
        .credentials
        .find_by_user(&member.id)
        .await?
        .is_some_and(|c| c.locked_at.is_some());
    // The lock lives in its own atomic statements, never in a whole-record change.
    stores.credentials.clear_failed_sign_ins(&member.id).await?;
    if was_locked {
        let event = member_event(
            stores,
            by,
            origin,
            member,
            (
                ActivityType::AccountLock,
                EventKind::Edit,
                InfoType::SecuritySettings,
            ),
            serde_json::json!({"lock": "password", "before": "locked", "after": "unlocked", "by": "administrator"}),
        );
        stores.audit.append(&event).await?;
    }
    Ok(was_locked)
}

/// Ends one of a member's sessions, or all of them; returns how many ended.
pub async fn end_sessions(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    member: &User,
    one: Option<&crate::ids::SessionId>,
) -> Result<u64, AdminError> {
    use crate::audit::{ActivityType, EventKind, InfoType};
    manage(stores, by, origin, member, "end_sessions").await?;
    let now = stores.clock.now();
    let ended = match one {
        Some(id) => match stores.sessions.find_by_id(id).await? {
            Some(s) if s.user_id == member.id => u64::from(stores.sessions.end(id, now).await?),
            _ => 0,
        },
        None => {
            stores
                .sessions
                .end_all_for_user(&member.id, None, now)
                .await?
        }
    };
    if ended > 0 {
        let event = member_event(
            stores,
            by,
            origin,
            member,
            (
                ActivityType::SecuritySettingsChange,
                EventKind::Delete,
                InfoType::SecuritySettings,
            ),
            serde_json::json!({"sessions_ended": ended, "session": one}),
        );
        stores.audit.append(&event).await?;
    }
    Ok(ended)
}

/// Removes one of a member's upstream links (their password and other links stay).
pub async fn unlink_account(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    member: &User,
    kind: LoginMethodKind,
    subject: &str,
) -> Result<bool, AdminError> {
    use crate::audit::{ActivityType, EventKind, InfoType};
    manage(stores, by, origin, member, "unlink_account").await?;
    if kind == LoginMethodKind::Native {
        return Ok(false);
    }
    let linked = stores
        .login_methods
        .find_by_user(&member.id)
        .await?
        .iter()
        .any(|m| m.kind == kind && m.upstream_subject == subject);
    if !linked {
        return Ok(false);
    }
    let event = member_event(
        stores,
        by,
        origin,
        member,
        (
            ActivityType::SecuritySettingsChange,
            EventKind::Delete,
            InfoType::SecuritySettings,
        ),
        serde_json::json!({"before": {"linked": kind, "subject": subject}}),
    );
    let change = crate::ports::Change::Unlink {
        user: member.id.clone(),
        kind,
        subject: subject.to_owned(),
    };
    stores.audit.commit(&[change], &[event]).await?;
    Ok(true)
}

/// Withdraws a member's consent to an application: their next sign-in there asks again.
pub async fn withdraw_consent(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    member: &User,
    client: &crate::ids::ClientId,
) -> Result<bool, AdminError> {
    use crate::audit::{ActivityType, EventKind, InfoType};
    manage(stores, by, origin, member, "withdraw_consent").await?;
    let Some(consent) = stores.consents.find(&member.id, client).await? else {
        return Ok(false);
    };
    let event = member_event(
        stores,
        by,
        origin,
        member,
        (
            ActivityType::Consent,
            EventKind::Delete,
            InfoType::Permission,
        ),
        serde_json::json!({"client_id": client, "before": {"scopes": consent.scopes}, "after": null}),
    );
    let change = crate::ports::Change::DeleteConsent {
        user: member.id.clone(),
        client: client.clone(),
    };
    let touched = stores.audit.commit(&[change], &[event]).await?;
    Ok(touched.first().is_some_and(|n| *n > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_bulk_action_did_reads_in_the_readers_language() {
        use crate::i18n::{Language, Tr};
        let en = Tr::default();
        let all = [
            Said::StatusSet(UserStatus::OnLeave),
            Said::StatusSet(UserStatus::Active),
            Said::EmailLoginOn,
            Said::EmailLoginOff,
            Said::ResetEmailSent,
            Said::SecondFactorReset,
            Said::MovedTo("Sales".into()),
            Said::TemporaryPasswordEmailed,
            Said::MemberGone,
            Said::OrgGone,
            Said::NotPermitted {
                permission: Permission::TwoFactor,
                org: "Sales".into(),
            },
            Said::AlreadyStatus(UserStatus::Disabled),
            Said::OwnStatus,
            Said::EmailLoginAlreadyOn,
            Said::EmailLoginOffFor("Sales".into()),
            Said::EmailLoginAlreadyOff,
            Said::OwnEmailLogin,
            Said::NoEmailLogin,
            Said::NoSecondFactor,
            Said::AlreadyIn("Sales".into()),
            Said::Refused("Nope.".into()),
        ];
        for said in &all {
            assert_eq!(said.message(&en), said.to_string());
            for language in Language::ALL {
                assert!(!said.message(&Tr::new(*language)).is_empty(), "{said:?}");
            }
        }
        let de = Tr::new(Language::De);
        assert_eq!(
            Said::StatusSet(UserStatus::OnLeave).message(&de),
            "Status auf „beurlaubt“ gesetzt."
        );
        assert_eq!(
            Said::AlreadyStatus(UserStatus::Disabled).message(&Tr::new(Language::Ko)),
            "이미 비활성 상태입니다."
        );
    }

    #[test]
    fn a_refused_member_filter_reads_in_the_readers_language() {
        use crate::i18n::{Language, Tr};
        let en = Tr::default();
        for e in [
            MemberQueryError::PageSize,
            MemberQueryError::SearchTooLong,
            MemberQueryError::BadCursor,
            MemberQueryError::BadDate("soon".into()),
            MemberQueryError::EmptyRange,
            MemberQueryError::Unknown("unknown status \"x\"".into()),
        ] {
            assert_eq!(e.message(&en), crate::admin::sentence(&e.to_string()));
        }
        assert_eq!(
            MemberQueryError::BadDate("soon".into()).message(&Tr::new(Language::De)),
            "„soon“ ist kein Datum wie 2026-12-31."
        );
    }

    fn org() -> Organization {
        Organization::new("Acme", Some("acme"), None, Timestamp::from_micros(0)).unwrap()
    }

    #[test]
    fn a_blank_query_lists_everyone_by_address_25_at_a_time() {
        let (f, c, n) = MemberQuery::default().parse(&org()).unwrap();
        assert_eq!(
            (f.text, f.status, f.subtree, c, n),
            (None, None, false, None, 25)
        );
        assert_eq!(f.sort, MemberSort::Email);
    }

    #[test]
    fn filters_are_read_from_their_url_spelling() {
        let q = MemberQuery {
            q: "  Kim ".into(),
            status: "on_leave".into(),
            email_login: "off".into(),
            second_factor: "app".into(),
            method: "microsoft".into(),
            signed_in_from: "2026-01-01".into(),
            signed_in_until: "2026-01-31".into(),
            subtree: "1".into(),
            per_page: "100".into(),
            ..Default::default()
        };
        let (f, _, n) = q.parse(&org()).unwrap();
        assert_eq!(f.text.as_deref(), Some("kim"));
        assert_eq!(f.status, Some(UserStatus::OnLeave));
        assert_eq!(f.email_login, Some(false));
        assert_eq!(f.second_factor, Some(SecondFactorKind::App));
        assert_eq!(f.method, Some(MethodFilter::Microsoft));
        assert!(f.subtree);
        assert_eq!(n, 100);
        let from = f.signed_in_from.unwrap();
        let until = f.signed_in_until.unwrap();
        // The end day is included: the bound is the next midnight.
        assert_eq!(
            until.as_micros() - from.as_micros(),
            31 * 86_400 * 1_000_000
        );
        assert!(q.is_filtered());
    }

    #[test]
    fn bad_values_are_refused_with_a_sentence() {
        let parse = |q: MemberQuery| q.parse(&org()).unwrap_err();
        assert_eq!(
            parse(MemberQuery {
                per_page: "26".into(),
                ..Default::default()
            }),
            MemberQueryError::PageSize
        );
        assert!(matches!(
            parse(MemberQuery {
                status: "gone".into(),
                ..Default::default()
            }),
            MemberQueryError::Unknown(_)
        ));
        assert!(matches!(
            parse(MemberQuery {
                signed_in_from: "31/12/2026".into(),
                ..Default::default()
            }),
            MemberQueryError::BadDate(_)
        ));
        assert_eq!(
            parse(MemberQuery {
                signed_in_from: "2026-02-01".into(),
                signed_in_until: "2026-01-01".into(),
                ..Default::default()
            }),
            MemberQueryError::EmptyRange
        );
        assert_eq!(
            parse(MemberQuery {
                q: "x".repeat(201),
                ..Default::default()
            }),
            MemberQueryError::SearchTooLong
        );
        assert_eq!(
            parse(MemberQuery {
                after: "not a cursor!".into(),
                ..Default::default()
            }),
            MemberQueryError::BadCursor
        );
    }

    #[test]
    fn cursors_survive_the_url_and_must_match_the_order() {
        let id = UserId::generate();
        let c = MemberCursor::Email {
            email: "a|b@example.com".into(),
            id: id.clone(),
        };
        assert_eq!(MemberCursor::decode(&c.encode()).unwrap(), c);
        let n = MemberCursor::Newest {
            created_at: Timestamp::from_micros(42),
            id,
        };
        assert_eq!(MemberCursor::decode(&n.encode()).unwrap(), n);
        let q = MemberQuery {
            after: c.encode(),
            sort: "newest".into(),
            ..Default::default()
        };
        assert_eq!(q.parse(&org()).unwrap_err(), MemberQueryError::BadCursor);
    }
}
