//! Organizations for administrators: the tree they may see with its counts, and
//! creating, renaming, moving and deleting sub-organizations. The entity and its paths
//! are in `org.rs`.

use crate::admin::{AdminError, actor_event, insert_org, resolve_org};
use crate::audit::{ActivityType, EventKind, InfoType};
use crate::authz::{self, Actor, Permission};
use crate::ids::OrgId;
use crate::org::{Organization, parse_name};
use crate::ports::{Change, StoreError, Stores};
use crate::signin::Origin;
use std::collections::HashMap;

/// One organization of the tree as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgNode {
    pub org: Organization,
    /// Below the highest organization shown (0 for it).
    pub depth: usize,
    /// Direct members.
    pub members: u64,
    /// Direct sub-organizations.
    pub sub_orgs: u64,
}

/// The tops of the subtrees `by` may see: `None` for everything (the super administrator,
/// an operator); an organization administrator's, where they hold `area` (any area when
/// `None`); a service client's own organization when it holds such a scope.
pub(crate) async fn visible_roots(
    stores: &Stores,
    by: &Actor,
    area: Option<Permission>,
) -> Result<Option<Vec<Organization>>, AdminError> {
    let holds = |perms: &[String]| match area {
        Some(a) => perms.iter().any(|p| p == a.as_str()),
        None => !perms.is_empty(),
    };
    match by {
        Actor::Operator => Ok(None),
        Actor::Member(u) if u.super_admin => Ok(None),
        Actor::Member(u) => {
            let mut roots = Vec::new();
            for a in stores.policies.find_admin_by_user(&u.id).await? {
                if holds(&a.permissions)
                    && let Some(org) = stores.orgs.find_by_id(&a.org_id).await?
                {
                    roots.push(org);
                }
            }
            Ok(Some(roots))
        }
        Actor::Service { client, scopes } => {
            let perms: Vec<String> = scopes
                .iter()
                .filter_map(|s| s.strip_prefix("admin:"))
                .map(str::to_owned)
                .collect();
            let own = if holds(&perms) {
                stores.orgs.find_by_id(&client.org_id).await?
            } else {
                None
            };
            Ok(Some(own.into_iter().collect()))
        }
    }
}

/// The tree as `by` sees it: `all` in path order, narrowed to the subtrees under
/// `roots` (all of it when `None`), and by `search` to the organizations whose name or
/// slug contains it (any case) with their visible ancestors.
pub fn visible_tree(
    all: &[Organization],
    member_counts: &HashMap<OrgId, u64>,
    roots: Option<&[Organization]>,
    search: Option<&str>,
) -> Vec<OrgNode> {
    let visible: Vec<&Organization> = all
        .iter()
        .filter(|o| roots.is_none_or(|rs| rs.iter().any(|r| r.contains(o))))
        .collect();
    let needle = search
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let matches = |o: &Organization| {
        needle.as_ref().is_none_or(|n| {
            o.name.to_lowercase().contains(n.as_str()) || o.slug.contains(n.as_str())
        })
    };
    // A node stays when it matches or lies above one that does.
    let kept: Vec<&Organization> = visible
        .iter()
        .copied()
        .filter(|o| visible.iter().any(|m| o.contains(m) && matches(m)))
        .collect();
    let mut sub_orgs: HashMap<&OrgId, u64> = HashMap::new();
    for o in all {
        if let Some(p) = &o.parent_id {
            *sub_orgs.entry(p).or_default() += 1;
        }
    }
    kept.iter()
        .map(|o| OrgNode {
            org: (*o).clone(),
            depth: visible
                .iter()
                .filter(|a| a.id != o.id && a.contains(o))
                .count(),
            members: member_counts.get(&o.id).copied().unwrap_or(0),
            sub_orgs: sub_orgs.get(&o.id).copied().unwrap_or(0),
        })
        .collect()
}

/// Organizations `by` may see (super admin: all; an org admin: the subtrees where they
/// hold any area), in path order, with direct member and sub-organization counts.
/// `search`: case-insensitive match on name or slug (matching nodes and their visible
/// ancestors are kept).
pub async fn org_tree(
    stores: &Stores,
    by: &Actor,
    search: Option<&str>,
) -> Result<Vec<OrgNode>, AdminError> {
    let roots = visible_roots(stores, by, None).await?;
    if roots.as_ref().is_some_and(Vec::is_empty) {
        return Ok(vec![]);
    }
    let all = stores.orgs.find_all().await?;
    let counts: HashMap<OrgId, u64> = stores.orgs.member_counts().await?.into_iter().collect();
    Ok(visible_tree(&all, &counts, roots.as_deref(), search))
}

/// Creates an organization under `parent`, for someone with member management over it.
pub async fn create_sub_org(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    parent: &str,
    name: &str,
    slug: Option<&str>,
) -> Result<Organization, AdminError> {
    let parent = resolve_org(stores, parent).await?;
    authz::require(
        stores,
        by,
        &parent,
        Permission::Members,
        origin,
        "create_org",
    )
    .await?;
    insert_org(stores, by, origin, Some(&parent), name, slug).await
}

