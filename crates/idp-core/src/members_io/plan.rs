//! The dry run: what an import would do, row by row, decided without changing anything.
//! [`plan`] is the rule (pure, tested here); [`dry_run`] loads what it needs through the
//! ports, stores the plan with the file for a later apply, and records the dry run.

use super::read::Sheet;
use super::{FileError, ParsedRow, parse_row};
use crate::admin::{self, AdminError};
use crate::audit::{ActivityType, EventKind, InfoType};
use crate::audit_jobs::ExportFormat;
use crate::authz::{self, Actor, AuthzError, Permission};
use crate::clock::Timestamp;
use crate::email::Email;
use crate::ids::{EventId, OrgId, UserId};
use crate::org::Organization;
use crate::ports::{Change, StoreError, Stores};
use crate::records::{User, UserStatus};
use crate::signin::Origin;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Admin(#[from] AdminError),
    #[error(transparent)]
    Authz(#[from] AuthzError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Query(#[from] crate::members::MemberQueryError),
    #[error("no import with id {0:?}")]
    UnknownImport(String),
    #[error("this is not the file that was previewed (its digest differs); preview the file again")]
    DigestMismatch,
    #[error("the preview found {0} errors; fix them in the file and preview it again")]
    HasErrors(u64),
    #[error("this import is {0}; only a previewed import can be applied, once")]
    NotPreviewed(String),
    #[error("stored import is unreadable: {0}")]
    Corrupt(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Warning,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

/// One field's value before (none for a new member) and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowReport {
    pub row: u64,
    pub email: String,
    pub action: Action,
    pub changes: Vec<FieldChange>,
    pub messages: Vec<Message>,
}

impl RowReport {
    /// The report file's Status cell.
    pub fn status_text(&self) -> &'static str {
        match self.action {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Error => "error",
        }
    }

    /// The report file's Messages cell.
    pub fn messages_text(&self) -> String {
        self.messages
            .iter()
            .map(|m| m.text.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub create: u64,
    pub update: u64,
    pub unchanged: u64,
    pub warnings: u64,
    pub errors: u64,
}

/// What a dry run found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// SHA-256 of the file, hex: an apply names it.
    pub digest: String,
    pub format: ExportFormat,
    pub totals: Totals,
    /// About the whole file: unknown columns, an assumed encoding.
    pub notes: Vec<String>,
    /// What the destructive changes do, in a sentence each.
    pub impact: Vec<String>,
    pub rows: Vec<RowReport>,
}

/// A member as the dry run saw them; an apply changes nobody who differs from this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub updated_at: Timestamp,
    pub name: Option<String>,
    pub org_id: OrgId,
    pub status: UserStatus,
    pub email_login: bool,
}

/// One change an apply makes, with what it expects to find.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    Create {
        row: u64,
        org_id: OrgId,
        email: Email,
        name: Option<String>,
        status: UserStatus,
        email_login: bool,
    },
    Update {
        row: u64,
        user_id: UserId,
        email: Email,
        seen: Seen,
        name: Option<String>,
        org_id: Option<OrgId>,
        status: Option<UserStatus>,
        email_login: Option<bool>,
    },
}

impl Step {
    pub fn row(&self) -> u64 {
        match self {
            Step::Create { row, .. } | Step::Update { row, .. } => *row,
        }
    }
}

/// An organization of the tree the import works in.
#[derive(Clone, Debug)]
pub struct OrgEntry {
    pub org: Organization,
    /// Names from the root, such as `/Acme/Sales`.
    pub path: String,
    /// Slugs from the root, to accept `/acme/sales` too.
    pub slug_path: String,
    /// The importer holds member management over it.
    pub permitted: bool,
    pub email_password_login: bool,
}

/// A member the file names, as stored.
#[derive(Clone, Debug)]
pub struct Known {
    pub user: User,
    pub email_login: bool,
    pub has_password: bool,
}

/// Everything [`plan`] decides with.
#[derive(Clone, Debug)]
pub struct Context {
    pub scope: OrgId,
    pub orgs: Vec<OrgEntry>,
    /// The importing member, whose own email login may not be turned off.
    pub importer: Option<UserId>,
}

impl Context {
    fn entry(&self, id: &OrgId) -> Option<&OrgEntry> {
        self.orgs.iter().find(|o| &o.org.id == id)
    }

