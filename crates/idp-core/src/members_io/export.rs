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

/// What an export covers: one organization, or it and its sub-organizations.
#[derive(Clone, Debug)]
pub struct Scope {
    pub org: Organization,
    pub subtree: bool,
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

/// Checks that `by` may export `org`'s members, and records the export as a download of
/// their personal information, before anything is read.
pub async fn start(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    subtree: bool,
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
    let mut event = admin::personal_access(
        stores,
        by,
        origin,
        &org.id,
        None,
        serde_json::json!({"exported": "members", "format": format, "subtree": subtree,
            "fields": Column::ALL.map(Column::name)}),
    );
    event.event = EventKind::Download;
    stores.audit.append(&event).await?;
    Ok(Scope {
        org,
        subtree,
        paths,
    })
}

type PageRead = Pin<Box<dyn Future<Output = Result<Vec<ExportMember>, StoreError>> + Send>>;

/// The members of a scope, a keyset page at a time: memory stays flat whatever their
/// number. While the caller writes one page, the next is already being read.
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

    fn read(&self, after: Option<UserId>) -> PageRead {
        let repo = self.stores.members_io.clone();
        let path = self.scope.org.path.clone();
        let only = (!self.scope.subtree).then(|| self.scope.org.id.clone());
        Box::pin(async move {
            repo.export_page(&path, only.as_ref(), after.as_ref(), PAGE)
                .await
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
        if page.len() == PAGE as usize {
            let mut ahead = self.read(page.last().map(|m| m.user.id.clone()));
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