/// Renames an organization (its slug stays), recorded with the names before and after.
pub async fn rename_org(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    name: &str,
) -> Result<Organization, AdminError> {
    let org = resolve_org(stores, org).await?;
    authz::require(stores, by, &org, Permission::Members, origin, "rename_org").await?;
    let name = parse_name(name)?;
    if name == org.name {
        return Ok(org);
    }
    let mut next = org.clone();
    next.name = name;
    next.updated_at = stores.clock.now();
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::OrganizationChange,
        EventKind::Edit,
        InfoType::Other,
        stores,
    );
    event.detail = serde_json::json!({"name": {"before": org.name, "after": next.name}});
    stores
        .audit
        .commit(&[Change::UpdateOrg(next.clone())], &[event])
        .await?;
    Ok(next)
}

/// Where `org` goes under `new_parent`: its new path, or why it cannot go there. The
/// same parent gives the path it has.
pub fn plan_move(org: &Organization, new_parent: &Organization) -> Result<String, AdminError> {
    if org.is_root() {
        return Err(AdminError::OrgMove(
            "a main organization cannot be moved under another",
        ));
    }
    if org.contains(new_parent) {
        return Err(AdminError::OrgMove(
            "an organization cannot be moved into itself or one of its own sub-organizations",
        ));
    }
    if org.root_id() != new_parent.root_id() {
        return Err(AdminError::OrgMove(
            "an organization cannot be moved to another main organization",
        ));
    }
    Ok(format!("{}{}/", new_parent.path, org.id))
}

/// Moves an organization, with everything below it, under `new_parent` within the same
/// main organization, for someone with member management over both. The whole
/// subtree's paths are rewritten in one transaction with the record of the move.
pub async fn move_org(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    new_parent: &str,
) -> Result<Organization, AdminError> {
    let org = resolve_org(stores, org).await?;
    let parent = resolve_org(stores, new_parent).await?;
    authz::require(stores, by, &org, Permission::Members, origin, "move_org").await?;
    authz::require(stores, by, &parent, Permission::Members, origin, "move_org").await?;
    let new_path = plan_move(&org, &parent)?;
    if new_path == org.path {
        return Ok(org);
    }
    let now = stores.clock.now();
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::OrganizationChange,
        EventKind::Edit,
        InfoType::Other,
        stores,
    );
    event.detail = serde_json::json!({"parent_id": {"before": org.parent_id, "after": parent.id}});
    stores
        .audit
        .commit(
            &[Change::MoveSubtree {
                org: org.id.clone(),
                new_parent: parent.id.clone(),
                old_path: org.path.clone(),
                new_path: new_path.clone(),
                now,
            }],
            &[event],
        )
        .await?;
    Ok(Organization {
        parent_id: Some(parent.id),
        path: new_path,
        updated_at: now,
        ..org
    })
}

