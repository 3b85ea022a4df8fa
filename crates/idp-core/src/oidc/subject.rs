//! Subject identifiers (OIDC Core §8): the member's id for public clients, and for
//! pairwise clients an opaque `sub` keyed on the client's sector, so that applications
//! of different sectors cannot correlate a member. Access tokens of pairwise clients
//! carry the member id sealed, so the UserInfo endpoint finds the member without a table.

use crate::client::{Client, SubjectType};
use crate::crypto::MasterKey;
use crate::ids::UserId;
use crate::random::Random;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use url::Url;

/// What a sector cannot be made of.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SectorError {
    #[error("the sector_identifier_uri must be an https URL (http only on loopback)")]
    NotHttps,
    #[error("a pairwise client without a sector_identifier_uri needs redirect URIs on one host")]
    ManyHosts,
    #[error("the sector_identifier_uri document does not list the redirect URI {0}")]
    Unlisted(String),
    #[error("the sector_identifier_uri document is not a JSON array of URIs")]
    NotAnArray,
}

/// OIDC Core §8.1: the host of the `sector_identifier_uri`, or else the one host of the
/// redirect URIs.
pub fn sector_of(client: &Client) -> Result<String, SectorError> {
    if let Some(uri) = &client.sector_identifier_uri {
        return https_host(uri);
    }
    let mut hosts = client
        .redirect_uris
        .iter()
        .filter_map(|u| Url::parse(u.as_str()).ok())
        .map(|u| u.host_str().unwrap_or_default().to_ascii_lowercase());
    let first = hosts.next().unwrap_or_default();
    if hosts.any(|h| h != first) {
        return Err(SectorError::ManyHosts);
    }
    Ok(first)
}

/// https, or http on loopback (a relying party developed on this machine, as RFC 8252
/// §7.3 allows for redirect URIs).
fn https_host(uri: &str) -> Result<String, SectorError> {
    let url = Url::parse(uri).map_err(|_| SectorError::NotHttps)?;
    let secure =
        url.scheme() == "https" || (url.scheme() == "http" && crate::client::is_loopback(&url));
    if !secure {
        return Err(SectorError::NotHttps);
    }
    url.host_str()
        .map(str::to_ascii_lowercase)
        .ok_or(SectorError::NotHttps)
}

/// The `sector_identifier_uri` as registration accepts it: https with a host.
pub fn check_sector_uri(uri: &str) -> Result<(), SectorError> {
    https_host(uri).map(drop)
}

/// OIDC Core §8.1: the document at a `sector_identifier_uri` is a JSON array that must
/// contain every redirect URI of the client.
pub fn check_sector_document(document: &[u8], redirect_uris: &[String]) -> Result<(), SectorError> {
    let listed: Vec<String> =
        serde_json::from_slice(document).map_err(|_| SectorError::NotAnArray)?;
    match redirect_uris.iter().find(|u| !listed.contains(u)) {
        Some(missing) => Err(SectorError::Unlisted(missing.clone())),
        None => Ok(()),
    }
}

/// What sealing the member id in an access token is bound to.
const SEALED_MEMBER: &str = "access-token-member";

/// The keys subjects are made with, derived from the master key.
#[derive(Clone)]
pub struct Subjects {
    pairwise: ring::hmac::Key,
    master: MasterKey,
}

impl std::fmt::Debug for Subjects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Subjects(***)")
    }
}