    /// The organization a path names: by names or slugs from the root, else from the
    /// import's organization down; case does not matter.
    fn find(&self, path: &str) -> Option<&OrgEntry> {
        let lower = path.to_lowercase();
        let by_path = |p: &str| {
            self.orgs
                .iter()
                .find(|o| o.path.to_lowercase() == p || o.slug_path == p)
        };
        if let Some(found) = by_path(&lower) {
            return Some(found);
        }
        let scope = self.entry(&self.scope)?;
        by_path(&format!("{}{lower}", scope.path.to_lowercase()))
            .or_else(|| by_path(&format!("{}{lower}", scope.slug_path)))
    }
}

/// Display paths of an organization and its ancestors in `tree`.
pub fn org_paths(org: &Organization, tree: &[Organization]) -> (String, String) {
    let (mut names, mut slugs) = (String::new(), String::new());
    for id in crate::policy::ancestry(org) {
        if let Some(o) = tree.iter().find(|o| o.id == id) {
            names.push('/');
            names.push_str(&o.name);
            slugs.push('/');
            slugs.push_str(&o.slug);
        }
    }
    (names, slugs)
}

fn yn(b: bool) -> String {
    if b { "Y" } else { "N" }.to_owned()
}

fn change(field: &str, old: Option<String>, new: String) -> FieldChange {
    FieldChange {
        field: field.to_owned(),
        old,
        new,
    }
}

