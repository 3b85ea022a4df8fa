//! What a members export writes: a keyset page of members at a time, each as the
//! sheet's columns. Writing the file (CSV or workbook) is the caller's; the export is
//! recorded as a download of personal information.

use super::Column;
use super::plan::{ImportError, org_paths};
use crate::admin;
use crate::audit::EventKind;
use crate::audit_jobs::ExportFormat;
use crate::authz::{self, Actor, Permission};
use crate::clock::Timestamp;
use crate::ids::{OrgId, UserId};
use crate::members::{MemberCursor, MemberFilter, MemberQuery};
use crate::org::Organization;
use crate::ports::{StoreError, Stores};
use crate::records::{LoginMethodKind, User};
use crate::signin::Origin;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// Members read per page.
pub const PAGE: u32 = 500;

/// A member with what the export's read-only columns show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportMember {
    pub user: User,
    pub email_login: bool,
    /// Enrolled second factors: `authenticator_app`, `email_code`.
    pub second_factors: Vec<&'static str>,
    pub sign_in_methods: Vec<LoginMethodKind>,
    pub last_sign_in: Option<Timestamp>,
    /// Organizations where the member holds administrator permissions, and which.
    pub admin_areas: Vec<(OrgId, Vec<String>)>,
}

/// What an export covers: an organization (with its sub-organizations when asked),
/// narrowed by the members page's filters.
#[derive(Clone, Debug)]
pub struct Scope {
    pub org: Organization,
    pub filter: MemberFilter,
    /// Any filter beyond the organization: then pages come from the member search (in
    /// its order); without, from the plain keyset read by id, which is faster.
    pub narrowed: bool,
    /// Display paths (`/Acme/Sales`) of the organizations of the tree, by id.
    paths: HashMap<OrgId, String>,
}

impl Scope {
    pub fn path_of(&self, org: &OrgId) -> String {
        self.paths
            .get(org)
            .cloned()
            .unwrap_or_else(|| org.to_string())
    }
}

/// Checks that `by` may export `org`'s members and that the filters of `query` are
/// sound, and records the export as a download of their personal information, before
/// anything is read.
pub async fn start(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    query: &MemberQuery,
    format: ExportFormat,
) -> Result<Scope, ImportError> {
    let org = admin::resolve_org(stores, org).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::Members,
        origin,
        "member_export",
    )
    .await?;
    let (filter, _, _) = query.parse(&org)?;
    let root = stores
        .orgs
        .find_by_id(&org.root_id())
        .await?
        .unwrap_or_else(|| org.clone());
    let tree = stores.orgs.find_subtree(&root.path).await?;
    let paths = tree
        .iter()
        .map(|o| (o.id.clone(), org_paths(o, &tree).0))
        .collect();
    let filters = MemberQuery {
        per_page: String::new(),
        after: String::new(),
        ..query.clone()
    };
    let mut event = admin::personal_access(
        stores,
        by,
        origin,
        &org.id,
        None,
        serde_json::json!({"exported": "members", "format": format, "filter": filters,
            "fields": Column::ALL.map(Column::name)}),
    );
    event.event = EventKind::Download;
    stores.audit.append(&event).await?;
    Ok(Scope {
        org,
        filter,
        narrowed: query.is_filtered(),
        paths,
    })
}

type PageRead = Pin<Box<dyn Future<Output = Result<Vec<ExportMember>, StoreError>> + Send>>;

/// The members of a scope, a keyset page at a time in the filter's order: memory stays
/// flat whatever their number. While the caller writes one page, the next is already
/// being read.
pub struct Pages {
    stores: Stores,
    scope: Scope,
    ahead: Option<PageRead>,
    started: bool,
}

