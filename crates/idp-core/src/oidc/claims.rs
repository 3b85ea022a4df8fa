//! Which of a member's claims a relying party receives (OIDC Core §5.1, §5.4, §5.5).

use super::scope;
use crate::records::User;
use serde_json::{Map, Value, json};

/// The value of one standard claim for a member, when they have it.
fn claim(user: &User, name: &str) -> Option<Value> {
    match name {
        "name" => user.name.clone().map(Value::from),
        "given_name" => user.given_name.clone().map(Value::from),
        "family_name" => user.family_name.clone().map(Value::from),
        "preferred_username" => Some(user.email.as_str().into()),
        "locale" => user.locale.clone().map(Value::from),
        "updated_at" => Some(user.updated_at.as_secs().into()),
        "email" => Some(user.email.as_str().into()),
        "email_verified" => Some(user.email_verified.into()),
        "phone_number" => user.phone.clone().map(Value::from),
        // The number comes from the organization's directory (Entra's Graph), not from a
        // code sent to it: `idp` has not verified it.
        "phone_number_verified" => user.phone.as_ref().map(|_| Value::from(false)),
        _ => None,
    }
}

/// `sub`, `org`, the claims of the granted scopes, and any standard claim asked for by
/// name through the `claims` parameter.
pub fn member_claims(user: &User, scopes: &[String], requested: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("sub".into(), json!(user.id));
    out.insert("org".into(), json!(user.org_id));
    let by_scope = scopes
        .iter()
        .flat_map(|s| scope::claims_of(s).iter().copied());
    for name in by_scope.chain(requested.iter().map(String::as_str)) {
        if let Some(v) = claim(user, name) {
            out.insert(name.to_owned(), v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::email::Email;
    use crate::ids::{OrgId, UserId};
    use crate::records::UserStatus;

    #[test]
    fn scopes_and_requests_decide_the_claims() {
        let user = User {
            id: UserId::from_string("u1"),
            org_id: OrgId::from_string("o1"),
            email: Email::parse("ada@example.com").unwrap(),
            email_verified: true,
            name: Some("Ada Lovelace".into()),
            given_name: Some("Ada".into()),
            family_name: None,
            locale: None,
            zoneinfo: None,
            job_title: None,
            phone: None,
            status: UserStatus::Active,
            super_admin: false,
            created_at: Timestamp::from_secs(1),
            updated_at: Timestamp::from_secs(2),
        };
        let base = member_claims(&user, &["openid".into()], &[]);
        assert_eq!(base.len(), 2);
        assert_eq!(base["sub"], "u1");
        assert_eq!(base["org"], "o1");
        let email = member_claims(&user, &["openid".into(), "email".into()], &[]);
        assert_eq!(email["email"], "ada@example.com");
        assert_eq!(email["email_verified"], true);
        assert!(email.get("name").is_none());
        let asked = member_claims(
            &user,
            &["openid".into()],
            &["name".into(), "family_name".into()],
        );
        assert_eq!(asked["name"], "Ada Lovelace");
        assert!(
            asked.get("family_name").is_none(),
            "absent claims are left out, not null"
        );
        let no_phone = member_claims(&user, &["phone".into()], &[]);
        assert!(no_phone.get("phone_number").is_none());
        assert!(no_phone.get("phone_number_verified").is_none());
        let phoned = User {
            phone: Some("+82 10 1234 5678".into()),
            ..user.clone()
        };
        let phone = member_claims(&phoned, &["openid".into(), "phone".into()], &[]);
        assert_eq!(phone["phone_number"], "+82 10 1234 5678");
        assert_eq!(phone["phone_number_verified"], false);
        let profile = member_claims(&user, &["profile".into()], &[]);
        assert_eq!(profile["updated_at"], 2);
        assert_eq!(profile["given_name"], "Ada");
    }
}