/// Plans every row: the report, and the steps an apply would take. Rows are checked
/// against each other (an address twice) and against the stored members in `known`
/// (by address: every member of the tree with that address).
pub fn plan(
    ctx: &Context,
    rows: &[ParsedRow],
    known: &HashMap<Email, Vec<Known>>,
) -> (Vec<RowReport>, Vec<Step>, Vec<String>) {
    let mut seen_at: HashMap<&Email, Vec<u64>> = HashMap::new();
    for r in rows {
        if let Some(e) = &r.email {
            seen_at.entry(e).or_default().push(r.line);
        }
    }
    let mut reports = Vec::with_capacity(rows.len());
    let mut steps = Vec::new();
    let (mut turned_off, mut turned_on, mut disabled) = (0u64, 0u64, 0u64);
    for r in rows {
        let mut errors: Vec<String> = r.errors.clone();
        let mut warnings = Vec::new();
        let mut changes = Vec::new();
        let mut step = None;
        if let Some(email) = &r.email
            && let Some(lines) = seen_at.get(email)
            && lines.len() > 1
        {
            let list: Vec<String> = lines.iter().map(u64::to_string).collect();
            errors.push(format!(
                "{email} appears more than once in the file (rows {})",
                list.join(", ")
            ));
        }
        let target = match &r.organization {
            None => None,
            Some(p) => match ctx.find(p) {
                None => {
                    errors.push(format!("there is no organization {p}"));
                    None
                }
                Some(o) if !o.permitted => {
                    errors.push(format!(
                        "the organization {} is outside the organizations you administer",
                        o.path
                    ));
                    None
                }
                Some(o) => Some(o),
            },
        };
        let candidates: &[Known] = r
            .email
            .as_ref()
            .and_then(|e| known.get(e))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let member = match (candidates, target) {
            ([], _) => None,
            ([one], _) => Some(one),
            (many, Some(t)) => match many.iter().find(|k| k.user.org_id == t.org.id) {
                Some(k) => Some(k),
                None => {
                    errors.push(format!(
                        "{} members of different organizations have this address; the organization column must name the one to change",
                        many.len()
                    ));
                    None
                }
            },
            (many, None) => {
                errors.push(format!(
                    "{} members of different organizations have this address; the organization column must name the one to change",
                    many.len()
                ));
                None
            }
        };
        let (Some(email), true) = (&r.email, errors.is_empty()) else {
            reports.push(report(r, Action::Error, changes, warnings, errors));
            continue;
        };
        match member {
            Some(k) => {
                let u = &k.user;
                let Some(current) = ctx.entry(&u.org_id) else {
                    errors.push("the member belongs to another tree of organizations".into());
                    reports.push(report(r, Action::Error, changes, warnings, errors));
                    continue;
                };
                if !current.permitted {
                    errors.push(format!(
                        "the member belongs to {}, outside the organizations you administer",
                        current.path
                    ));
                }
                let dest = target.unwrap_or(current);
                let name = r.name.clone().filter(|n| Some(n) != u.name.as_ref());
                if let Some(n) = &name {
                    changes.push(change("name", u.name.clone(), n.clone()));
                }
                let org_id = (dest.org.id != u.org_id).then(|| dest.org.id.clone());
                if org_id.is_some() {
                    if candidates.iter().any(|c| c.user.org_id == dest.org.id) {
                        errors.push(format!("{} already has a member {email}", dest.path));
                    }
                    changes.push(change(
                        "organization",
                        Some(current.path.clone()),
                        dest.path.clone(),
                    ));
                }
                let status = r.status.filter(|s| *s != u.status);
                if let Some(s) = status {
                    changes.push(change(
                        "status",
                        Some(u.status.as_str().to_owned()),
                        s.as_str().to_owned(),
                    ));
                    if s == UserStatus::Disabled {
                        disabled += 1;
                    }
                }
                let email_login = r.email_login.filter(|on| *on != k.email_login);
                match email_login {
                    Some(false) => {
                        if ctx.importer.as_ref() == Some(&u.id) {
                            errors.push("you cannot turn off your own email login".into());
                        }
                        turned_off += 1;
                    }
                    Some(true) if !dest.email_password_login => errors.push(format!(
                        "email login cannot be turned on: email-password sign-in is off for {}",
                        dest.path
                    )),
                    Some(true) => turned_on += 1,
                    None => {}
                }
                if let Some(on) = email_login {
                    changes.push(change(
                        "email_login_enabled",
                        Some(yn(k.email_login)),
                        yn(on),
                    ));
                }
                if org_id.is_some()
                    && k.email_login
                    && email_login != Some(false)
                    && !dest.email_password_login
                {
                    warnings.push(format!(
                        "email-password sign-in is off for {}: the member will sign in another way there",
                        dest.path
                    ));
                }
                let action = if !errors.is_empty() {
                    Action::Error
                } else if changes.is_empty() {
                    Action::Unchanged
                } else {
                    step = Some(Step::Update {
                        row: r.line,
                        user_id: u.id.clone(),
                        email: email.clone(),
                        seen: Seen {
                            updated_at: u.updated_at,
                            name: u.name.clone(),
                            org_id: u.org_id.clone(),
                            status: u.status,
                            email_login: k.email_login,
                        },
                        name,
                        org_id,
                        status,
                        email_login,
                    });
                    Action::Update
                };
                reports.push(report(r, action, changes, warnings, errors));
            }
            None => {
                let Some(dest) = target.or_else(|| ctx.entry(&ctx.scope)) else {
                    errors.push("the import's organization is gone".into());
                    reports.push(report(r, Action::Error, changes, warnings, errors));
                    continue;
                };
                let email_login = r.email_login.unwrap_or(false);
                if r.email_login.is_none() {
                    warnings.push(
                        "email_login_enabled is blank: the new member gets no email login".into(),
                    );
                }
                if email_login && !dest.email_password_login {
                    errors.push(format!(
                        "email login cannot be turned on: email-password sign-in is off for {}",
                        dest.path
                    ));
                }
                let status = r.status.unwrap_or(UserStatus::Active);
                changes.push(change("email", None, email.to_string()));
                if let Some(n) = &r.name {
                    changes.push(change("name", None, n.clone()));
                }
                changes.push(change("organization", None, dest.path.clone()));
                changes.push(change("status", None, status.as_str().to_owned()));
                changes.push(change("email_login_enabled", None, yn(email_login)));
                let action = if errors.is_empty() {
                    if email_login {
                        turned_on += 1;
                    }
                    step = Some(Step::Create {
                        row: r.line,
                        org_id: dest.org.id.clone(),
                        email: email.clone(),
                        name: r.name.clone(),
                        status,
                        email_login,
                    });
                    Action::Create
                } else {
                    Action::Error
                };
                reports.push(report(r, action, changes, warnings, errors));
            }
        }
        steps.extend(step);
    }
    let mut impact = Vec::new();
    if turned_off > 0 {
        impact.push(format!(
            "email login N for {turned_off} members deletes their passwords and pending password links"
        ));
    }
    if disabled > 0 {
        impact.push(format!(
            "status disabled for {disabled} members stops them signing in"
        ));
    }
    if turned_on > 0 {
        impact.push(format!(
            "email login Y for {turned_on} members sends each a welcome email to create a password"
        ));
    }
    (reports, steps, impact)
}

