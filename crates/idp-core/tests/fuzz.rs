//! Fuzz targets for the parsers that read what a network or a user sends: the
//! authorization request, compact JWS (ID token hints, client assertions, request
//! objects) and client key sets, IP addresses, CIDR ranges and forwarding headers, scopes, email addresses,
//! redirect URIs and PKCE values, and the members import's cells, rows and files.
//!
//! Each target feeds generated and mutated input to the parser and checks that it never
//! panics and that what it accepts keeps its invariants. A run is bounded: by default each
//! target runs proptest's usual number of cases (as `cargo test` in CI does); with
//! `IDP_FUZZ_SECONDS=N` each runs for N seconds and prints how many inputs it tried:
//!
//! ```sh
//! IDP_FUZZ_SECONDS=3600 cargo test --release -p idp-core --test fuzz -- --nocapture --test-threads 2
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use idp_core::Timestamp;
use idp_core::client::{Client, ClientAuthMethod, GrantType, RedirectUri, SigningAlg, is_loopback};
use idp_core::email::Email;
use idp_core::ids::{ClientId, OrgId};
use idp_core::jose::{self, JwkSet, SigningKeyPair};
use idp_core::members_io::{self, Cell, Column, read};
use idp_core::oidc::{authorize, logout, pkce, request_object, scope};
use idp_core::policy::{IpRange, client_ip, parse_ip};
use idp_core::random::OsRandom;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Runs `property` over `strategy` until the time budget (or the case count) is spent;
/// a failure is shrunk and reported by proptest.
fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let budget = std::env::var("IDP_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs);
    let chunk = Config {
        failure_persistence: None,
        ..Config::default()
    };
    let started = Instant::now();
    let mut executions: u64 = 0;
    loop {
        let mut runner = TestRunner::new(chunk.clone());
        if let Err(e) = runner.run(&strategy, &property) {
            panic!("{name}: {e}");
        }
        executions += u64::from(chunk.cases);
        match budget {
            Some(b) if started.elapsed() < b => continue,
            _ => break,
        }
    }
    if budget.is_some() {
        println!(
            "{name}: {executions} inputs in {:.0} s, no failure",
            started.elapsed().as_secs_f64()
        );
    }
}

/// Text with the characters parsers trip on: separators, quotes, brackets, non-ASCII,
/// control characters and long runs.
fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,64}",
        "[ -~]{0,200}",
        "[\\[\\]:./,;=\"%0-9a-fA-F ]{0,80}",
        proptest::collection::vec(any::<char>(), 0..40).prop_map(|c| c.into_iter().collect()),
    ]
}

fn client() -> Client {
    Client {
        id: ClientId::from_string("app"),
        org_id: OrgId::from_string("org"),
        name: "App".into(),
        secret_digest: None,
        auth_method: ClientAuthMethod::None,
        redirect_uris: vec![
            RedirectUri::parse("https://app.example.com/cb").unwrap(),
            RedirectUri::parse("http://127.0.0.1/native").unwrap(),
        ],
        post_logout_redirect_uris: vec![],
        grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
        extra_scopes: vec!["reports".into()],
        first_party: false,
        require_pkce: true,
        id_token_alg: SigningAlg::Rs256,
        access_token_ttl_secs: None,
        id_token_ttl_secs: None,
        refresh_token_ttl_secs: None,
        backchannel_logout_uri: None,
        backchannel_logout_session_required: false,
        subject_type: idp_core::client::SubjectType::Public,
        sector_identifier_uri: None,
        security_profile: idp_core::client::SecurityProfile::Standard,
        jwks: None,
        dpop_bound_access_tokens: false,
        created_at: Timestamp::from_secs(0),
        updated_at: Timestamp::from_secs(0),
        require_pushed_authorization_requests: false,
        require_signed_request_object: false,
    }
}

const PARAMS: &[&str] = &[
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "login_hint",
    "id_token_hint",
    "ui_locales",
    "acr_values",
    "claims",
    "response_mode",
    "request",
    "request_uri",
];

/// Values that are sometimes right, so requests get past the first checks.
fn param_value(name: &'static str) -> impl Strategy<Value = String> {
    let plausible: Vec<&'static str> = match name {
        "client_id" => vec!["app", "other"],
        "redirect_uri" => vec![
            "https://app.example.com/cb",
            "http://127.0.0.1:49152/native",
            "https://app.example.com/cb/../evil",
        ],
        "response_type" => vec!["code", "token", "code id_token"],
        "scope" => vec![
            "openid",
            "openid profile email",
            "openid reports offline_access",
        ],
        "code_challenge" => vec!["E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"],
        "code_challenge_method" => vec!["S256", "plain"],
        "prompt" => vec!["none", "login consent", "select_account", "none login"],
        "max_age" => vec!["0", "60", "-1", "18446744073709551616"],
        "claims" => vec![
            r#"{"id_token":{"sub":{"value":"x"}}}"#,
            r#"{"userinfo":{"email":null,"acr":{"essential":true,"values":["a","b"]}}}"#,
            r#"{"id_token":[1,2]}"#,
        ],
        "response_mode" => vec!["query", "form_post", "fragment"],
        _ => vec!["x"],
    };
    prop_oneof![
        proptest::sample::select(plausible).prop_map(str::to_owned),
        nasty_text(),
    ]
}

