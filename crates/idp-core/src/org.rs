//! Organizations form a tree. Each stores its materialized path (`/root/child/…/`),
//! so "this organization and all its descendants" is one indexed range query.

use crate::clock::Timestamp;
use crate::ids::OrgId;
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OrgError {
    #[error("an organization name must be 1 to 200 characters")]
    Name,
    #[error(
        "a slug is 1 to 63 lower-case letters, digits and dashes, not starting or ending with a dash"
    )]
    Slug,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    pub path: String,
    pub name: String,
    pub slug: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Organization {
    /// A new organization at the root, or under `parent`.
    pub fn new(
        name: &str,
        slug: Option<&str>,
        parent: Option<&Organization>,
        now: Timestamp,
    ) -> Result<Self, OrgError> {
        let name = parse_name(name)?;
        let slug = match slug {
            Some(s) => parse_slug(s)?,
            None => slug_from_name(&name)?,
        };
        let id = OrgId::generate();
        let path = match parent {
            Some(p) => format!("{}{}/", p.path, id),
            None => format!("/{id}/"),
        };
        Ok(Self {
            id,
            parent_id: parent.map(|p| p.id.clone()),
            path,
            name,
            slug,
            created_at: now,
            updated_at: now,
        })
    }

    pub fn is_root(&self) -> bool {
        self.parent_id.is_none()
    }

    /// Whether `other` is this organization or lies below it.
    pub fn contains(&self, other: &Organization) -> bool {
        other.path.starts_with(&self.path)
    }

    /// The id of the main (root) organization this one belongs to.
    pub fn root_id(&self) -> OrgId {
        let first = self
            .path
            .split('/')
            .find(|s| !s.is_empty())
            .unwrap_or(self.id.as_str());
        OrgId::from_string(first)
    }

    /// Bounds of the half-open range `[low, high)` that holds the paths of this
    /// organization and all its descendants ('0' is the character after '/').
    pub fn subtree_range(path: &str) -> (String, String) {
        let trimmed = path.strip_suffix('/').unwrap_or(path);
        (path.to_owned(), format!("{trimmed}0"))
    }
}

pub fn parse_name(name: &str) -> Result<String, OrgError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(OrgError::Name);
    }
    Ok(name.to_owned())
}

pub fn parse_slug(slug: &str) -> Result<String, OrgError> {
    let ok = !slug.is_empty()
        && slug.len() <= 63
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(slug.to_owned())
    } else {
        Err(OrgError::Slug)
    }
}

fn slug_from_name(name: &str) -> Result<String, OrgError> {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(63).collect();
    parse_slug(slug.trim_end_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_nest_and_ranges_cover_descendants_only() {
        let now = Timestamp::from_secs(1);
        let root = Organization::new("Acme Corp", None, None, now).unwrap();
        assert_eq!(root.slug, "acme-corp");
        assert_eq!(root.path, format!("/{}/", root.id));
        let child = Organization::new("Sales", Some("sales"), Some(&root), now).unwrap();
        let grandchild = Organization::new("EMEA", None, Some(&child), now).unwrap();
        assert!(root.contains(&grandchild));
        assert!(!child.contains(&root));
        assert_eq!(grandchild.root_id(), root.id);
        let (low, high) = Organization::subtree_range(&child.path);
        for (p, inside) in [
            (&child.path, true),
            (&grandchild.path, true),
            (&root.path, false),
        ] {
            assert_eq!(
                p.as_str() >= low.as_str() && p.as_str() < high.as_str(),
                inside,
                "{p}"
            );
        }
        // A sibling whose id shares a prefix is outside the range.
        let sibling_path = format!("{}{}x/", root.path, child.id);
        assert!(
            !(sibling_path >= low && sibling_path < high) || sibling_path.starts_with(&child.path)
        );
    }

    #[test]
    fn names_and_slugs_are_validated() {
        let now = Timestamp::from_secs(1);
        assert_eq!(
            Organization::new("  ", None, None, now).unwrap_err(),
            OrgError::Name
        );
        assert_eq!(
            Organization::new("Ok", Some("Bad Slug"), None, now).unwrap_err(),
            OrgError::Slug
        );
        assert_eq!(
            Organization::new("!!!", None, None, now).unwrap_err(),
            OrgError::Slug
        );
        assert_eq!(parse_slug("-x"), Err(OrgError::Slug));
        assert_eq!(parse_slug("a-1"), Ok("a-1".into()));
    }
}
