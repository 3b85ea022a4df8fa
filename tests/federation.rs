//! End-to-end federation tests: the real `idp` against stand-in Google and Entra ID
//! providers on loopback that sign real tokens (tests/support/upstream.rs), with the
//! `openidconnect` crate as the downstream relying party.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;
#[path = "support/upstream.rs"]
mod upstream;

use serde_json::json;
use support::flow::*;
use upstream::{CLIENT_ID, CLIENT_SECRET, Kind, Upstream};

const TENANT_A: &str = "11111111-1111-4111-8111-111111111111";
const TENANT_B: &str = "22222222-2222-4222-8222-222222222222";

struct Fed {
    idp: Idp,
    google: Upstream,
    entra: Upstream,
    rp: Rp,
    _pg: Option<support::PgDatabase>,
}

fn upstream_env(google: &Upstream, entra: &Upstream) -> Vec<(String, String)> {
    [
        ("IDP_FEDERATION__TIMEOUT_SECS", "3".to_owned()),
        ("IDP_FEDERATION__GOOGLE__CLIENT_ID", CLIENT_ID.to_owned()),
        (
            "IDP_FEDERATION__GOOGLE__CLIENT_SECRET",
            CLIENT_SECRET.to_owned(),
        ),
        (
            "IDP_FEDERATION__GOOGLE__DISCOVERY_URL",
            google.discovery_url(),
        ),
        ("IDP_FEDERATION__ENTRA__CLIENT_ID", CLIENT_ID.to_owned()),
        (
            "IDP_FEDERATION__ENTRA__CLIENT_SECRET",
            CLIENT_SECRET.to_owned(),
        ),
        (
            "IDP_FEDERATION__ENTRA__DISCOVERY_URL",
            entra.discovery_url(),
        ),
        ("IDP_FEDERATION__ENTRA__TENANT", "organizations".to_owned()),
        (
            "IDP_FEDERATION__ENTRA__GRAPH_URL",
            format!("{}/graph", entra.base),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The provider with both upstreams configured and allowed for `acme`, Google limited
/// to example.com, Entra to tenant A, members created on first sign-in.
async fn fed(postgres: Option<&str>) -> Option<Fed> {
    let google = Upstream::start(Kind::Google).await;
    let entra = Upstream::start(Kind::Entra).await;
    let owned = upstream_env(&google, &entra);
    let env: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (idp, pg) = match postgres {
        Some(test) => {
            let (idp, pg) = Idp::on_postgres(test, &env).await?;
            (idp, Some(pg))
        }
        None => (Idp::start_with(&env).await, None),
    };
    idp.cli(&[
        "org",
        "policy",
        "--org",
        "acme",
        "--set",
        "google_sign_in=true",
        "--set",
        r#"google_hosted_domains=["example.com"]"#,
        "--set",
        "entra_sign_in=true",
        "--set",
        &format!(r#"entra_allowed_tenants=["{TENANT_A}"]"#),
        "--set",
        "just_in_time_provisioning=true",
        "--json",
    ]);
    let app = idp.first_party_app();
    let rp = idp.rp(&app).await;
    Some(Fed {
        idp,
        google,
        entra,
        rp,
        _pg: pg,
    })
}

fn google_person(sub: &str, email: &str) -> serde_json::Value {
    json!({"sub": sub, "email": email, "email_verified": true, "hd": "example.com",
           "name": "Grace Hopper", "amr": ["pwd", "mfa"]})
}

/// An Entra ID person as a deployment that asks for the `xms_edov` optional claim sees
/// them: the tenant owns the address's domain.
fn entra_person(tid: &str, oid: &str, email: &str) -> serde_json::Value {
    json!({"sub": format!("pairwise-{oid}"), "tid": tid, "oid": oid, "email": email,
           "xms_edov": true, "preferred_username": email, "name": "Lin Entra"})
}

/// The "Continue with …" link of the sign-in page.
fn provider_link(page: &str, provider: &str) -> String {
    let needle = format!("href=\"/login/federated/{provider}?");
    let start = page
        .find(&needle)
        .unwrap_or_else(|| panic!("no {provider} button in:\n{page}"))
        + "href=\"".len();
    let end = start + page[start..].find('"').unwrap();
    unescape(&page[start..end])
}

/// Follows the button through the upstream; answers the upstream's redirect back to
/// `idp` and where `idp` then leads.
async fn through_upstream(b: &Browser, page: &str, provider: &str) -> (Url, Step) {
    let at_upstream = match b.go(&provider_link(page, provider)).await {
        Step::Back(url) => url,
        other => panic!("expected a redirect to the upstream, got {other:?}"),
    };
    let answer = b.http.get(at_upstream).send().await.unwrap();
    assert_eq!(
        answer.status(),
        StatusCode::FOUND,
        "the stand-in signs in at once"
    );
    let callback = b.abs(answer.headers()[LOCATION].to_str().unwrap());
    let step = b.go(callback.as_str()).await;
    (callback, step)
}

/// A whole federated sign-in for the relying party in a fresh browser.
async fn sign_in(f: &Fed, provider: &str) -> (Browser, Request, Step) {
    let b = f.idp.browser();
    let request = f.rp.request(&["openid", "email", "profile"], &[]);
    let page = b.go(&request.url).await.sign_in_page();
    let (_, step) = through_upstream(&b, &page, provider).await;
    (b, request, step)
}

async fn tokens(f: &Fed, request: &Request, step: Step) -> CoreIdTokenClaims {
    let code = f.rp.code(&step.back(), request);
    let tokens = f.rp.exchange(&code, request.verifier()).await.unwrap();
    f.rp.verify(&tokens, Some(&request.nonce))
}

fn amr(claims: &CoreIdTokenClaims) -> Vec<String> {
    claims
        .auth_method_refs()
        .map(|a| a.iter().map(|v| v.as_str().to_owned()).collect())
        .unwrap_or_default()
}

fn refused(step: Step, status: StatusCode, words: &str) -> String {
    match step {
        Step::Page(s, _, _, html) if s == status => {
            assert!(html.contains(words), "expected {words:?} in:\n{html}");
            html
        }
        other => panic!("expected a {status} page saying {words:?}, got {other:?}"),
    }
}

fn members(idp: &Idp) -> Vec<Value> {
    idp.cli(&["user", "list", "--org", "acme", "--json"])
        .as_array()
        .unwrap()
        .clone()
}

fn failure_reasons(idp: &Idp) -> Vec<String> {
    idp.audit_events("sign_in")
        .iter()
        .filter(|e| e["detail"]["result"] == "failure")
        .map(|e| e["detail"]["reason"].as_str().unwrap().to_owned())
        .collect()
}

async fn no_session(b: &Browser) {
    let account = b.get("/account").await;
    assert_eq!(account.status(), StatusCode::FOUND, "no session may exist");
}

/// Unlinks the member's Google account `subject` from their security page.
async fn unlink(b: &Browser, subject: &str) -> reqwest::Response {
    let security = b.get("/account/security").await.text().await.unwrap();
    let csrf = hidden(&security, "csrf");
    b.post(
        "/account/security/unlink",
        &[
            ("csrf", &csrf),
            ("provider", "google"),
            ("subject", subject),
        ],
    )
    .await
}

/// The error page, and no session in the browser that got it.
async fn refused_without_session(b: &Browser, step: Step, status: StatusCode, words: &str) {
    refused(step, status, words);
    no_session(b).await;
}

#[tokio::test]
async fn google_first_sign_in_creates_the_member_and_the_second_reuses_the_link() {
    let f = fed(None).await.unwrap();
    f.google.next(google_person("g-1001", "grace@example.com"));
    let before = members(&f.idp).len();

    let (b, request, step) = sign_in(&f, "google").await;
    let first = tokens(&f, &request, step).await;
    assert_eq!(
        amr(&first),
        ["fed", "pwd", "mfa"],
        "fed, then the upstream's own"
    );
    assert_eq!(first.email().unwrap().as_str(), "grace@example.com");
    let all = members(&f.idp);
    assert_eq!(all.len(), before + 1, "provisioned just in time");
    let grace = all
        .iter()
        .find(|m| m["email"] == "grace@example.com")
        .unwrap();
    assert_eq!(grace["name"], "Grace Hopper");
    assert_eq!(first.subject().as_str(), grace["id"].as_str().unwrap());

    // Minimal upstream scopes, PKCE S256, a nonce and a state on the way out.
    let asked = f.google.last_authorize_request();
    let mut scopes: Vec<&str> = asked["scope"].split(' ').collect();
    scopes.sort_unstable();
    assert_eq!(scopes, ["email", "openid", "profile"]);
    assert_eq!(asked["code_challenge_method"], "S256");
    assert!(asked["nonce"].len() >= 16 && asked["state"].len() >= 16);
    assert_eq!(
        asked["redirect_uri"],
        f.idp.url("/login/federated/google/callback")
    );

    // The security page lists the linked account with its use.
    let security = b.get("/account/security").await.text().await.unwrap();
    assert!(
        security.contains("Linked accounts") && security.contains("<td>Google</td>"),
        "{security}"
    );

    // The second sign-in finds the link: the same member, nobody new.
    let (_, request, step) = sign_in(&f, "google").await;
    let second = tokens(&f, &request, step).await;
    assert_eq!(second.subject(), first.subject());
    assert_eq!(members(&f.idp).len(), before + 1);
    let events = f.idp.audit_events("sign_in");
    let google: Vec<&Value> = events
        .iter()
        .filter(|e| e["detail"]["method"] == "google" && e["detail"]["result"] == "success")
        .collect();
    assert_eq!(google.len(), 2, "{events:?}");
    assert_eq!(
        google[0]["detail"]["linked"], false,
        "newest: the link existed"
    );
    assert_eq!(google[1]["detail"]["provisioned"], true);

    // Its only way in cannot be unlinked.
    let refused_unlink = unlink(&b, "g-1001").await;
    assert_eq!(refused_unlink.status(), StatusCode::CONFLICT);
    assert!(
        refused_unlink
            .text()
            .await
            .unwrap()
            .contains("only way to sign in")
    );
}

#[tokio::test]
async fn google_links_an_existing_member_by_verified_address_and_unlinks() {
    let f = fed(None).await.unwrap();
    f.google.next(google_person("g-ada", EMAIL));
    let before = members(&f.idp).len();
    let (b, request, step) = sign_in(&f, "google").await;
    let claims = tokens(&f, &request, step).await;
    assert_eq!(claims.subject().as_str(), f.idp.user_id, "linked to Ada");
    assert_eq!(members(&f.idp).len(), before);
    assert!(amr(&claims).contains(&"fed".to_owned()));

    // Ada still has her password, so she may unlink Google.
    let security = b.get("/account/security").await.text().await.unwrap();
    assert!(security.contains("<td>Google</td>"), "{security}");
    let unlinked = unlink(&b, "g-ada").await;
    assert_eq!(unlinked.status(), StatusCode::SEE_OTHER);
    let security = b.get("/account/security").await.text().await.unwrap();
    assert!(!security.contains("<td>Google</td>"), "{security}");
}

#[tokio::test]
async fn an_entra_address_nobody_vouches_for_never_reaches_an_existing_member() {
    let f = fed(None).await.unwrap();
    let before = members(&f.idp).len();
    // An allowed tenant's user names themselves after Ada: as their sign-in name, and as
    // an address whose domain the tenant does not own.
    let mut spoofs = vec![
        json!({"sub": "pairwise-x", "tid": TENANT_A, "oid": "oid-x",
               "preferred_username": EMAIL, "name": "Not Ada"}),
        entra_person(TENANT_A, "oid-y", EMAIL),
    ];
    spoofs[1]["xms_edov"] = json!(false);
    for spoof in spoofs {
        f.entra.next(spoof);
        let (b, _, step) = sign_in(&f, "entra").await;
        refused_without_session(
            &b,
            step,
            StatusCode::FORBIDDEN,
            "has not verified this email address",
        )
        .await;
    }
    assert_eq!(members(&f.idp).len(), before, "nobody linked or created");
    let reasons = failure_reasons(&f.idp);
    assert_eq!(
        reasons
            .iter()
            .filter(|r| *r == "email_not_verified")
            .count(),
        2,
        "{reasons:?}"
    );
}

#[tokio::test]
async fn bad_upstream_answers_end_on_an_error_page_with_no_member_and_no_session() {
    let f = fed(None).await.unwrap();
    let before = members(&f.idp).len();

    // A Workspace domain outside the organization's list.
    let mut outsider = google_person("g-2", "eve@other.example");
    outsider["hd"] = json!("other.example");
    f.google.next(outsider);
    let (b, _, step) = sign_in(&f, "google").await;
    refused_without_session(
        &b,
        step,
        StatusCode::FORBIDDEN,
        "does not accept Google accounts from other.example",
    )
    .await;

    // An address Google has not verified.
    let mut unverified = google_person("g-3", "mallory@example.com");
    unverified["email_verified"] = json!(false);
    f.google.next(unverified);
    let (b, _, step) = sign_in(&f, "google").await;
    refused_without_session(
        &b,
        step,
        StatusCode::FORBIDDEN,
        "has not verified this email address",
    )
    .await;

    // A nonce that is not the one sent.
    f.google.next(google_person("g-4", "nonce@example.com"));
    f.google.set(|b| b.nonce = Some("someone-elses".into()));
    let (b, _, step) = sign_in(&f, "google").await;
    refused_without_session(&b, step, StatusCode::BAD_REQUEST, "could not be verified").await;

    // A token signed with a key the upstream does not publish.
    f.google.next(google_person("g-5", "rogue@example.com"));
    f.google.set(|b| b.rogue_key = true);
    let (b, _, step) = sign_in(&f, "google").await;
    refused_without_session(&b, step, StatusCode::BAD_REQUEST, "could not be verified").await;

    // The person declines at Google, or consent is needed.
    for (error, words) in [
        ("access_denied", "access_denied"),
        ("consent_required", "needs you to agree"),
    ] {
        f.google.next(google_person("g-6", "declined@example.com"));
        f.google.set(|b| b.error = Some(error.into()));
        let (b, _, step) = sign_in(&f, "google").await;
        refused(step, StatusCode::FORBIDDEN, words);
        no_session(&b).await;
    }

    // A tampered state, then a replayed one.
    f.google.next(google_person("g-7", "replay@example.com"));
    let b = f.idp.browser();
    let request = f.rp.request(&["openid"], &[]);
    let page = b.go(&request.url).await.sign_in_page();
    let at_upstream = match b.go(&provider_link(&page, "google")).await {
        Step::Back(url) => url,
        other => panic!("{other:?}"),
    };
    let answer = b.http.get(at_upstream).send().await.unwrap();
    let callback = b.abs(answer.headers()[LOCATION].to_str().unwrap());
    let mut tampered = callback.clone();
    let pairs: Vec<(String, String)> = callback
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                format!("{v}x")
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    tampered.query_pairs_mut().clear().extend_pairs(pairs);
    refused(
        b.go(tampered.as_str()).await,
        StatusCode::BAD_REQUEST,
        "did not start in this browser",
    );
    no_session(&b).await;
    // The tampered attempt consumed nothing: the real answer still completes once…
    let replayable = f.idp.browser();
    let (callback, step) = {
        let page = replayable
            .go(&f.rp.request(&["openid"], &[]).url)
            .await
            .sign_in_page();
        through_upstream(&replayable, &page, "google").await
    };
    assert!(matches!(step, Step::Back(_)), "{step:?}");
    // …and never twice.
    refused(
        replayable.go(callback.as_str()).await,
        StatusCode::BAD_REQUEST,
        "was already used",
    );

    let all = members(&f.idp);
    assert_eq!(
        all.len(),
        before + 1,
        "only the completed sign-in created a member: {all:?}"
    );
    let reasons = failure_reasons(&f.idp);
    for reason in [
        "hosted_domain_not_allowed",
        "email_not_verified",
        "invalid_id_token",
        "upstream_error:access_denied",
        "upstream_error:consent_required",
        "invalid_state",
    ] {
        assert!(
            reasons.iter().any(|r| r == reason),
            "{reason} not in {reasons:?}"
        );
    }
    assert_eq!(
        reasons.iter().filter(|r| *r == "invalid_id_token").count(),
        2,
        "wrong nonce and unknown key: {reasons:?}"
    );
}

#[tokio::test]
async fn entra_multi_tenant_checks_the_tenant_and_its_issuer_on_postgres() {
    let Some(f) = fed(Some(
        "entra_multi_tenant_checks_the_tenant_and_its_issuer_on_postgres",
    ))
    .await
    else {
        return;
    };
    f.entra
        .set(|b| b.graph = json!({"jobTitle": "Staff Engineer", "mobilePhone": "+1 555 0100"}));
    f.entra
        .next(entra_person(TENANT_A, "oid-lin", "lin@contoso.example"));
    let before = members(&f.idp).len();
    let (b, request, step) = sign_in(&f, "entra").await;
    let first = tokens(&f, &request, step).await;
    assert_eq!(amr(&first), ["fed"]);
    let lin = members(&f.idp)
        .into_iter()
        .find(|m| m["email"] == "lin@contoso.example")
        .expect("provisioned");
    assert_eq!(lin["job_title"], "Staff Engineer", "read from Graph");
    assert_eq!(lin["phone"], "+1 555 0100");
    let account = b.get("/account").await.text().await.unwrap();
    assert!(account.contains("Staff Engineer"), "{account}");
    let scopes = f.entra.last_authorize_request()["scope"].clone();
    assert!(
        scopes.split(' ').any(|s| s == "offline_access"),
        "Graph needs it: {scopes}"
    );

    // The stable subject is tid + oid: a changed address is still Lin.
    f.entra.next(entra_person(
        TENANT_A,
        "oid-lin",
        "lin.renamed@contoso.example",
    ));
    let (_, request, step) = sign_in(&f, "entra").await;
    let again = tokens(&f, &request, step).await;
    assert_eq!(again.subject(), first.subject());

    // A tenant the organization does not list.
    f.entra
        .next(entra_person(TENANT_B, "oid-bob", "bob@fabrikam.example"));
    let (b, _, step) = sign_in(&f, "entra").await;
    refused_without_session(
        &b,
        step,
        StatusCode::FORBIDDEN,
        "does not accept Microsoft accounts from this directory",
    )
    .await;

    // Tenant A's token presented under tenant B's issuer.
    f.entra
        .next(entra_person(TENANT_A, "oid-mixed", "mixed@contoso.example"));
    let issuer_b = f.entra.issuer_for(TENANT_B);
    f.entra.set(|b| b.iss = Some(issuer_b));
    let (b, _, step) = sign_in(&f, "entra").await;
    refused_without_session(&b, step, StatusCode::BAD_REQUEST, "could not be verified").await;

    assert_eq!(members(&f.idp).len(), before + 1);
    let reasons = failure_reasons(&f.idp);
    assert!(
        reasons.contains(&"tenant_not_allowed".to_owned()),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"invalid_id_token".to_owned()),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn an_upstream_that_hangs_or_answers_garbage_gives_an_error_page_in_bounded_time() {
    let (silent, _task) = upstream::silent().await;
    let entra = Upstream::start(Kind::Entra).await;
    entra.set(|b| b.garbage_discovery = true);
    let google_discovery = format!("{silent}/.well-known/openid-configuration");
    let idp = Idp::start_with(&[
        ("IDP_FEDERATION__TIMEOUT_SECS", "2"),
        ("IDP_FEDERATION__GOOGLE__CLIENT_ID", CLIENT_ID),
        ("IDP_FEDERATION__GOOGLE__CLIENT_SECRET", CLIENT_SECRET),
        ("IDP_FEDERATION__GOOGLE__DISCOVERY_URL", &google_discovery),
        ("IDP_FEDERATION__ENTRA__CLIENT_ID", CLIENT_ID),
        ("IDP_FEDERATION__ENTRA__CLIENT_SECRET", CLIENT_SECRET),
        (
            "IDP_FEDERATION__ENTRA__DISCOVERY_URL",
            &entra.discovery_url(),
        ),
    ])
    .await;
    idp.cli(&[
        "org",
        "policy",
        "--org",
        "acme",
        "--set",
        "google_sign_in=true",
        "--set",
        "entra_sign_in=true",
        "--json",
    ]);
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let started = Instant::now();
    let step = b.go(&provider_link(&page, "google")).await;
    let waited = started.elapsed();
    refused(
        step,
        StatusCode::BAD_GATEWAY,
        "Google is not answering right now",
    );
    // The configured timeout, not a hung request (generous for a loaded machine).
    assert!(waited < Duration::from_secs(20), "{waited:?}");

    let step = b.go(&provider_link(&page, "entra")).await;
    refused(
        step,
        StatusCode::BAD_GATEWAY,
        "answered in a way we could not use",
    );
    assert!(idp.server.log().contains("upstream discovery failed"));
    // The server is still fine.
    assert_eq!(b.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn leave_disabled_and_the_allow_list_apply_to_federated_sign_in() {
    let f = fed(None).await.unwrap();
    f.google.next(google_person("g-ada", EMAIL));
    let (_, request, step) = sign_in(&f, "google").await;
    tokens(&f, &request, step).await;

    let status = |s: &str| {
        f.idp.set_status(s);
    };
    status("on_leave");
    let (b, _, step) = sign_in(&f, "google").await;
    refused_without_session(&b, step, StatusCode::FORBIDDEN, "leave of absence").await;

    status("disabled");
    let (b, _, step) = sign_in(&f, "google").await;
    refused_without_session(&b, step, StatusCode::FORBIDDEN, "disabled").await;

    status("active");
    f.idp.cli_text(&[
        "org",
        "allow-ips",
        "--org",
        "acme",
        "--entry",
        "203.0.113.0/24=Head office",
    ]);
    let (b, _, step) = sign_in(&f, "google").await;
    refused_without_session(&b, step, StatusCode::FORBIDDEN, "127.0.0.1").await;

    let reasons = failure_reasons(&f.idp);
    for reason in ["on_leave", "disabled", "ip_not_allowed"] {
        assert!(
            reasons.iter().any(|r| r == reason),
            "{reason} not in {reasons:?}"
        );
    }
}

#[tokio::test]
async fn the_sign_in_page_offers_only_what_the_organization_allows() {
    let f = fed(None).await.unwrap();
    let page = f.idp.browser().go("/login").await.sign_in_page();
    assert!(page.contains("Continue with Google") && page.contains("Continue with Microsoft"));
    assert!(page.contains(r#"autocomplete="current-password""#));

    f.idp.set_policy("entra_sign_in=false");
    let page = f.idp.browser().go("/login").await.sign_in_page();
    assert!(page.contains("Continue with Google") && !page.contains("Continue with Microsoft"));

    // An organization that signs in upstream only shows no password form.
    let count = members(&f.idp).len().to_string();
    f.idp.cli(&[
        "org",
        "policy",
        "--org",
        "acme",
        "--set",
        "email_password_login=false",
        "--confirm",
        &count,
        "--json",
    ]);
    let page = f.idp.browser().go("/login").await.sign_in_page();
    assert!(page.contains("Continue with Google"));
    assert!(
        !page.contains(r#"autocomplete="current-password""#),
        "{page}"
    );
}

#[tokio::test]
async fn rotated_upstream_keys_are_fetched_and_unknown_keys_refresh_at_a_bounded_rate() {
    let f = fed(None).await.unwrap();
    f.google.next(google_person("g-ada", EMAIL));
    let (_, request, step) = sign_in(&f, "google").await;
    tokens(&f, &request, step).await;
    let jwks = || f.google.behaviour.lock().unwrap().jwks_requests;
    assert_eq!(jwks(), 1, "read once with discovery, then cached");

    // The upstream rotates: the unknown kid makes idp read the keys again.
    f.google.set(|b| b.rotated = true);
    let (_, request, step) = sign_in(&f, "google").await;
    let claims = tokens(&f, &request, step).await;
    assert_eq!(claims.subject().as_str(), f.idp.user_id);
    assert_eq!(jwks(), 2);

    // Tokens under a key nobody publishes do not make idp hammer the upstream.
    f.google.set(|b| b.rogue_key = true);
    for _ in 0..3 {
        let (b, _, step) = sign_in(&f, "google").await;
        refused_without_session(&b, step, StatusCode::BAD_REQUEST, "could not be verified").await;
    }
    assert_eq!(
        jwks(),
        2,
        "no refresh within {:?} of the last",
        Duration::from_secs(30)
    );
}