fn authorize_params() -> impl Strategy<Value = Vec<(String, String)>> {
    let pair = proptest::sample::select(PARAMS)
        .prop_flat_map(|name| param_value(name).prop_map(move |v| (name.to_owned(), v)));
    let odd = (nasty_text(), nasty_text());
    proptest::collection::vec(prop_oneof![4 => pair, 1 => odd], 0..14)
}

#[test]
fn the_authorization_request_parser() {
    let client = client();
    fuzz("authorize::validate", authorize_params(), |params| {
        match authorize::validate(&params, Some(&client)) {
            Ok(req) => {
                // Accepted requests name the client and one of its registered URIs.
                prop_assert_eq!(req.client_id.as_str(), "app");
                prop_assert!(authorize::redirect_uri_matches(&client, &req.redirect_uri));
                prop_assert!(req.code_challenge.is_some(), "PKCE is required");
            }
            Err(authorize::Rejection::Redirect { redirect_uri, .. }) => {
                // Errors go back only to a registered URI (RFC 6749 §4.1.2.1).
                prop_assert!(authorize::redirect_uri_matches(&client, &redirect_uri));
            }
            Err(_) => {}
        }
        Ok(())
    });
}

struct Keys {
    pairs: Vec<SigningKeyPair>,
    set: JwkSet,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let pairs: Vec<SigningKeyPair> = [SigningAlg::Es256, SigningAlg::EdDsa, SigningAlg::Rs256]
            .into_iter()
            .map(|alg| SigningKeyPair::generate(alg, &OsRandom).unwrap().0)
            .collect();
        let jwks = jose::public_jwks_json(pairs.iter().map(SigningKeyPair::public_jwk));
        let set = JwkSet::from_json(&jwks).unwrap();
        Keys { pairs, set }
    })
}