impl Subjects {
    pub fn new(master: &MasterKey) -> Self {
        let derived = master.derive("idp pairwise subject v1");
        Self {
            pairwise: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &derived),
            master: master.clone(),
        }
    }

    /// The `sub` `client` receives for `member`: the member id for a public client, a
    /// pairwise identifier for a pairwise one. A pairwise client whose sector cannot be
    /// worked out (registration prevents it) is keyed on its client id, never on nothing.
    pub fn subject_for(&self, client: &Client, member: &UserId) -> String {
        match client.subject_type {
            SubjectType::Public => member.to_string(),
            SubjectType::Pairwise => {
                let sector = sector_of(client).unwrap_or_else(|_| client.id.to_string());
                self.pairwise_for(&sector, member)
            }
        }
    }

    /// A keyed hash of the sector and the member: stable, opaque, different per sector.
    pub fn pairwise_for(&self, sector: &str, member: &UserId) -> String {
        let mut ctx = ring::hmac::Context::with_key(&self.pairwise);
        ctx.update(sector.as_bytes());
        // A separator no host contains, so ("ab", "c") and ("a", "bc") differ.
        ctx.update(b"\0");
        ctx.update(member.as_str().as_bytes());
        URL_SAFE_NO_PAD.encode(ctx.sign().as_ref())
    }

    /// The member id sealed for an access token of a pairwise client.
    pub fn seal_member(&self, rng: &dyn Random, member: &UserId) -> String {
        URL_SAFE_NO_PAD.encode(
            self.master
                .seal(rng, SEALED_MEMBER, member.as_str().as_bytes()),
        )
    }

    /// The member id of [`Self::seal_member`]; `None` when it is not one we sealed.
    pub fn open_member(&self, sealed: &str) -> Option<UserId> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        let plain = self.master.open(SEALED_MEMBER, &bytes).ok()?;
        String::from_utf8(plain).ok().map(UserId::from_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::RedirectUri;

    use crate::ids::OrgId;
    use crate::random::OsRandom;

    fn client(id: &str, uris: &[&str], kind: SubjectType, sector: Option<&str>) -> Client {
        Client {
            org_id: OrgId::from_string("o"),
            name: id.into(),
            redirect_uris: uris
                .iter()
                .map(|u| RedirectUri::parse(u).unwrap())
                .collect(),
            subject_type: kind,
            sector_identifier_uri: sector.map(str::to_owned),
            ..Client::fixture(id)
        }
    }

    fn subjects() -> Subjects {
        Subjects::new(&MasterKey::parse(&"11".repeat(32)).unwrap())
    }

    #[test]
    fn pairwise_subjects_differ_per_sector_and_agree_within_one() {
        let s = subjects();
        let ada = UserId::from_string("u1");
        let a = client("a", &["https://a.example/cb"], SubjectType::Pairwise, None);
        let a2 = client(
            "a2",
            &["https://a.example/other"],
            SubjectType::Pairwise,
            None,
        );
        let b = client("b", &["https://b.example/cb"], SubjectType::Pairwise, None);
        let public = client("p", &["https://a.example/cb"], SubjectType::Public, None);
        assert_eq!(s.subject_for(&a, &ada), s.subject_for(&a2, &ada));
        assert_ne!(s.subject_for(&a, &ada), s.subject_for(&b, &ada));
        assert_ne!(s.subject_for(&a, &ada), "u1");
        assert_ne!(
            s.subject_for(&a, &ada),
            s.subject_for(&a, &UserId::from_string("u2"))
        );
        assert_eq!(s.subject_for(&public, &ada), "u1");
        // Stable: the same keys give the same answer tomorrow.
        assert_eq!(s.subject_for(&a, &ada), subjects().subject_for(&a, &ada));
        // A sector document puts clients on different hosts in one sector.
        let c = client(
            "c",
            &["https://c.example/cb"],
            SubjectType::Pairwise,
            Some("https://a.example/sector.json"),
        );
        assert_eq!(s.subject_for(&c, &ada), s.subject_for(&a, &ada));
        // Another master key, other subjects.
        let other = Subjects::new(&MasterKey::parse(&"22".repeat(32)).unwrap());
        assert_ne!(other.subject_for(&a, &ada), s.subject_for(&a, &ada));
    }

    #[test]
    fn sectors_come_from_the_document_or_one_host() {
        let one = client(
            "x",
            &["https://A.example/cb", "https://a.example/2"],
            SubjectType::Pairwise,
            None,
        );
        assert_eq!(sector_of(&one).unwrap(), "a.example");
        let many = client(
            "x",
            &["https://a.example/cb", "https://b.example/cb"],
            SubjectType::Pairwise,
            None,
        );
        assert_eq!(sector_of(&many), Err(SectorError::ManyHosts));
        assert_eq!(
            check_sector_uri("http://a.example/s.json"),
            Err(SectorError::NotHttps)
        );
        assert_eq!(check_sector_uri("not a url"), Err(SectorError::NotHttps));
        assert!(check_sector_uri("https://a.example/s.json").is_ok());
        assert!(check_sector_uri("http://127.0.0.1:8080/s.json").is_ok());
    }

    #[test]
    fn sector_documents_must_list_every_redirect_uri() {
        let uris = vec![
            "https://a.example/cb".to_owned(),
            "https://b.example/cb".to_owned(),
        ];
        assert!(
            check_sector_document(
                br#"["https://a.example/cb","https://b.example/cb","x"]"#,
                &uris
            )
            .is_ok()
        );
        assert_eq!(
            check_sector_document(br#"["https://a.example/cb"]"#, &uris),
            Err(SectorError::Unlisted("https://b.example/cb".into()))
        );
        assert_eq!(
            check_sector_document(br#"{"redirect_uris":[]}"#, &uris),
            Err(SectorError::NotAnArray)
        );
        assert_eq!(
            check_sector_document(b"<html>", &uris),
            Err(SectorError::NotAnArray)
        );
    }

    #[test]
    fn sealed_members_open_only_here() {
        let s = subjects();
        let sealed = s.seal_member(&OsRandom, &UserId::from_string("u1"));
        assert_eq!(s.open_member(&sealed), Some(UserId::from_string("u1")));
        let other = Subjects::new(&MasterKey::parse(&"22".repeat(32)).unwrap());
        assert_eq!(other.open_member(&sealed), None);
        assert_eq!(s.open_member("garbage!"), None);
        assert_eq!(s.open_member(""), None);
    }
}