/// What still hangs on an organization, in words; empty when nothing does.
pub fn still_holds(members: bool, sub_orgs: bool, clients: bool) -> String {
    let parts: Vec<&str> = [
        (members, "members"),
        (sub_orgs, "sub-organizations"),
        (clients, "applications"),
    ]
    .into_iter()
    .filter_map(|(has, what)| has.then_some(what))
    .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Deletes an empty sub-organization (no members, sub-organizations or applications),
/// with its settings, for someone with member management over it. Recorded on the
/// parent's chain, which outlives it.
pub async fn delete_org(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
) -> Result<(), AdminError> {
    let org = resolve_org(stores, org).await?;
    authz::require(stores, by, &org, Permission::Members, origin, "delete_org").await?;
    let Some(parent) = org.parent_id.clone() else {
        return Err(AdminError::CannotDeleteRoot);
    };
    let members = !stores.users.find_by_org(&org.id, None, 1).await?.is_empty();
    let sub_orgs = stores.orgs.find_subtree(&org.path).await?.len() > 1;
    let clients = !stores.clients.find_by_org(&org.id).await?.is_empty();
    let holds = still_holds(members, sub_orgs, clients);
    if !holds.is_empty() {
        return Err(AdminError::OrgNotEmpty(holds));
    }
    let mut event = actor_event(
        &parent,
        by,
        origin,
        ActivityType::OrganizationChange,
        EventKind::Delete,
        InfoType::Other,
        stores,
    );
    event.detail =
        serde_json::json!({"before": {"id": org.id, "name": org.name, "slug": org.slug}});
    stores
        .audit
        .commit(&[Change::DeleteOrg(org.id.clone())], &[event])
        .await
        .map_err(|e| match e {
            // Something was added to it meanwhile.
            StoreError::MissingReference { .. } => AdminError::OrgNotEmpty(
                "members, sub-organizations or applications added meanwhile".into(),
            ),
            other => other.into(),
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    const NOW: Timestamp = Timestamp::from_secs(1_800_000_000);

    /// acme ─ sales ─ emea, acme ─ support; globex alone.
    fn forest() -> Vec<Organization> {
        let acme = Organization::new("Acme", Some("acme"), None, NOW).unwrap();
        let sales = Organization::new("Sales", Some("sales"), Some(&acme), NOW).unwrap();
        let emea = Organization::new("EMEA Sales", Some("emea"), Some(&sales), NOW).unwrap();
        let support = Organization::new("Support", Some("support"), Some(&acme), NOW).unwrap();
        let globex = Organization::new("Globex", Some("globex"), None, NOW).unwrap();
        let mut all = vec![acme, sales, emea, support, globex];
        all.sort_by(|a, b| a.path.cmp(&b.path));
        all
    }

    fn by_slug<'a>(all: &'a [Organization], slug: &str) -> &'a Organization {
        all.iter().find(|o| o.slug == slug).unwrap()
    }

    fn slugs(nodes: &[OrgNode]) -> Vec<(String, usize)> {
        let mut v: Vec<_> = nodes
            .iter()
            .map(|n| (n.org.slug.clone(), n.depth))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn everyone_sees_counts_and_an_admin_only_their_subtree() {
        let all = forest();
        let counts = HashMap::from([(by_slug(&all, "sales").id.clone(), 7)]);
        let tree = visible_tree(&all, &counts, None, None);
        assert_eq!(tree.len(), 5);
        let acme = tree.iter().find(|n| n.org.slug == "acme").unwrap();
        assert_eq!((acme.depth, acme.sub_orgs, acme.members), (0, 2, 0));
        let sales = tree.iter().find(|n| n.org.slug == "sales").unwrap();
        assert_eq!((sales.depth, sales.sub_orgs, sales.members), (1, 1, 7));
        // Path order: every node comes after its parent.
        for (i, n) in tree.iter().enumerate() {
            if let Some(p) = &n.org.parent_id {
                assert!(tree[..i].iter().any(|a| &a.org.id == p));
            }
        }
        let sales_admin = [by_slug(&all, "sales").clone()];
        let tree = visible_tree(&all, &counts, Some(&sales_admin), None);
        assert_eq!(
            slugs(&tree),
            [("emea".into(), 1), ("sales".into(), 0)],
            "no parent, no sibling, depth from the top shown"
        );
        assert!(visible_tree(&all, &counts, Some(&[]), None).is_empty());
    }

    #[test]
    fn a_search_keeps_matches_and_their_visible_ancestors() {
        let all = forest();
        let counts = HashMap::new();
        let tree = visible_tree(&all, &counts, None, Some("  eMeA "));
        assert_eq!(
            slugs(&tree),
            [("acme".into(), 0), ("emea".into(), 2), ("sales".into(), 1)]
        );
        let tree = visible_tree(&all, &counts, None, Some("glob"));
        assert_eq!(slugs(&tree), [("globex".into(), 0)]);
        let sales_admin = [by_slug(&all, "sales").clone()];
        let tree = visible_tree(&all, &counts, Some(&sales_admin), Some("emea"));
        assert_eq!(slugs(&tree), [("emea".into(), 1), ("sales".into(), 0)]);
        assert!(visible_tree(&all, &counts, Some(&sales_admin), Some("support")).is_empty());
        assert_eq!(visible_tree(&all, &counts, None, Some("")).len(), 5);
    }

    #[test]
    fn moves_stay_in_one_main_organization_and_never_go_under_themselves() {
        let all = forest();
        let (acme, sales, emea, support, globex) = (
            by_slug(&all, "acme"),
            by_slug(&all, "sales"),
            by_slug(&all, "emea"),
            by_slug(&all, "support"),
            by_slug(&all, "globex"),
        );
        assert_eq!(
            plan_move(emea, support).unwrap(),
            format!("{}{}/", support.path, emea.id)
        );
        assert_eq!(plan_move(emea, sales).unwrap(), emea.path, "same parent");
        for (org, to, why) in [
            (acme, support, "a root"),
            (sales, sales, "into itself"),
            (sales, emea, "into its descendant"),
            (support, globex, "across main organizations"),
        ] {
            let e = plan_move(org, to).unwrap_err();
            assert!(matches!(e, AdminError::OrgMove(_)), "{why}: {e}");
        }
    }

    #[test]
    fn a_refused_delete_says_what_is_left() {
        assert_eq!(still_holds(false, false, false), "");
        assert_eq!(still_holds(true, false, false), "members");
        assert_eq!(
            still_holds(true, true, true),
            "members, sub-organizations and applications"
        );
        assert_eq!(
            AdminError::OrgNotEmpty(still_holds(false, true, true)).to_string(),
            "this organization still has sub-organizations and applications; move or delete them first"
        );
    }
}