impl Pages {
    pub fn new(stores: Stores, scope: Scope) -> Self {
        Self {
            stores,
            scope,
            ahead: None,
            started: false,
        }
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    fn read(&self, after: Option<(MemberCursor, UserId)>) -> PageRead {
        let stores = self.stores.clone();
        let filter = self.scope.filter.clone();
        if !self.scope.narrowed {
            let (path, only) = (
                self.scope.org.path.clone(),
                (!filter.subtree).then(|| self.scope.org.id.clone()),
            );
            return Box::pin(async move {
                let after = after.map(|(_, id)| id);
                stores
                    .members_io
                    .export_page(&path, only.as_ref(), after.as_ref(), PAGE)
                    .await
            });
        }
        let after = after.map(|(cursor, _)| cursor);
        Box::pin(async move {
            let now = stores.clock.now();
            let rows = stores
                .users
                .search(&filter, after.as_ref(), PAGE, now)
                .await?;
            let ids: Vec<UserId> = rows.iter().map(|r| r.user.id.clone()).collect();
            let mut areas: HashMap<UserId, Vec<(OrgId, Vec<String>)>> = HashMap::new();
            for a in stores.members_io.find_admin_assignments(&ids).await? {
                areas
                    .entry(a.user_id.clone())
                    .or_default()
                    .push((a.org_id, a.permissions));
            }
            Ok(rows
                .into_iter()
                .map(|r| {
                    let mut second_factors = Vec::new();
                    if r.authenticator_app {
                        second_factors.push("authenticator_app");
                    }
                    if r.email_codes {
                        second_factors.push("email_code");
                    }
                    ExportMember {
                        admin_areas: areas.remove(&r.user.id).unwrap_or_default(),
                        email_login: r.email_login_enabled,
                        second_factors,
                        sign_in_methods: r.methods,
                        last_sign_in: r.last_sign_in,
                        user: r.user,
                    }
                })
                .collect())
        })
    }

    /// The next page, or `None` after the last.
    pub async fn next(&mut self) -> Result<Option<Vec<ExportMember>>, StoreError> {
        let current = match self.ahead.take() {
            Some(read) => read,
            None if !self.started => self.read(None),
            None => return Ok(None),
        };
        self.started = true;
        let page = current.await?;
        if page.len() == PAGE as usize
            && let Some(last) = page.last()
        {
            let cursor = MemberCursor::after(&last.user, self.scope.filter.sort);
            let mut ahead = self.read(Some((cursor, last.user.id.clone())));
            // One poll sets the read going on the store's own thread.
            let first = std::future::poll_fn(|cx| Poll::Ready(ahead.as_mut().poll(cx))).await;
            if let Poll::Ready(done) = first {
                ahead = Box::pin(std::future::ready(done));
            }
            self.ahead = Some(ahead);
        }
        if page.is_empty() {
            return Ok(None);
        }
        Ok(Some(page))
    }
}

/// A member as the sheet's columns, in [`Column::ALL`] order.
pub fn row(m: &ExportMember, scope: &Scope) -> [String; 10] {
    let areas: Vec<String> = m
        .admin_areas
        .iter()
        .map(|(org, perms)| format!("{}: {}", scope.path_of(org), perms.join(" ")))
        .collect();
    let methods: Vec<&str> = m.sign_in_methods.iter().map(|k| k.as_str()).collect();
    [
        m.user.id.to_string(),
        m.user.email.to_string(),
        m.user.name.clone().unwrap_or_default(),
        scope.path_of(&m.user.org_id),
        m.user.status.as_str().to_owned(),
        if m.email_login { "Y" } else { "N" }.to_owned(),
        if m.user.super_admin {
            let mut all = vec!["super administrator".to_owned()];
            all.extend(areas);
            all.join("; ")
        } else {
            areas.join("; ")
        },
        m.second_factors.join(" "),
        methods.join(" "),
        m.last_sign_in
            .map(Timestamp::to_rfc3339)
            .unwrap_or_default(),
    ]
}

/// One page as CSV text, after the header line when `header` is set.
pub fn csv_rows(page: &[ExportMember], scope: &Scope, header: bool) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(page.len() * 160));
    if header {
        w.write_record(Column::ALL.map(Column::name))?;
    }
    for m in page {
        w.write_record(row(m, scope))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