fn report(
    r: &ParsedRow,
    action: Action,
    changes: Vec<FieldChange>,
    warnings: Vec<String>,
    errors: Vec<String>,
) -> RowReport {
    let messages = errors
        .into_iter()
        .map(|text| Message {
            level: Level::Error,
            text,
        })
        .chain(warnings.into_iter().map(|text| Message {
            level: Level::Warning,
            text,
        }))
        .collect();
    RowReport {
        row: r.line,
        email: r.email_text.clone(),
        action,
        changes: if action == Action::Error {
            Vec::new()
        } else {
            changes
        },
        messages,
    }
}

/// The totals of a report's rows and file-level notes.
pub fn totals(rows: &[RowReport], notes: usize) -> Totals {
    let mut t = Totals {
        warnings: notes as u64,
        ..Totals::default()
    };
    for r in rows {
        match r.action {
            Action::Create => t.create += 1,
            Action::Update => t.update += 1,
            Action::Unchanged => t.unchanged += 1,
            Action::Error => t.errors += 1,
        }
        t.warnings += r
            .messages
            .iter()
            .filter(|m| m.level == Level::Warning)
            .count() as u64;
    }
    t
}

pub fn digest(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

/// A dry run's outcome: its report and the stored import an apply names.
#[derive(Clone, Debug)]
pub struct DryRun {
    pub import_id: String,
    pub report: Report,
    pub sheet: Sheet,
}

/// Loads the organizations of the tree `scope` belongs to, with what the planner needs.
async fn context(
    stores: &Stores,
    by: &Actor,
    scope: &Organization,
) -> Result<Context, ImportError> {
    let root = stores
        .orgs
        .find_by_id(&scope.root_id())
        .await?
        .unwrap_or_else(|| scope.clone());
    let tree = stores.orgs.find_subtree(&root.path).await?;
    let mut orgs = Vec::with_capacity(tree.len());
    for org in &tree {
        let (path, slug_path) = org_paths(org, &tree);
        let permitted = authz::permitted(stores, by, org, Permission::Members).await?;
        let email_password_login = crate::policy::effective_policy(stores, org)
            .await?
            .email_password_login;
        orgs.push(OrgEntry {
            org: org.clone(),
            path,
            slug_path,
            permitted,
            email_password_login,
        });
    }
    Ok(Context {
        scope: scope.id.clone(),
        orgs,
        importer: match by {
            Actor::Member(u) => Some(u.id.clone()),
            _ => None,
        },
    })
}

/// Addresses read per query when looking the file's members up.
const LOOKUP_BATCH: usize = 500;

/// The organization an import goes into, once `by` is found to hold member management
/// over it (a refusal is recorded): checked before the file is read.
pub async fn import_scope(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    scope: &str,
) -> Result<Organization, ImportError> {
    let scope = admin::resolve_org(stores, scope).await?;
    authz::require(
        stores,
        by,
        &scope,
        Permission::Members,
        origin,
        "member_import",
    )
    .await?;
    Ok(scope)
}

/// Previews an import of `bytes`, read as `sheet` ([`read::read`], which the caller runs
/// off the async threads), into the organization `scope` (from [`import_scope`]): plans
/// every row and stores the plan with the file, so that an apply changes exactly what
/// was previewed. Changes no member. The dry run is recorded.
pub async fn dry_run(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    scope: &Organization,
    file_name: &str,
    bytes: Vec<u8>,
    sheet: Sheet,
) -> Result<DryRun, ImportError> {
    let rows: Vec<ParsedRow> = sheet
        .rows
        .iter()
        .map(|r| parse_row(&sheet.header, r.line, &r.cells))
        .collect();
    let ctx = context(stores, by, scope).await?;
    let mut emails: Vec<Email> = rows.iter().filter_map(|r| r.email.clone()).collect();
    emails.sort();
    emails.dedup();
    let mut known: HashMap<Email, Vec<Known>> = HashMap::new();
    for chunk in emails.chunks(LOOKUP_BATCH) {
        for (user, creds) in stores
            .members_io
            .find_with_credentials_by_emails(chunk)
            .await?
        {
            if ctx.entry(&user.org_id).is_none() {
                continue;
            }
            let k = Known {
                email_login: creds.as_ref().is_some_and(|c| c.email_login_enabled),
                has_password: creds.as_ref().is_some_and(|c| c.password_hash.is_some()),
                user,
            };
            known.entry(k.user.email.clone()).or_default().push(k);
        }
    }
    let (reports, steps, impact) = plan(&ctx, &rows, &known);
    let mut notes = sheet.notes.clone();
    notes.extend(sheet.header.warnings.iter().cloned());
    let report = Report {
        digest: digest(&bytes),
        format: sheet.format,
        totals: totals(&reports, notes.len()),
        notes,
        impact,
        rows: reports,
    };
    let now = stores.clock.now();
    let (actor_kind, actor_id) = by.audit();
    let job = super::job::ImportJob {
        id: EventId::generate().to_string(),
        org_id: scope.id.clone(),
        actor_kind,
        actor_id,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        file_name: file_name.chars().take(200).collect(),
        format: sheet.format,
        digest: report.digest.clone(),
        status: super::job::JobStatus::Previewed,
        total: steps.len() as i64,
        processed: 0,
        applied: 0,
        conflicts: 0,
        lease_owner: None,
        lease_until: None,
        created_at: now,
        updated_at: now,
        finished_at: None,
    };
    let plan = super::job::ImportPlan {
        report: serde_json::to_string(&report).map_err(|e| ImportError::Corrupt(e.to_string()))?,
        steps: serde_json::to_string(&steps).map_err(|e| ImportError::Corrupt(e.to_string()))?,
        file: bytes,
    };
    let mut event = admin::audit_event(
        &scope.id,
        by.audit(),
        origin,
        ActivityType::PersonalInfoAccess,
        EventKind::View,
        InfoType::Personal,
        stores,
    );
    event.detail = serde_json::json!({"import": job.id, "dry_run": true, "file": job.file_name,
        "digest": job.digest, "totals": report.totals});
    stores
        .audit
        .commit(
            &[Change::InsertImport(Box::new((job.clone(), plan)))],
            &[event],
        )
        .await?;
    Ok(DryRun {
        import_id: job.id,
        report,
        sheet,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::members_io::{Cell, match_header};

    fn org(name: &str, parent: Option<&Organization>) -> Organization {
        Organization::new(name, None, parent, Timestamp::from_secs(1)).unwrap()
    }

    struct World {
        ctx: Context,
        known: HashMap<Email, Vec<Known>>,
        acme: Organization,
        sales: Organization,
        other: Organization,
    }

    fn member(email: &str, org: &Organization, email_login: bool) -> Known {
        Known {
            user: User {
                id: UserId::generate(),
                org_id: org.id.clone(),
                email: Email::parse(email).unwrap(),
                email_verified: false,
                name: Some("Old Name".into()),
                given_name: None,
                family_name: None,
                locale: None,
                zoneinfo: None,
                job_title: None,
                phone: None,
                status: UserStatus::Active,
                super_admin: false,
                created_at: Timestamp::from_secs(1),
                updated_at: Timestamp::from_secs(2),
            },
            email_login,
            has_password: email_login,
        }
    }

    fn world() -> World {
        let acme = org("Acme", None);
        let sales = org("Sales", Some(&acme));
        let other = org("Legal", Some(&acme));
        let tree = vec![acme.clone(), sales.clone(), other.clone()];
        let orgs = tree
            .iter()
            .map(|o| {
                let (path, slug_path) = org_paths(o, &tree);
                OrgEntry {
                    org: o.clone(),
                    path,
                    slug_path,
                    permitted: o.id != other.id,
                    email_password_login: o.id != sales.id,
                }
            })
            .collect();
        let mut known: HashMap<Email, Vec<Known>> = HashMap::new();
        for k in [
            member("on@acme.test", &acme, true),
            member("off@acme.test", &acme, false),
            member("me@acme.test", &acme, true),
            member("legal@acme.test", &other, true),
        ] {
            known.entry(k.user.email.clone()).or_default().push(k);
        }
        let me = known[&Email::parse("me@acme.test").unwrap()][0]
            .user
            .id
            .clone();
        World {
            ctx: Context {
                scope: acme.id.clone(),
                orgs,
                importer: Some(me),
            },
            known,
            acme,
            sales,
            other,
        }
    }

    fn rows(lines: &[&[&str]]) -> Vec<ParsedRow> {
        let header = match_header(
            &[
                "email",
                "name",
                "organization",
                "status",
                "email_login_enabled",
            ]
            .map(|h| Cell::Text(h.into())),
        )
        .unwrap();
        lines
            .iter()
            .enumerate()
            .map(|(i, cells)| {
                let cells: Vec<Cell> = cells.iter().map(|c| Cell::Text((*c).into())).collect();
                parse_row(&header, i as u64 + 2, &cells)
            })
            .collect()
    }

    #[test]
    fn updates_show_each_field_old_and_new_and_blank_is_unchanged() {
        let w = world();
        let (reports, steps, impact) = plan(
            &w.ctx,
            &rows(&[
                &["ON@acme.test", "", "", "", "N"],
                &["off@acme.test", "New Name", "/Acme/Sales", "on_leave", ""],
                &["on@acme.test", "", "", "", ""],
            ]),
            &w.known,
        );
        assert_eq!(reports[0].action, Action::Error, "duplicate address");
        assert!(reports[0].messages[0].text.contains("rows 2, 4"));
        assert_eq!(reports[1].action, Action::Update);
        let fields: Vec<(&str, Option<&str>, &str)> = reports[1]
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.old.as_deref(), c.new.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("name", Some("Old Name"), "New Name"),
                ("organization", Some("/Acme"), "/Acme/Sales"),
                ("status", Some("active"), "on_leave"),
            ]
        );
        assert_eq!(steps.len(), 1);
        assert!(impact.is_empty());
        let (reports, steps, impact) = plan(
            &w.ctx,
            &rows(&[&["on@acme.test", "Old Name", "/acme", "active", "n"]]),
            &w.known,
        );
        assert_eq!(reports[0].action, Action::Update);
        assert_eq!(reports[0].changes.len(), 1);
        assert!(matches!(
            steps[0],
            Step::Update {
                email_login: Some(false),
                ..
            }
        ));
        assert_eq!(
            impact,
            vec![
                "email login N for 1 members deletes their passwords and pending password links"
                    .to_owned()
            ]
        );
        let (reports, _, _) = plan(&w.ctx, &rows(&[&["on@acme.test", "Old Name"]]), &w.known);
        assert_eq!(reports[0].action, Action::Unchanged);
    }

    #[test]
    fn every_error_the_issue_lists_is_reported() {
        let w = world();
        let (reports, steps, _) = plan(
            &w.ctx,
            &rows(&[
                &["bad@", "", "", "", ""],
                &["new@acme.test", "", "/Acme/Nowhere", "", ""],
                &["new2@acme.test", "", "/Acme/Legal", "", ""],
                &["legal@acme.test", "", "", "", "N"],
                &["x@acme.test", "", "", "gone", "maybe"],
                &["me@acme.test", "", "", "", "N"],
                &["off@acme.test", "", "/Acme/Sales", "", "Y"],
                &["new3@acme.test", "", "sales", "", "Y"],
            ]),
            &w.known,
        );
        assert!(steps.is_empty());
        let texts: Vec<String> = reports.iter().map(RowReport::messages_text).collect();
        assert!(
            reports.iter().all(|r| r.action == Action::Error),
            "{texts:?}"
        );
        assert!(texts[0].contains("malformed"));
        assert!(texts[1].contains("no organization /Acme/Nowhere"));
        assert!(texts[2].contains("outside the organizations you administer"));
        assert!(texts[3].contains("outside the organizations you administer"));
        assert!(texts[4].contains("status must be") && texts[4].contains("Y or N"));
        assert!(texts[5].contains("your own email login"));
        assert!(texts[6].contains("email-password sign-in is off for /Acme/Sales"));
        assert!(texts[7].contains("email-password sign-in is off for /Acme/Sales"));
        let _ = (&w.acme, &w.sales, &w.other);
    }

    #[test]
    fn new_members_are_created_in_the_named_organization() {
        let w = world();
        let (reports, steps, impact) = plan(
            &w.ctx,
            &rows(&[&["Fresh@Acme.test", "Fresh", "", "", "Y"]]),
            &w.known,
        );
        assert_eq!(reports[0].action, Action::Create);
        assert_eq!(reports[0].email, "fresh@acme.test");
        assert!(
            matches!(&steps[0], Step::Create { org_id, email_login: true, .. } if *org_id == w.acme.id)
        );
        assert_eq!(impact.len(), 1);
        let t = totals(&reports, 1);
        assert_eq!((t.create, t.errors, t.warnings), (1, 0, 1));
    }
}