/// A token of ours, then changed the way an attacker would: bytes flipped, parts
/// dropped, the header rewritten (`alg: none`, another `kid`), or plain garbage.
fn jws_inputs() -> impl Strategy<Value = (String, serde_json::Value)> {
    let claims = (nasty_text(), any::<i64>()).prop_map(|(sub, n)| {
        serde_json::json!({"iss": "https://idp.example", "sub": sub, "aud": "app", "n": n,
                           "exp": 4_000_000_000i64, "iat": 1_700_000_000i64})
    });
    (0..3usize, claims, 0..6usize, any::<u64>(), nasty_text()).prop_map(
        |(key, claims, how, seed, junk)| {
            let token = keys().pairs[key].sign_jwt("JWT", &claims).unwrap();
            let parts: Vec<&str> = token.split('.').collect();
            let mutated = match how {
                0 => token.clone(),
                1 => {
                    let mut bytes = token.clone().into_bytes();
                    let at = (seed as usize) % bytes.len();
                    bytes[at] = b"AZaz09-_.="[(seed >> 32) as usize % 10];
                    String::from_utf8(bytes).unwrap()
                }
                2 => {
                    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
                    format!("{header}.{}.", parts[1])
                }
                3 => {
                    let header = URL_SAFE_NO_PAD
                        .encode(format!(r#"{{"alg":"ES256","kid":{junk:?}}}"#).as_bytes());
                    format!("{header}.{}.{}", parts[1], parts[2])
                }
                4 => format!("{}.{}", parts[0], parts[1]),
                _ => junk,
            };
            (mutated, claims)
        },
    )
}

#[test]
fn compact_jws_verification_and_id_token_hints() {
    fuzz("jose::verify_jwt", jws_inputs(), |(token, claims)| {
        if let Ok((header, verified)) = jose::verify_jwt(&token, &keys().set, SigningAlg::ALL) {
            // Only our own signature verifies, and it vouches for exactly what we signed.
            prop_assert_eq!(verified, claims.clone());
            prop_assert_ne!(header.get("alg").and_then(|a| a.as_str()), Some("none"));
        }
        let _ = logout::read_id_token_hint(&keys().set, "https://idp.example", &token);
        let _ = jose::check_time_claims(&claims, 1_800_000_000, 0);
        Ok(())
    });
}

/// Request objects (RFC 9101) signed by a client's key, holding any parameters, then
/// sometimes damaged: what is accepted carries no JWT claim or nested request, names only
/// its own client, and is then validated as any request.
#[test]
fn request_objects() {
    let mut client = client();
    client.jwks = Some(jose::public_jwks_json(
        keys().pairs.iter().map(SigningKeyPair::public_jwk),
    ));
    let objects = (0..3usize, authorize_params(), any::<bool>(), any::<u64>()).prop_map(
        |(key, params, damage, seed)| {
            let mut claims = serde_json::Map::new();
            for (k, v) in params {
                claims.insert(k, v.into());
            }
            claims.insert("iss".into(), "app".into());
            claims.insert("aud".into(), "https://idp.example".into());
            claims.insert("exp".into(), 4_000_000_000i64.into());
            let token = keys().pairs[key]
                .sign_jwt("oauth-authz-req+jwt", &serde_json::Value::Object(claims))
                .unwrap();
            if !damage {
                return token;
            }
            let mut bytes = token.into_bytes();
            let at = (seed as usize) % bytes.len();
            bytes[at] = b"AZaz09-_.="[(seed >> 32) as usize % 10];
            String::from_utf8(bytes).unwrap()
        },
    );
    fuzz("request_object::read", objects, |token| {
        let now = Timestamp::from_secs(1_800_000_000);
        if let Ok(params) = request_object::read(&token, &client, "https://idp.example", now) {
            for (k, v) in &params {
                prop_assert!(
                    !matches!(
                        k.as_str(),
                        "iss" | "aud" | "exp" | "nbf" | "iat" | "jti" | "request" | "request_uri"
                    ),
                    "{k} is not a parameter"
                );
                prop_assert!(k != "client_id" || v == "app");
            }
            if let Err(authorize::Rejection::Redirect { redirect_uri, .. }) =
                authorize::validate(&params, Some(&client))
            {
                prop_assert!(authorize::redirect_uri_matches(&client, &redirect_uri));
            }
        }
        Ok(())
    });
}

#[test]
fn jwk_sets_from_clients() {
    let jwk_text = prop_oneof![
        nasty_text(),
        Just(r#"{"keys":[{"kty":"EC","crv":"P-256","x":"","y":""}]}"#.to_owned()),
        Just(r#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","alg":"RS256"}]}"#.to_owned()),
        Just(r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]}"#.to_owned()),
        nasty_text().prop_map(|x| format!(
            r#"{{"keys":[{{"kty":"EC","crv":"P-256","x":{x:?},"y":{x:?}}}]}}"#
        )),
    ];
    let token = keys().pairs[0]
        .sign_jwt("JWT", &serde_json::json!({"sub": "x"}))
        .unwrap();
    fuzz("jose::JwkSet::from_json", jwk_text, |text| {
        if let Ok(set) = JwkSet::from_json(&text) {
            // A client's keys never verify a token signed with ours.
            prop_assert!(jose::verify_jwt(&token, &set, SigningAlg::ALL).is_err());
        }
        Ok(())
    });
}

fn ip_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<IpAddr>().prop_map(|ip| ip.to_string()),
        (any::<IpAddr>(), 0u8..140).prop_map(|(ip, p)| format!("{ip}/{p}")),
        any::<[u8; 4]>().prop_map(|o| format!("::ffff:{}.{}.{}.{}", o[0], o[1], o[2], o[3])),
        nasty_text(),
    ]
}

#[test]
fn ip_ranges_and_addresses() {
    fuzz("policy::IpRange::parse", ip_text(), |text| {
        let _ = parse_ip(Some(&text));
        if let Ok(range) = IpRange::parse(&text) {
            // Normalizing is idempotent: what is shown parses back to the same range.
            let shown = range.to_string();
            prop_assert_eq!(
                IpRange::parse(&shown).ok(),
                Some(range.clone()),
                "{}",
                shown
            );
            prop_assert!(range.prefix_len() <= 128);
            if let Ok(ip) = text.trim().parse::<IpAddr>() {
                prop_assert!(range.contains(ip), "a single address contains itself");
            }
        }
        Ok(())
    });
}

#[test]
fn forwarding_headers() {
    let trusted = vec![IpRange::parse("127.0.0.0/8").unwrap()];
    let header = prop_oneof![
        proptest::collection::vec(ip_text(), 0..6).prop_map(|h| h.join(", ")),
        proptest::collection::vec(ip_text(), 0..4).prop_map(|h| {
            h.iter()
                .map(|ip| format!("for=\"[{ip}]:443\";proto=https"))
                .collect::<Vec<_>>()
                .join(",")
        }),
        nasty_text(),
    ];
    let input = (
        any::<IpAddr>(),
        proptest::option::of(header.clone()),
        proptest::option::of(header),
    );
    fuzz("policy::client_ip", input, |(peer, xff, fwd)| {
        let ip = client_ip(Some(peer), xff.as_deref(), fwd.as_deref(), &trusted);
        prop_assert!(ip.is_some(), "a peer always gives an address");
        if !trusted[0].contains(peer) {
            // An untrusted peer's headers are never believed.
            prop_assert_eq!(ip, parse_ip(Some(&peer.to_string())));
        }
        Ok(())
    });
}

#[test]
fn scopes_emails_redirect_uris_and_pkce() {
    fuzz(
        "scope / email / redirect URI / PKCE",
        nasty_text(),
        |text| {
            if let Ok(scopes) = scope::parse(&text) {
                prop_assert_eq!(scope::parse(&scope::join(&scopes)).ok(), Some(scopes));
            }
            if let Ok(email) = Email::parse(&text) {
                // Normalizing is idempotent.
                prop_assert_eq!(Email::parse(email.as_str()).ok(), Some(email));
            }
            if let Ok(uri) = RedirectUri::parse(&text) {
                prop_assert_eq!(RedirectUri::parse(uri.as_str()).ok(), Some(uri.clone()));
                let url = url::Url::parse(uri.as_str()).unwrap();
                prop_assert!(url.fragment().is_none(), "RFC 6749 §3.1.2: no fragment");
                let _ = is_loopback(&url);
            }
            let _ = pkce::challenge_is_valid(&text);
            let _ = pkce::verify_s256(&text, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
            Ok(())
        },
    );
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Empty),
        nasty_text().prop_map(Cell::Text),
        "[ 　ＡＢＹＮｙｎ@.\u{FEFF}\u{200B}a-zA-Z/_-]{0,30}".prop_map(Cell::Text),
        any::<f64>().prop_map(Cell::Number),
        any::<bool>().prop_map(Cell::Bool),
        any::<f64>().prop_map(Cell::Date),
        nasty_text().prop_map(Cell::Error),
    ]
}

