//! End-to-end tests of dynamic client registration (RFC 7591) and its management
//! protocol (RFC 7592) with the real `idp` binary: initial access tokens issued by the
//! command line and the administration API, registration over plain HTTP (reqwest), a
//! registered client's code flow with the `openidconnect` crate, and the registration
//! access token's read, update (which rotates it) and delete.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::flow::*;

const ON: &[(&str, &str)] = &[("IDP_REGISTRATION__ENABLED", "true")];

/// An initial access token for organization `acme`, from the command line.
fn initial_token(idp: &Idp, extra: &[&str]) -> (String, String) {
    let mut args = vec![
        "client",
        "registration-token",
        "create",
        "--org",
        "acme",
        "--json",
    ];
    args.extend_from_slice(extra);
    let out = idp.cli(&args);
    (
        out["id"].as_str().unwrap().to_owned(),
        out["token"].as_str().unwrap().to_owned(),
    )
}

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn send(request: reqwest::RequestBuilder, bearer: Option<&str>) -> Answer {
    let request = match bearer {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

async fn register(idp: &Idp, token: Option<&str>, metadata: &Value) -> Answer {
    let request = reqwest::Client::new()
        .post(idp.url("/register"))
        .json(metadata);
    send(request, token).await
}

fn web_metadata(name: &str) -> Value {
    json!({
        "client_name": name,
        "redirect_uris": [RP_CALLBACK],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
        "scope": "openid email",
        "logo_uri": "https://rp.example.com/logo.png",
    })
}

fn assert_invalid_token(a: &Answer) {
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    assert_eq!(a.body["error"], "invalid_token", "{}", a.body);
    let challenge = a.headers[WWW_AUTHENTICATE].to_str().unwrap();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
}

fn clients_of_acme(idp: &Idp) -> usize {
    idp.cli(&["client", "list", "--org", "acme", "--json"])
        .as_array()
        .unwrap()
        .len()
}

use serde_json::json;

#[tokio::test]
async fn registration_is_refused_when_off_without_a_token_and_with_a_revoked_or_expired_one() {
    let off = Idp::start().await;
    let discovery: Value = reqwest::get(off.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(discovery.get("registration_endpoint").is_none());
    let (_, token) = initial_token(&off, &[]);
    let refused = register(&off, Some(&token), &web_metadata("Reports")).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    drop(off);

    let idp = Idp::start_with(ON).await;
    let discovery: Value = reqwest::get(idp.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["registration_endpoint"], idp.url("/register"));
    let before = clients_of_acme(&idp);

    assert_invalid_token(&register(&idp, None, &web_metadata("Reports")).await);
    assert_invalid_token(&register(&idp, Some("made-up"), &web_metadata("Reports")).await);
    // Without a good token, nothing is said about the metadata.
    assert_invalid_token(
        &register(
            &idp,
            None,
            &json!({"redirect_uris": ["http://x.example/cb"]}),
        )
        .await,
    );

    let (id, token) = initial_token(&idp, &[]);
    let listed = idp.cli(&[
        "client",
        "registration-token",
        "list",
        "--org",
        "acme",
        "--json",
    ]);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["usable"], true);
    assert!(
        !listed.to_string().contains(&token),
        "the token's value is never shown again"
    );
    let ok = register(&idp, Some(&token), &web_metadata("Reports")).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    let revoked = idp.cli(&[
        "client",
        "registration-token",
        "revoke",
        "--id",
        &id,
        "--json",
    ]);
    assert_eq!(revoked["usable"], false);
    assert_invalid_token(&register(&idp, Some(&token), &web_metadata("Other")).await);

    let (_, short) = initial_token(&idp, &["--expires", "1s"]);
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_invalid_token(&register(&idp, Some(&short), &web_metadata("Late")).await);
    assert_eq!(
        clients_of_acme(&idp),
        before + 1,
        "only the one good registration"
    );
}

#[tokio::test]
async fn a_registered_client_completes_a_code_flow_with_openidconnect() {
    let idp = Idp::start_with(ON).await;
    let (token_id, token) = initial_token(&idp, &["--expires", "7d"]);
    let a = register(&idp, Some(&token), &web_metadata("Reports")).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.headers[CACHE_CONTROL], "no-store");
    let body = &a.body;
    let client_id = body["client_id"].as_str().unwrap();
    assert_eq!(body["client_name"], "Reports");
    assert_eq!(body["redirect_uris"], json!([RP_CALLBACK]));
    assert_eq!(body["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(body["response_types"], json!(["code"]));
    assert_eq!(body["client_secret_expires_at"], 0);
    assert!(body["registration_access_token"].as_str().unwrap().len() >= 43);
    assert_eq!(
        body["registration_client_uri"],
        idp.url(&format!("/register/{client_id}"))
    );

    let reg = Registered {
        id: client_id.to_owned(),
        secret: body["client_secret"].as_str().map(str::to_owned),
    };
    let rp = idp.rp(&reg).await;
    let request = rp.request(&["openid", "email"], &[]);
    let browser = idp.browser();
    // A registered application is third-party: the member is asked.
    let mut step = browser.go(&request.url).await;
    if let Step::SignIn(page) = &step {
        step = browser.sign_in(page, EMAIL, PASSWORD).await;
    }
    let consent = step.consent_page();
    assert!(consent.contains("Reports"), "{consent}");
    let back = browser.consent(&consent, "allow").await.back();
    let tokens = rp
        .exchange(&rp.code(&back, &request), request.verifier())
        .await
        .unwrap();
    let claims = rp.verify(&tokens, Some(&request.nonce));
    assert_eq!(claims.subject().as_str(), idp.user_id);
    assert_eq!(claims.audiences()[0].as_str(), client_id);
    assert!(tokens.refresh_token().is_some());

    // Recorded as a client creation, with the token it was registered with.
    let events = idp.audit_events("client_change");
    assert!(
        events
            .iter()
            .any(|e| e["detail"]["registered_with"] == token_id.as_str()
                && e["detail"]["after"]["client_id"] == client_id),
        "{events:?}"
    );
}

#[tokio::test]
async fn bad_metadata_is_refused_with_the_rfc_7591_error_and_registers_nothing() {
    let idp = Idp::start_with(ON).await;
    let (_, token) = initial_token(&idp, &[]);
    let before = clients_of_acme(&idp);
    for (metadata, error) in [
        (
            json!({"redirect_uris": ["http://rp.example.com/cb"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"redirect_uris": ["https://rp.example.com/cb#top"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"client_name": "No redirect"}),
            "invalid_redirect_uri",
        ),
        (
            json!({"redirect_uris": [RP_CALLBACK], "grant_types": ["password"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [RP_CALLBACK], "response_types": ["token"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [RP_CALLBACK], "token_endpoint_auth_method": "private_key_jwt"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [RP_CALLBACK], "id_token_signed_response_alg": "HS256"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": RP_CALLBACK}),
            "invalid_client_metadata",
        ),
        (json!([RP_CALLBACK]), "invalid_client_metadata"),
    ] {
        let a = register(&idp, Some(&token), &metadata).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{metadata}: {}", a.body);
        assert_eq!(a.body["error"], error, "{metadata}: {}", a.body);
        assert_error_description_charset(a.body["error_description"].as_str().unwrap());
    }
    let not_json = send(
        reqwest::Client::new()
            .post(idp.url("/register"))
            .header("content-type", "application/json")
            .body("{not json"),
        Some(&token),
    )
    .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.body["error"], "invalid_client_metadata");
    assert_eq!(clients_of_acme(&idp), before);
}

#[tokio::test]
async fn the_registration_access_token_reads_updates_and_deletes_only_its_client() {
    // On PostgreSQL and Redis: the token's compare-and-swap rotation is backend SQL.
    let Some((idp, _db)) = Idp::on_postgres("registration_management", ON).await else {
        return;
    };
    let (_, token) = initial_token(&idp, &[]);
    let first = register(&idp, Some(&token), &web_metadata("Reports"))
        .await
        .body;
    let other = register(&idp, Some(&token), &web_metadata("Billing"))
        .await
        .body;
    let id = first["client_id"].as_str().unwrap().to_owned();
    let uri = first["registration_client_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let rat = first["registration_access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret = first["client_secret"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();

    let read = send(http.get(&uri), Some(&rat)).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.headers[CACHE_CONTROL], "no-store");
    assert_eq!(read.body["client_id"], id.as_str());
    assert_eq!(read.body["client_name"], "Reports");
    assert!(read.body.get("client_secret").is_none());
    // Another client's token, a made-up one, none: all the same refusal.
    let theirs = other["registration_access_token"].as_str().unwrap();
    assert_invalid_token(&send(http.get(&uri), Some(theirs)).await);
    assert_invalid_token(&send(http.get(&uri), Some("made-up")).await);
    assert_invalid_token(&send(http.get(&uri), None).await);
    assert_invalid_token(&send(http.delete(&uri), Some(theirs)).await);
    // Nor does the initial access token manage a registration.
    assert_invalid_token(&send(http.get(&uri), Some(&token)).await);

    // An update replaces the registration, checked as a new one; a bad one changes nothing.
    let mut change = web_metadata("Reports v2");
    change["client_id"] = json!(id);
    change["redirect_uris"] = json!(["https://rp.example.com/cb2"]);
    let mut bad = change.clone();
    bad["redirect_uris"] = json!(["http://rp.example.com/cb"]);
    let refused = send(http.put(&uri).json(&bad), Some(&rat)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["error"], "invalid_redirect_uri");
    let mut elsewhere = change.clone();
    elsewhere["client_id"] = json!(other["client_id"]);
    let refused = send(http.put(&uri).json(&elsewhere), Some(&rat)).await;
    assert_eq!(refused.body["error"], "invalid_client_metadata");
    let mut wrong_secret = change.clone();
    wrong_secret["client_secret"] = json!("not it");
    let refused = send(http.put(&uri).json(&wrong_secret), Some(&rat)).await;
    assert_eq!(refused.body["error"], "invalid_client_metadata");
    assert_eq!(
        send(http.get(&uri), Some(&rat)).await.body["client_name"],
        "Reports"
    );

    change["client_secret"] = json!(secret);
    let updated = send(http.put(&uri).json(&change), Some(&rat)).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.body["client_name"], "Reports v2");
    assert_eq!(
        updated.body["redirect_uris"],
        json!(["https://rp.example.com/cb2"])
    );
    assert!(
        updated.body.get("client_secret").is_none(),
        "the secret is kept"
    );
    // The access token is rotated: the old one stops working.
    let rotated = updated.body["registration_access_token"].as_str().unwrap();
    assert_ne!(rotated, rat);
    assert_invalid_token(&send(http.get(&uri), Some(&rat)).await);
    assert_eq!(
        send(http.get(&uri), Some(rotated)).await.body["client_name"],
        "Reports v2"
    );
    // The kept secret still authenticates the client at the token endpoint.
    let reg = Registered {
        id: id.clone(),
        secret: Some(secret.clone()),
    };
    let rp = idp.rp_at(&reg, "https://rp.example.com/cb2").await;
    let request = rp.request(&["openid"], &[]);
    let tokens = rp.tokens(&idp.browser(), &request).await;
    rp.verify(&tokens, Some(&request.nonce));

    let deleted = send(http.delete(&uri), Some(rotated)).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_invalid_token(&send(http.get(&uri), Some(rotated)).await);
    let (status, _, body) = rp
        .token_raw(
            &[("grant_type", "client_credentials")],
            Some((id.as_str(), secret.as_str())),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_client");
    // The other registration is untouched.
    let theirs_uri = other["registration_client_uri"].as_str().unwrap();
    assert_eq!(
        send(http.get(theirs_uri), Some(theirs)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn administrators_issue_list_and_revoke_tokens_through_the_api() {
    let idp = Idp::start_with(ON).await;
    idp.member(
        "acme",
        "root@example.com",
        "administrator password",
        &["--super-admin"],
    );
    idp.member("acme", "eve@example.com", "an ordinary password", &[]);
    let admin = idp.browser();
    let page = admin.go("/login").await.sign_in_page();
    admin
        .sign_in(&page, "root@example.com", "administrator password")
        .await;
    let csrf = admin.cookie("idp_csrf").unwrap();
    let created = admin
        .http
        .post(admin.abs("/admin/api/orgs/acme/registration-tokens"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"expires_in_secs": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let token = created["token"].as_str().unwrap();
    let id = created["registration_token"]["id"].as_str().unwrap();
    assert!(created["registration_token"]["expires_at"].is_string());
    let ok = register(&idp, Some(token), &web_metadata("Reports")).await;
    assert_eq!(ok.status, StatusCode::CREATED);

    let listed: Value = admin
        .http
        .get(admin.abs("/admin/api/orgs/acme/registration-tokens"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["registration_tokens"][0]["id"], id);
    let revoked = admin
        .http
        .delete(admin.abs(&format!("/admin/api/registration-tokens/{id}")))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_invalid_token(&register(&idp, Some(token), &web_metadata("Late")).await);

    // A member without the clients area may do none of it.
    let eve = idp.browser();
    let page = eve.go("/login").await.sign_in_page();
    eve.sign_in(&page, "eve@example.com", "an ordinary password")
        .await;
    let denied = eve
        .http
        .post(eve.abs("/admin/api/orgs/acme/registration-tokens"))
        .header("x-csrf-token", eve.cookie("idp_csrf").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    let listed = eve
        .http
        .get(eve.abs("/admin/api/orgs/acme/registration-tokens"))
        .header("x-csrf-token", eve.cookie("idp_csrf").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::FORBIDDEN);
}

/// The text between `start` and the next `end` in `html`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in:\n{html}"))
        + start.len();
    &html[from..from + html[from..].find(end).unwrap()]
}

#[tokio::test]
async fn administrators_issue_and_revoke_tokens_in_the_console() {
    let idp = Idp::start_with(ON).await;
    idp.member(
        "acme",
        "root@example.com",
        "administrator password",
        &["--super-admin"],
    );
    let admin = idp.browser();
    let page = admin.go("/login").await.sign_in_page();
    admin
        .sign_in(&page, "root@example.com", "administrator password")
        .await;
    let list = admin.get("/admin/clients").await.text().await.unwrap();
    assert!(
        list.contains("href=\"/admin/registration-tokens\""),
        "{list}"
    );
    let html = admin
        .get("/admin/registration-tokens")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("No registration token was issued yet."),
        "{html}"
    );
    let org = between(&html, "<option value=\"", "\"").to_owned();
    let issued = admin
        .post(
            "/admin/registration-tokens",
            &[
                ("csrf", &hidden(&html, "csrf")),
                ("action", "create"),
                ("org", &org),
                ("expires", "2h"),
            ],
        )
        .await;
    assert_eq!(issued.status(), StatusCode::OK);
    let html = issued.text().await.unwrap();
    let token = between(&html, "aria-label=\"Registration token\">", "<").to_owned();
    let ok = register(&idp, Some(&token), &web_metadata("Reports")).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);

    // The list shows it usable, never its value; revoking it stops it.
    let html = admin
        .get("/admin/registration-tokens")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Usable"), "{html}");
    assert!(!html.contains(&token));
    let id = hidden_inputs(&html)
        .into_iter()
        .find(|(n, _)| n == "id")
        .unwrap()
        .1;
    let revoked = admin
        .post(
            "/admin/registration-tokens",
            &[
                ("csrf", &hidden(&html, "csrf")),
                ("action", "revoke"),
                ("id", &id),
            ],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert!(revoked.text().await.unwrap().contains("Expired or revoked"));
    assert_invalid_token(&register(&idp, Some(&token), &web_metadata("Late")).await);
}