/// Arbitrary cells never panic the row parser, and normalizing a value twice gives what
/// normalizing it once gave.
#[test]
fn member_rows_and_cell_normalization() {
    let header =
        members_io::match_header(&Column::ALL.map(|c| Cell::Text(c.name().to_owned()))).unwrap();
    fuzz(
        "member_rows",
        (proptest::collection::vec(cell(), 0..12), any::<u64>()),
        |(cells, line)| {
            let row = members_io::parse_row(&header, line, &cells);
            prop_assert_eq!(row.line, line);
            prop_assert!(row.email.is_some() || !row.errors.is_empty());
            for (c, column) in cells.iter().zip(Column::ALL) {
                if let Ok(Some(once)) = members_io::normalize(column, c) {
                    let twice = members_io::normalize(column, &Cell::Text(once.clone()));
                    prop_assert_eq!(twice, Ok(Some(once)));
                }
            }
            let folded = members_io::fold(&cells.first().map(Cell::display).unwrap_or_default());
            prop_assert_eq!(members_io::fold(&folded), folded);
            Ok(())
        },
    );
}

/// Any bytes, and CSV-looking text, are read into rows or refused with a sentence.
#[test]
fn member_files() {
    let bytes = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400),
        "(email|name|status|Email;Name|\u{FEFF}email,organization)[\r\n,;\"a-z@.ÄÉ]{0,300}"
            .prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..400).prop_map(|mut b| {
            let mut zip = b"PK\x03\x04".to_vec();
            zip.append(&mut b);
            zip
        }),
    ];
    fuzz("member_files", bytes, |b| {
        if let Ok(sheet) = read::read(&b) {
            prop_assert!(sheet.header.position(Column::Email).is_some());
            prop_assert!(sheet.rows.len() <= members_io::MAX_ROWS);
        }
        Ok(())
    });
}

/// A workbook openpyxl wrote, read as it is and with bytes flipped: its rows, or a
/// sentence for the damage (a zip's checksums catch most of it), never a panic.
#[test]
fn damaged_workbooks() {
    let book: &[u8] = include_bytes!("fixtures/members.xlsx");
    let sheet = read::read(book).unwrap();
    assert_eq!(sheet.rows.len(), 3);
    assert!(
        matches!(sheet.rows[1].cells[1], Cell::Error(_)),
        "a formula never calculated"
    );
    assert!(matches!(sheet.rows[2].cells[1], Cell::Date(_)));
    let flips = proptest::collection::vec((0..book.len(), any::<u8>()), 1..8);
    fuzz("damaged_workbooks", flips, |flips| {
        let mut damaged = book.to_vec();
        for (at, byte) in flips {
            damaged[at] = byte;
        }
        let _ = read::read(&damaged);
        Ok(())
    });
}
