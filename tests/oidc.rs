//! End-to-end OpenID Connect tests: the real `idp` binary, a cookie-keeping HTTP client
//! as the browser, and the `openidconnect` crate as the relying party (discovery, code
//! flow with PKCE, strict ID token verification, userinfo, refresh, revocation,
//! introspection), plus the error paths a certified relying party and the OpenID
//! conformance suite exercise.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::flow::*;
use support::*;

// ---------------------------------------------------------------------------------------
// 1. A confidential client's whole life: code flow, ID token, userinfo, refresh, revocation.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn confidential_client_code_flow_refresh_rotation_and_revocation() {
    let idp = Idp::start().await;
    confidential_client_flow(&idp).await;
}

#[tokio::test]
async fn confidential_client_code_flow_on_postgresql_and_redis() {
    let Some((idp, _db)) =
        Idp::on_postgres("confidential_client_code_flow_on_postgresql_and_redis", &[]).await
    else {
        return;
    };
    confidential_client_flow(&idp).await;
}

/// The operator's choice of grant writes that do not wait for the WAL flush changes no
/// answer: rotation, reuse detection and revocation behave the same.
#[tokio::test]
async fn confidential_client_code_flow_on_postgresql_with_grant_writes_not_waiting_for_the_disk() {
    let test =
        "confidential_client_code_flow_on_postgresql_with_grant_writes_not_waiting_for_the_disk";
    let Some((idp, _db)) =
        Idp::on_postgres(test, &[("IDP_DATABASE__DURABLE_GRANT_WRITES", "false")]).await
    else {
        return;
    };
    confidential_client_flow(&idp).await;
}

async fn confidential_client_flow(idp: &Idp) {
    let reg = idp.web_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    // An unknown parameter is ignored (oidcc-ensure-request-with-unknown-parameter-succeeds).
    let request = rp.request(&["email"], &[("extra", "foobar")]);

    let login = browser.go(&request.url).await.sign_in_page();
    assert!(login.contains(r#"autocomplete="username""#), "{login}");
    assert!(login.contains(r#"autocomplete="current-password""#));
    assert!(login.contains("Reports"), "the page names the application");
    let consent = browser
        .sign_in(&login, EMAIL, PASSWORD)
        .await
        .consent_page();
    assert!(consent.contains("Reports") && consent.contains(EMAIL));
    assert!(consent.contains("See your email address"), "{consent}");
    let response = browser.consent(&consent, "allow").await.back();
    let code = rp.code(&response, &request);
    assert!(code.len() >= 22, "a code carries at least 128 bits");

    let tokens = rp.exchange(&code, request.verifier()).await.unwrap();
    assert_eq!(tokens.token_type().as_ref(), "bearer");
    let expires_in = tokens.expires_in().expect("expires_in");
    assert!(expires_in > Duration::ZERO && expires_in < Duration::from_secs(365 * 86_400));
    let claims = rp.verify(&tokens, Some(&request.nonce));
    assert_eq!(claims.issuer().as_str(), idp.base);
    assert_eq!(claims.audiences().len(), 1);
    assert_eq!(claims.audiences()[0].as_str(), reg.id);
    assert_eq!(claims.subject().as_str(), idp.user_id);
    let signed_in = claims.auth_time().expect("auth_time");
    let age = chrono_now() - signed_in.timestamp();
    assert!((0..60).contains(&age), "auth_time is {age} s old");
    let acr = claims.auth_context_ref().expect("acr");
    assert!(!acr.as_str().is_empty());
    let amr = claims.auth_method_refs().expect("amr");
    assert!(amr.iter().any(|m| m.as_str() == "pwd"), "{amr:?}");
    let id_token = id_token_str(&tokens);
    let header = jwt_part(&id_token, 0);
    assert_eq!(header["alg"], "RS256");
    assert!(header["kid"].as_str().is_some_and(|k| !k.is_empty()));
    let payload = jwt_part(&id_token, 1);
    assert!(
        payload["sid"].as_str().is_some_and(|s| !s.is_empty()),
        "{payload}"
    );
    assert!(
        payload.get("email").is_some(),
        "scope email puts the address in the ID token"
    );

    // UserInfo: the same subject, the email claims for scope `email`, GET and POST.
    let info = rp.userinfo(tokens.access_token(), claims.subject()).await;
    assert_eq!(info.subject(), claims.subject());
    assert_eq!(info.email().map(|e| e.as_str()), Some(EMAIL));
    assert!(info.email_verified().is_some());
    let posted = rp
        .http
        .post(format!("{}/userinfo", idp.base))
        .bearer_auth(tokens.access_token().secret())
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::OK);
    assert_eq!(posted.headers()[CACHE_CONTROL], "no-store");
    let posted: Value = posted.json().await.unwrap();
    assert_eq!(posted["sub"], idp.user_id.as_str());

    // Refresh rotates the refresh token; the new ID token keeps who and when.
    let rt1 = tokens.refresh_token().expect("a refresh token").clone();
    let (status, headers, body) = rp
        .token_raw(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt1.secret()),
            ],
            Some(rp.basic()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    assert_eq!(body["token_type"], "Bearer");
    let refreshed: CoreTokenResponse = serde_json::from_value(body).unwrap();
    let rt2 = refreshed
        .refresh_token()
        .expect("a new refresh token")
        .clone();
    assert_ne!(rt2.secret(), rt1.secret(), "refresh tokens rotate");
    let again = rp.verify(&refreshed, None);
    assert_eq!(again.issuer(), claims.issuer());
    assert_eq!(again.subject(), claims.subject());
    assert_eq!(again.audiences(), claims.audiences());
    assert_eq!(again.auth_time(), claims.auth_time());
    assert!(again.issue_time() >= claims.issue_time());
    assert_eq!(
        jwt_part(&id_token_str(&refreshed), 1)["azp"],
        payload["azp"]
    );

    // Revocation ends the access token: introspection, then userinfo.
    let at2 = refreshed.access_token();
    assert!(rp.active(at2).await);
    rp.revoke(at2).await;
    assert!(!rp.active(at2).await, "revoked tokens are inactive");
    let denied = rp
        .http
        .get(format!("{}/userinfo", idp.base))
        .bearer_auth(at2.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    let challenge = denied.headers()[WWW_AUTHENTICATE].to_str().unwrap();
    assert!(
        challenge.starts_with("Bearer") && challenge.contains("invalid_token"),
        "{challenge}"
    );
    assert!(
        rp.active(tokens.access_token()).await,
        "revoking one access token leaves the others"
    );

    // RFC 9700 §4.14.2: the old refresh token again revokes the whole grant.
    assert_eq!(error_code(rp.refresh(&rt1).await), "invalid_grant");
    assert_eq!(
        error_code(rp.refresh(&rt2).await),
        "invalid_grant",
        "the family is revoked"
    );
    assert!(
        !rp.active(tokens.access_token()).await,
        "the grant's access tokens end with it"
    );
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// 2. A public client: PKCE, no secret, RFC 8252 loopback redirect.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn public_client_uses_pkce_without_a_secret_on_any_loopback_port() {
    let idp = Idp::start().await;
    let reg = idp.client(
        "Desktop",
        &[
            "--public",
            "--first-party",
            "--redirect-uri",
            "http://127.0.0.1/cb",
        ],
    );
    assert!(reg.secret.is_none(), "public clients get no secret");
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/cb");
    let rp = idp.rp_at(&reg, &redirect).await;
    let browser = idp.browser();

    let request = rp.request(&[], &[]);
    let response = browser.authorize(&request.url).await;
    let code = rp.code(&response, &request);
    // openidconnect sends client_id in the body and no secret: auth method none.
    let tokens = rp.exchange(&code, request.verifier()).await.unwrap();
    let claims = rp.verify(&tokens, Some(&request.nonce));
    assert_eq!(claims.subject().as_str(), idp.user_id);
    let refreshed = rp
        .refresh(tokens.refresh_token().expect("a refresh token"))
        .await
        .unwrap();
    assert_ne!(
        refreshed.refresh_token().unwrap().secret(),
        tokens.refresh_token().unwrap().secret()
    );

    // A public client has no secret to present.
    let (status, headers, body) = rp
        .token_raw(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refreshed.refresh_token().unwrap().secret()),
                ("client_id", &reg.id),
                ("client_secret", "guessed"),
            ],
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_client");
    assert!(headers.contains_key(WWW_AUTHENTICATE));

    // Without PKCE: an error back to the client, not a code.
    let no_pkce = authorize_url(
        &idp.base,
        &[
            ("client_id", &reg.id),
            ("redirect_uri", &redirect),
            ("response_type", "code"),
            ("scope", "openid"),
            ("state", "s-no-pkce"),
        ],
    );
    let response = browser.go(&no_pkce).await.back();
    assert_error_redirect(&rp, &response, Some("s-no-pkce"), "invalid_request");
    let plain = authorize_url(
        &idp.base,
        &[
            ("client_id", &reg.id),
            ("redirect_uri", &redirect),
            ("response_type", "code"),
            ("scope", "openid"),
            ("state", "s-plain"),
            (
                "code_challenge",
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            ),
            ("code_challenge_method", "plain"),
        ],
    );
    let response = browser.go(&plain).await.back();
    assert_error_redirect(&rp, &response, Some("s-plain"), "invalid_request");

    // Only the port may vary: another loopback name or path is not the registered URI.
    for other in [
        format!("http://localhost:{port}/cb"),
        format!("http://127.0.0.1:{port}/other"),
    ] {
        let url = authorize_url(
            &idp.base,
            &[
                ("client_id", &reg.id),
                ("redirect_uri", &other),
                ("response_type", "code"),
                ("scope", "openid"),
            ],
        );
        assert_error_page(&browser.get(&url).await);
    }
}

// ---------------------------------------------------------------------------------------
// 3. Coming back: sessions, prompt, max_age and consent.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_signed_in_browser_comes_back_silently_and_prompt_none_needs_a_session() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();

    // First-party: sign-in, but no consent page even the first time.
    let first = rp.request(&[], &[]);
    let login = browser.go(&first.url).await.sign_in_page();
    let response = browser.sign_in(&login, EMAIL, PASSWORD).await.back();
    let t1 = rp
        .exchange(&rp.code(&response, &first), first.verifier())
        .await
        .unwrap();
    let c1 = rp.verify(&t1, Some(&first.nonce));

    // Again, with no page at all; then prompt=none, id_token_hint and a generous max_age.
    let hint = id_token_str(&t1);
    for extra in [
        vec![],
        vec![("prompt", "none")],
        vec![("prompt", "none"), ("id_token_hint", hint.as_str())],
        vec![("max_age", "10000")],
    ] {
        let request = rp.request(&[], &extra);
        let response = browser.go(&request.url).await.back();
        let tokens = rp
            .exchange(&rp.code(&response, &request), request.verifier())
            .await
            .unwrap();
        let claims = rp.verify(&tokens, Some(&request.nonce));
        assert_eq!(claims.subject(), c1.subject(), "{extra:?}");
        assert_eq!(claims.auth_time(), c1.auth_time(), "{extra:?}");
    }

    // The same request as a form POST (oidcc-ensure-post-request-succeeds).
    let request = rp.request(&[], &[]);
    let url = Url::parse(&request.url).unwrap();
    let form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let response = browser.post("/authorize", &form).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    rp.code(&location, &request);

    // prompt=none without a session: an error redirect at once, never a page.
    let stranger = idp.browser();
    let long_state = "s".repeat(128);
    let request = rp.request(&[], &[("prompt", "none")]);
    let url = request.url.replace(
        &format!("state={}", request.state.secret()),
        &format!("state={long_state}"),
    );
    let response = stranger.get(&url).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_error_redirect(&rp, &location, Some(&long_state), "login_required");
}

#[tokio::test]
async fn prompt_login_asks_to_sign_in_again_and_moves_auth_time() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let first = rp.request(&[], &[]);
    let t1 = rp.tokens(&browser, &first).await;
    let c1 = rp.verify(&t1, Some(&first.nonce));

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let old_cookies = browser.clone_cookies();
    let request = rp.request(&[], &[("prompt", "login")]);
    let login = browser.go(&request.url).await.sign_in_page();
    let response = browser.sign_in(&login, EMAIL, PASSWORD).await.back();
    let t2 = rp
        .exchange(&rp.code(&response, &request), request.verifier())
        .await
        .unwrap();
    let c2 = rp.verify(&t2, Some(&request.nonce));
    assert_eq!(c2.subject(), c1.subject());
    assert!(
        auth_time(&t2) > auth_time(&t1),
        "prompt=login gives a later auth_time"
    );
    assert_ne!(
        browser.cookie("idp_session"),
        old_cookies.cookie("idp_session")
    );
    // Signing in again replaced the session: the old cookie no longer works.
    let silent = rp.request(&[], &[("prompt", "none")]);
    let response = old_cookies.go(&silent.url).await.back();
    assert_error_redirect(
        &rp,
        &response,
        Some(silent.state.secret()),
        "login_required",
    );
}

#[tokio::test]
async fn max_age_asks_to_sign_in_again_once_the_sign_in_is_older() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let first = rp.request(&[], &[]);
    let t1 = rp.tokens(&browser, &first).await;

    // OIDC Core §3.1.2.1: max_age=0 is prompt=login, however recent the sign-in.
    let zero = rp.request(&[], &[("max_age", "0")]);
    browser.go(&zero.url).await.sign_in_page();
    let zero = rp.request(&[], &[("max_age", "0"), ("prompt", "none")]);
    let response = browser.go(&zero.url).await.back();
    assert_error_redirect(&rp, &response, Some(zero.state.secret()), "login_required");

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let silent = rp.request(&[], &[("prompt", "none"), ("max_age", "1")]);
    let response = browser.go(&silent.url).await.back();
    assert_error_redirect(
        &rp,
        &response,
        Some(silent.state.secret()),
        "login_required",
    );

    let request = rp.request(&[], &[("max_age", "1")]);
    let login = browser.go(&request.url).await.sign_in_page();
    let response = browser.sign_in(&login, EMAIL, PASSWORD).await.back();
    let t2 = rp
        .exchange(&rp.code(&response, &request), request.verifier())
        .await
        .unwrap();
    rp.verify(&t2, Some(&request.nonce));
    let later = auth_time(&t2);
    assert!(later > auth_time(&t1), "max_age gives a later auth_time");
    assert!((chrono_now() - later) < 60);
}

#[tokio::test]
async fn consent_is_asked_remembered_asked_again_on_request_and_can_be_denied() {
    let idp = Idp::start().await;
    let intranet = idp.rp(&idp.first_party_app()).await;
    let reg = idp.web_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    // Signed in through a first-party application: no consent to anything yet.
    intranet.tokens(&browser, &intranet.request(&[], &[])).await;

    let silent = rp.request(&[], &[("prompt", "none")]);
    let response = browser.go(&silent.url).await.back();
    assert_error_redirect(
        &rp,
        &response,
        Some(silent.state.secret()),
        "consent_required",
    );

    // Signed in already: straight to the consent page. Deny.
    let denied = rp.request(&[], &[]);
    let page = browser.go(&denied.url).await.consent_page();
    let response = browser.consent(&page, "deny").await.back();
    assert_error_redirect(&rp, &response, Some(denied.state.secret()), "access_denied");

    // Allow; the answer is remembered for the same scopes.
    let allowed = rp.request(&[], &[]);
    let page = browser.go(&allowed.url).await.consent_page();
    let response = browser.consent(&page, "allow").await.back();
    rp.code(&response, &allowed);
    let again = rp.request(&[], &[]);
    let response = browser.go(&again.url).await.back();
    rp.code(&response, &again);
    let silent = rp.request(&[], &[("prompt", "none")]);
    let response = browser.go(&silent.url).await.back();
    rp.code(&response, &silent);

    // prompt=consent asks again; a scope not consented to asks again.
    for request in [
        rp.request(&[], &[("prompt", "consent")]),
        rp.request(&["email"], &[]),
    ] {
        let page = browser.go(&request.url).await.consent_page();
        let response = browser.consent(&page, "allow").await.back();
        let tokens = rp
            .exchange(&rp.code(&response, &request), request.verifier())
            .await
            .unwrap();
        rp.verify(&tokens, Some(&request.nonce));
    }
}

// ---------------------------------------------------------------------------------------
// 4. What must be refused.
// ---------------------------------------------------------------------------------------

fn good_params<'a>(client_id: &'a str, state: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("client_id", client_id),
        ("redirect_uri", RP_CALLBACK),
        ("response_type", "code"),
        ("scope", "openid"),
        ("state", state),
        (
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        ),
        ("code_challenge_method", "S256"),
    ]
}

fn with<'a>(
    mut params: Vec<(&'a str, &'a str)>,
    name: &'a str,
    value: Option<&'a str>,
) -> Vec<(&'a str, &'a str)> {
    params.retain(|(k, _)| *k != name);
    if let Some(v) = value {
        params.push((name, v));
    }
    params
}

#[tokio::test]
async fn an_unverified_client_or_redirect_uri_gets_an_error_page_never_a_redirect() {
    let idp = Idp::start().await;
    let reg = idp.web_app();
    let browser = idp.browser();
    let good = good_params(&reg.id, "s");
    let cases = [
        with(
            good.clone(),
            "redirect_uri",
            Some("https://rp.example.com/other"),
        ),
        with(
            good.clone(),
            "redirect_uri",
            Some("https://rp.example.com/cb?x=1"),
        ),
        with(
            good.clone(),
            "redirect_uri",
            Some("https://evil.example.com/cb"),
        ),
        with(good.clone(), "redirect_uri", None),
        with(good.clone(), "client_id", Some("no-such-client")),
        with(good.clone(), "client_id", None),
    ];
    for params in cases {
        let response = browser.get(&authorize_url(&idp.base, &params)).await;
        assert_error_page(&response);
        let html = response.text().await.unwrap();
        assert!(!html.contains("evil.example.com"), "{params:?}");
    }
}

#[tokio::test]
async fn other_authorization_errors_go_back_with_state_and_iss() {
    let idp = Idp::start().await;
    let reg = idp.web_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let good = good_params(&reg.id, "st-1");
    let mut duplicated = good.clone();
    duplicated.push(("scope", "openid email"));
    let cases = [
        (with(good.clone(), "response_type", None), "invalid_request"),
        (
            with(good.clone(), "response_type", Some("token")),
            "unsupported_response_type",
        ),
        (
            with(good.clone(), "response_type", Some("code id_token")),
            "unsupported_response_type",
        ),
        (
            // Request objects are supported (RFC 9101), but this client has no keys to
            // sign one with, and `alg: none` is never accepted (tests/par.rs has the rest).
            with(good.clone(), "request", Some("eyJhbGciOiJub25lIn0.e30.")),
            "invalid_request_object",
        ),
        (
            with(
                good.clone(),
                "request_uri",
                Some("https://rp.example.com/r"),
            ),
            "request_uri_not_supported",
        ),
        (with(good.clone(), "scope", Some("email")), "invalid_scope"),
        (
            with(good.clone(), "prompt", Some("none login")),
            "invalid_request",
        ),
        (
            with(good.clone(), "max_age", Some("soon")),
            "invalid_request",
        ),
        (
            with(good.clone(), "claims", Some("{not json")),
            "invalid_request",
        ),
        (duplicated, "invalid_request"),
    ];
    for (params, error) in cases {
        let response = browser.get(&authorize_url(&idp.base, &params)).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{params:?}");
        let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
        assert_error_redirect(&rp, &location, Some("st-1"), error);
        let description = query(&location)
            .remove("error_description")
            .expect("error_description");
        assert!(!description.is_empty());
    }
    // Without a state, none comes back.
    let no_state = with(with(good, "state", None), "response_type", None);
    let response = browser.get(&authorize_url(&idp.base, &no_state)).await;
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_error_redirect(&rp, &location, None, "invalid_request");
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_what_it_issued() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let request = rp.request(&[], &[]);
    let response = browser.authorize(&request.url).await;
    let code = rp.code(&response, &request);
    let tokens = rp.exchange(&code, request.verifier()).await.unwrap();
    assert!(rp.active(tokens.access_token()).await);

    let (status, headers, body) = rp
        .token_raw(
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", RP_CALLBACK),
                ("code_verifier", &request.verifier),
            ],
            Some(rp.basic()),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    assert_eq!(body["error"], "invalid_grant");
    assert_error_description_charset(body["error_description"].as_str().unwrap());
    assert!(
        !rp.active(tokens.access_token()).await,
        "a replayed code revokes the tokens of its first use"
    );
    assert_eq!(
        error_code(rp.refresh(tokens.refresh_token().unwrap()).await),
        "invalid_grant"
    );
    // Code expiry (60 s) is the ephemeral store's TTL; the store's contract tests cover it.
}

#[tokio::test]
async fn the_token_endpoint_refuses_wrong_secrets_foreign_codes_and_wrong_verifiers() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let other_reg = idp.client("Other", &["--redirect-uri", RP_CALLBACK, "--first-party"]);
    let other = idp.rp(&other_reg).await;
    let browser = idp.browser();

    // A wrong secret: 401 with a Basic challenge; the code is not used up by it.
    let request = rp.request(&[], &[]);
    let code = rp.code(&browser.authorize(&request.url).await, &request);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", RP_CALLBACK),
        ("code_verifier", request.verifier.as_str()),
    ];
    let (status, headers, body) = rp.token_raw(&form, Some((&reg.id, "wrong"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_client");
    assert!(
        headers[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Basic"),
        "{headers:?}"
    );
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    let (status, _, body) = rp.token_raw(&form, Some(("no-such-client", "x"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // Then client_secret_post, the other advertised method, with the right secret.
    let mut posted = form.to_vec();
    posted.push(("client_id", &reg.id));
    posted.push(("client_secret", reg.secret.as_deref().unwrap()));
    let (status, headers, body) = rp.token_raw(&posted, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    assert!(body["id_token"].is_string());

    // A code presented by another client.
    let request = rp.request(&[], &[]);
    let code = rp.code(&browser.authorize(&request.url).await, &request);
    assert_eq!(
        error_code(other.exchange(&code, request.verifier()).await),
        "invalid_grant"
    );

    // A wrong verifier, and none at all.
    let request = rp.request(&[], &[]);
    let code = rp.code(&browser.authorize(&request.url).await, &request);
    let wrong = PkceCodeVerifier::new("x".repeat(64));
    assert_eq!(error_code(rp.exchange(&code, wrong).await), "invalid_grant");
    let request = rp.request(&[], &[]);
    let code = rp.code(&browser.authorize(&request.url).await, &request);
    let (status, _, body) = rp
        .token_raw(
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", RP_CALLBACK),
            ],
            Some(rp.basic()),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");

    // A redirect_uri other than the request's.
    let request = rp.request(&[], &[]);
    let code = rp.code(&browser.authorize(&request.url).await, &request);
    let (_, _, body) = rp
        .token_raw(
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "https://rp.example.com/other"),
                ("code_verifier", &request.verifier),
            ],
            Some(rp.basic()),
        )
        .await;
    assert_eq!(body["error"], "invalid_grant");

    // An unknown grant type.
    let (status, _, body) = rp
        .token_raw(&[("grant_type", "password")], Some(rp.basic()))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn refresh_tokens_keep_their_scope_and_stay_with_their_client() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let other = idp
        .rp(&idp.client("Other", &["--redirect-uri", RP_CALLBACK]))
        .await;
    let browser = idp.browser();
    let request = rp.request(&["email"], &[]);
    let tokens = rp.tokens(&browser, &request).await;
    let rt = tokens.refresh_token().unwrap().clone();

    // Widening is refused, and does not cost the client its refresh token.
    assert_eq!(
        error_code(
            rp.refresh_with_scope(&rt, &["openid", "email", "profile"])
                .await
        ),
        "invalid_scope"
    );
    // Another client cannot use it, and does not use it up either.
    assert_eq!(error_code(other.refresh(&rt).await), "invalid_grant");
    let (status, _, body) = other
        .token_raw(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt.secret()),
            ],
            Some(other.basic()),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    // Narrowing works for this response only; the grant keeps its scope.
    let narrow = rp.refresh_with_scope(&rt, &["openid"]).await.unwrap();
    let scopes: Vec<&str> = narrow
        .scopes()
        .expect("scope")
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(scopes, ["openid"]);
    let claims = rp.verify(&narrow, None);
    assert!(
        claims.email().is_none(),
        "no email claim without scope email"
    );
    let full = rp.refresh(narrow.refresh_token().unwrap()).await.unwrap();
    let claims = rp.verify(&full, None);
    assert_eq!(claims.email().map(|e| e.as_str()), Some(EMAIL));

    // Another client learns nothing about these tokens at introspection, and cannot
    // revoke them: RFC 7009 §2.1 refuses it, and the tokens stay valid.
    assert!(!other.active(full.access_token()).await);
    let rt = full.refresh_token().unwrap();
    for token in [rt.secret().as_str(), full.access_token().secret().as_str()] {
        let response = other
            .http
            .post(format!("{}/revoke", idp.base))
            .basic_auth(&other.id, other.secret.as_deref())
            .form(&[("token", token)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "RFC 7009 §2.1");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized_client");
    }
    assert!(rp.active(full.access_token()).await);
    // Revoking the refresh token ends the grant: it and its access tokens.
    let response = rp
        .http
        .post(format!("{}/revoke", idp.base))
        .basic_auth(&rp.id, rp.secret.as_deref())
        .form(&[
            ("token", rt.secret().as_str()),
            ("token_type_hint", "refresh_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(error_code(rp.refresh(rt).await), "invalid_grant");
    assert!(!rp.active(full.access_token()).await);
}

#[tokio::test]
async fn a_tampered_id_token_is_rejected_by_the_relying_party() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let request = rp.request(&[], &[]);
    let tokens = rp.tokens(&browser, &request).await;
    let id_token = id_token_str(&tokens);
    rp.verify_id_token(&id_token, &request.nonce).unwrap();

    // One character of the signature changed (not the last: its low bits may be padding).
    let (head, signature) = id_token.rsplit_once('.').unwrap();
    let mut sig: Vec<char> = signature.chars().collect();
    let middle = sig.len() / 2;
    sig[middle] = if sig[middle] == 'A' { 'B' } else { 'A' };
    let tampered = format!("{head}.{}", sig.into_iter().collect::<String>());
    assert!(rp.verify_id_token(&tampered, &request.nonce).is_err());

    // Another subject in the payload, the original signature.
    let parts: Vec<&str> = id_token.split('.').collect();
    let mut payload = jwt_part(&id_token, 1);
    payload["sub"] = Value::from("someone-else");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap()),
        parts[2]
    );
    assert!(rp.verify_id_token(&forged, &request.nonce).is_err());

    // alg none.
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    assert!(rp.verify_id_token(&unsigned, &request.nonce).is_err());

    // The right token with another nonce.
    assert!(
        rp.verify_id_token(&id_token, &Nonce::new("other".into()))
            .is_err()
    );
}

// ---------------------------------------------------------------------------------------
// 5. The claims parameter.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_essential_claim_asked_for_by_name_comes_from_userinfo() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let request = rp.request(
        &[],
        &[("claims", r#"{"userinfo":{"name":{"essential":true}}}"#)],
    );
    let tokens = rp.tokens(&browser, &request).await;
    let claims = rp.verify(&tokens, Some(&request.nonce));
    assert!(
        claims.name().is_none(),
        "asked for in userinfo, not in the ID token"
    );
    let info = rp.userinfo(tokens.access_token(), claims.subject()).await;
    let name = info.name().expect("name").get(None).expect("name");
    assert_eq!(name.as_str(), NAME);
    assert!(info.email().is_none(), "scope openid alone gives no email");
}

// ---------------------------------------------------------------------------------------
// 6. response_mode=form_post.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn form_post_answers_with_a_form_that_posts_code_state_and_iss() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let request = rp.request(&[], &[("response_mode", "form_post")]);
    let login = browser.go(&request.url).await.sign_in_page();
    let Step::Page(status, at, headers, html) = browser.sign_in(&login, EMAIL, PASSWORD).await
    else {
        panic!("expected the form_post page")
    };
    assert_eq!(status, StatusCode::OK);
    assert!(
        at.query_pairs().all(|(k, _)| k != "code"),
        "no code in a URL: {at}"
    );
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    assert!(html.contains(r#"method="post""#), "{html}");
    assert_eq!(form_action(&html), RP_CALLBACK);
    let fields: HashMap<String, String> = hidden_inputs(&html).into_iter().collect();
    assert_eq!(fields.get("state"), Some(request.state.secret()));
    assert_eq!(fields.get("iss"), Some(&idp.base));
    assert!(!fields.contains_key("error"));
    let tokens = rp
        .exchange(&fields["code"], request.verifier())
        .await
        .unwrap();
    rp.verify(&tokens, Some(&request.nonce));

    // Errors travel the same way.
    let stranger = idp.browser();
    let silent = rp.request(&[], &[("response_mode", "form_post"), ("prompt", "none")]);
    let Step::Page(status, _, _, html) = stranger.go(&silent.url).await else {
        panic!("expected the form_post page")
    };
    assert_eq!(status, StatusCode::OK);
    assert_eq!(form_action(&html), RP_CALLBACK);
    let fields: HashMap<String, String> = hidden_inputs(&html).into_iter().collect();
    assert_eq!(fields["error"], "login_required");
    assert_eq!(fields.get("state"), Some(silent.state.secret()));
    assert_eq!(fields.get("iss"), Some(&idp.base));
    assert!(!fields.contains_key("code"));
}

// ---------------------------------------------------------------------------------------
// 7. Key rotation.
// ---------------------------------------------------------------------------------------

async fn jwks_kids(base: &str) -> Vec<String> {
    let jwks: Value = reqwest::get(format!("{base}/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn after_a_key_rotation_old_id_tokens_verify_and_new_ones_use_the_promoted_key() {
    let idp = Idp::start_with(&[("IDP_KEYS__RELOAD_SECS", "1")]).await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let request = rp.request(&[], &[]);
    let before = rp.tokens(&browser, &request).await;
    rp.verify(&before, Some(&request.nonce));
    let old_kid = jwt_part(&id_token_str(&before), 0)["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    let published_before = jwks_kids(&idp.base).await;

    let report = idp.cli(&["keys", "rotate", "--alg", "RS256", "--json"]);
    let report = &report[0];
    assert_eq!(report["alg"], "RS256");
    assert!(
        report["retired"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == old_kid.as_str()),
        "{report}"
    );
    let promoted = report["promoted"].as_str().unwrap().to_owned();
    let next = report["next"].as_str().unwrap().to_owned();
    assert!(
        published_before.contains(&promoted),
        "the promoted key was published before it signed"
    );

    // The server reloads its keys every second.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !jwks_kids(&idp.base).await.contains(&next) {
        assert!(
            Instant::now() < deadline,
            "the rotation never reached the JWKS"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let published_after = jwks_kids(&idp.base).await;
    assert!(
        published_after.contains(&old_kid),
        "the retired key stays published"
    );

    // A relying party that refetches the JWKS still accepts the earlier ID token...
    let rp = idp.rp(&reg).await;
    rp.verify_id_token(&id_token_str(&before), &request.nonce)
        .unwrap();
    rp.verify(&before, Some(&request.nonce));
    let info = rp
        .userinfo(
            before.access_token(),
            &SubjectIdentifier::new(idp.user_id.clone()),
        )
        .await;
    assert_eq!(info.subject().as_str(), idp.user_id);
    // ...and new ones are signed with the promoted key.
    let request = rp.request(&[], &[]);
    let after = rp.tokens(&browser, &request).await;
    rp.verify(&after, Some(&request.nonce));
    assert_eq!(jwt_part(&id_token_str(&after), 0)["kid"], promoted.as_str());
    assert_eq!(
        jwt_part(after.access_token().secret(), 0)["kid"],
        promoted.as_str()
    );
}

// ---------------------------------------------------------------------------------------
// 8. RP-initiated logout.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn rp_initiated_logout_returns_with_state_and_ends_the_session() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let request = rp.request(&[], &[]);
    let tokens = rp.tokens(&browser, &request).await;
    let id_token = id_token_str(&tokens);
    let before_logout = browser.clone_cookies();
    assert!(before_logout.cookie("idp_session").is_some());

    // A post-logout URI that is not registered: a page, no redirect, still signed in.
    let bad = Url::parse_with_params(
        &idp.url("/end_session"),
        &[
            ("id_token_hint", id_token.as_str()),
            ("post_logout_redirect_uri", "https://evil.example.com/"),
            ("state", "xyz"),
        ],
    )
    .unwrap();
    assert_error_page(&browser.get(bad.as_str()).await);
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        id_token.split('.').nth(1).unwrap()
    );
    let registered_with_query = format!("{RP_LOGGED_OUT}?x=1");
    for params in [
        // An id_token_hint nobody signed.
        vec![
            ("id_token_hint", unsigned.as_str()),
            ("post_logout_redirect_uri", RP_LOGGED_OUT),
            ("state", "xyz"),
        ],
        // A query added to the registered URI.
        vec![
            ("id_token_hint", id_token.as_str()),
            ("post_logout_redirect_uri", registered_with_query.as_str()),
        ],
    ] {
        let url = Url::parse_with_params(&idp.url("/end_session"), &params).unwrap();
        assert_error_page(&browser.get(url.as_str()).await);
    }
    // No id_token_hint while signed in: the person confirms; no redirect yet.
    let url = Url::parse_with_params(
        &idp.url("/end_session"),
        &[
            ("client_id", reg.id.as_str()),
            ("post_logout_redirect_uri", RP_LOGGED_OUT),
        ],
    )
    .unwrap();
    let response = browser.get(url.as_str()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert_eq!(form_action(&html), "/end_session");
    assert!(html.contains(r#"name="confirm" value="yes""#), "{html}");
    let still = rp.request(&[], &[("prompt", "none")]);
    rp.code(&browser.go(&still.url).await.back(), &still);

    let url = Url::parse_with_params(
        &idp.url("/end_session"),
        &[
            ("id_token_hint", id_token.as_str()),
            ("post_logout_redirect_uri", RP_LOGGED_OUT),
            ("state", "xyz"),
        ],
    )
    .unwrap();
    let response = browser.get(url.as_str()).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(RP_LOGGED_OUT), "{location}");
    assert_eq!(
        query(&location).get("state").map(String::as_str),
        Some("xyz")
    );
    assert!(
        browser.cookie("idp_session").is_none(),
        "the cookie is cleared"
    );

    // Ended on the server: the old cookie no longer signs anyone in.
    for b in [&browser, &before_logout] {
        let silent = rp.request(&[], &[("prompt", "none")]);
        let response = b.go(&silent.url).await.back();
        assert_error_redirect(
            &rp,
            &response,
            Some(silent.state.secret()),
            "login_required",
        );
    }
}

// ---------------------------------------------------------------------------------------
// 9. The sign-in page and the member's sessions.
// ---------------------------------------------------------------------------------------

fn alert(html: &str) -> String {
    let start = html.find(r#"role="alert">"#).expect("an alert") + r#"role="alert">"#.len();
    html[start..start + html[start..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn sign_in_needs_the_forms_csrf_token_and_says_the_same_for_any_wrong_credentials() {
    let idp = Idp::start().await;
    let browser = idp.browser();
    let page = browser.go("/login").await.sign_in_page();
    let csrf = hidden(&page, "csrf");
    assert_eq!(Some(csrf.clone()), browser.cookie("idp_csrf"));

    for token in ["", "forged-token-forged-token-forged-token-forged"] {
        let response = browser
            .post(
                "/login",
                &[
                    ("csrf", token),
                    ("authz", ""),
                    ("email", EMAIL),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(
            !set_cookies(&response)
                .iter()
                .any(|c| c.starts_with("idp_session=")),
            "no session without the form's token"
        );
    }
    // A browser without the CSRF cookie, sending a token it read elsewhere.
    let other = idp.browser();
    let response = other
        .post(
            "/login",
            &[("csrf", &csrf), ("email", EMAIL), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(other.cookie("idp_session").is_none());
    assert!(browser.cookie("idp_session").is_none());

    let wrong_password = browser
        .submit_sign_in(&page, EMAIL, "not the password")
        .await;
    let unknown_email = browser
        .submit_sign_in(&page, "nobody@example.com", PASSWORD)
        .await;
    assert_eq!(wrong_password.status(), unknown_email.status());
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    let a = alert(&wrong_password.text().await.unwrap());
    let b = alert(&unknown_email.text().await.unwrap());
    assert_eq!(a, b, "one message for both");
    assert!(browser.cookie("idp_session").is_none());
}

#[tokio::test]
async fn the_account_page_lists_sessions_and_ends_another_browsers_session() {
    let idp = Idp::start().await;
    let rp = idp.rp(&idp.first_party_app()).await;
    let laptop = idp.browser();
    laptop.sign_in_directly().await;
    let html = laptop.get("/account").await.text().await.unwrap();
    assert!(html.contains("Firefox on Linux"), "{html}");
    assert!(html.contains("127.0.0.1"));
    assert!(html.contains("(this browser)"));

    let desktop = Browser::new(&idp.base, CHROME_WINDOWS);
    desktop.sign_in_directly().await;
    let response = laptop.get("/account").await;
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    let html = response.text().await.unwrap();
    let rows: Vec<&str> = html
        .split("<tr>")
        .filter(|r| r.contains(r#"name="session""#))
        .collect();
    assert_eq!(rows.len(), 2, "two sessions: {html}");
    let desktop_row = rows
        .iter()
        .find(|r| r.contains("Chrome on Windows"))
        .expect("the second browser's session");
    assert!(!desktop_row.contains("(this browser)"));
    let session = hidden(desktop_row, "session");
    let csrf = hidden(desktop_row, "csrf");

    // Without the CSRF token, nothing ends.
    let forged = laptop
        .post(
            "/account/sessions/end",
            &[("csrf", "x"), ("session", &session)],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let ended = laptop
        .post(
            "/account/sessions/end",
            &[("csrf", &csrf), ("session", &session)],
        )
        .await;
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    assert_eq!(ended.headers()[LOCATION], "/account");

    let silent = rp.request(&[], &[("prompt", "none")]);
    let response = desktop.go(&silent.url).await.back();
    assert_error_redirect(
        &rp,
        &response,
        Some(silent.state.secret()),
        "login_required",
    );
    let silent = rp.request(&[], &[("prompt", "none")]);
    rp.code(&laptop.go(&silent.url).await.back(), &silent);
    let html = laptop.get("/account").await.text().await.unwrap();
    assert!(!html.contains("Chrome on Windows"), "{html}");
}

// ---------------------------------------------------------------------------------------
// 10. Discovery and keys.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn discovery_names_every_endpoint_and_jwks_keys_are_distinct_and_cacheable() {
    let idp = Idp::start().await;
    let http = reqwest::Client::new();
    let response = http
        .get(idp.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()["etag"].clone();
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["issuer"], idp.base.as_str());
    for (key, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("end_session_endpoint", "/end_session"),
        ("revocation_endpoint", "/revoke"),
        ("introspection_endpoint", "/introspect"),
    ] {
        assert_eq!(doc[key], idp.url(path).as_str(), "{key}");
        let request = match path {
            "/token" | "/revoke" | "/introspect" => http.post(idp.url(path)).form(&[("x", "y")]),
            _ => http.get(idp.url(path)),
        };
        let status = request.send().await.unwrap().status();
        assert_ne!(status, StatusCode::NOT_FOUND, "{path} is served");
    }
    let has = |key: &str, value: &str| {
        doc[key]
            .as_array()
            .unwrap_or_else(|| panic!("{key} is a list"))
            .iter()
            .any(|v| v == value)
    };
    assert!(has("response_types_supported", "code"));
    assert!(has("scopes_supported", "openid"));
    assert!(has("subject_types_supported", "public"));
    assert!(has("id_token_signing_alg_values_supported", "RS256"));
    assert!(has("code_challenge_methods_supported", "S256"));
    assert!(has(
        "token_endpoint_auth_methods_supported",
        "client_secret_basic"
    ));
    assert!(has("token_endpoint_auth_methods_supported", "none"));
    assert!(has("grant_types_supported", "authorization_code"));
    assert!(has("response_modes_supported", "form_post"));
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
    assert_eq!(doc["claims_parameter_supported"], true);
    assert_eq!(doc["request_parameter_supported"], true);
    let not_modified = http
        .get(idp.url("/.well-known/openid-configuration"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);

    let response = http.get(idp.url("/jwks")).send().await.unwrap();
    let etag = response.headers()["etag"].clone();
    let jwks: Value = response.json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    let mut kids: Vec<&str> = keys.iter().map(|k| k["kid"].as_str().unwrap()).collect();
    for key in keys {
        assert!(!key["kid"].as_str().unwrap().is_empty());
        assert!(key["alg"].is_string(), "{key}");
        assert_eq!(key["use"], "sig", "{key}");
        assert!(key.get("d").is_none(), "no private parts: {key}");
    }
    kids.sort_unstable();
    let count = kids.len();
    kids.dedup();
    assert_eq!(kids.len(), count, "kids are distinct");
    let not_modified = http
        .get(idp.url("/jwks"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);

    // ID tokens default to RS256, with a kid that names one published RS256 key.
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let request = rp.request(&[], &[]);
    let tokens = rp.tokens(&idp.browser(), &request).await;
    rp.verify(&tokens, Some(&request.nonce));
    let header = jwt_part(&id_token_str(&tokens), 0);
    assert_eq!(header["alg"], "RS256");
    let matching: Vec<&Value> = keys.iter().filter(|k| k["kid"] == header["kid"]).collect();
    assert_eq!(matching.len(), 1, "{header}");
    assert_eq!(matching[0]["alg"], "RS256");
    assert_eq!(matching[0]["kty"], "RSA");
}

// ---------------------------------------------------------------------------------------
// 11. client_credentials.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn client_credentials_gives_a_confidential_client_an_access_token_only() {
    let idp = Idp::start().await;
    let service = idp.client("Batch job", &["--grant", "client_credentials"]);
    let rp = idp.rp(&service).await;
    let tokens = rp
        .client
        .exchange_client_credentials()
        .unwrap()
        .request_async(&rp.http)
        .await
        .unwrap_or_else(|e| panic!("client_credentials failed: {e:?}"));
    let access = tokens.access_token().secret();
    let header = jwt_part(access, 0);
    assert_eq!(header["typ"], "at+jwt");
    assert!(header["kid"].is_string());
    let claims = jwt_part(access, 1);
    assert_eq!(claims["client_id"], service.id.as_str());
    assert_eq!(claims["sub"], service.id.as_str());
    assert_eq!(claims["iss"], idp.base.as_str());
    assert!(tokens.refresh_token().is_none());
    assert!(tokens.id_token().is_none());
    assert!(rp.active(tokens.access_token()).await);
    // RFC 6749 §3.3: a scope is one or more tokens; no scope granted means no `scope`.
    let (status, headers, body) = rp
        .token_raw(&[("grant_type", "client_credentials")], Some(rp.basic()))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    assert!(body.get("scope").is_none_or(|s| s != ""), "{body}");

    // A public client has nothing to prove itself with; a code-flow client is not allowed.
    let public = idp.client("SPA", &["--public", "--redirect-uri", RP_CALLBACK]);
    let (status, _, body) = rp
        .token_raw(
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &public.id),
            ],
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "unauthorized_client");
    let web = idp.web_app();
    let (status, _, body) = rp
        .token_raw(
            &[("grant_type", "client_credentials")],
            Some((&web.id, web.secret.as_deref().unwrap())),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "unauthorized_client");
    let refused = run(
        &idp.server.dir,
        &idp.env(),
        &[
            "client",
            "create",
            "--org",
            "acme",
            "--name",
            "Bad",
            "--public",
            "--grant",
            "client_credentials",
            "--json",
        ],
    );
    assert!(
        !refused.status.success(),
        "a public client cannot be created with client_credentials"
    );
}

/// A client registered with its public keys authenticates with a signed assertion
/// (private_key_jwt, RFC 7523), and its own scopes and token lifetimes apply.
#[tokio::test]
async fn private_key_jwt_clients_sign_assertions_and_keep_their_own_lifetimes_and_scopes() {
    use idp_core::client::SigningAlg;
    use idp_core::jose::SigningKeyPair;
    use idp_core::random::OsRandom;

    let idp = Idp::start().await;
    let (key, _) = SigningKeyPair::generate(SigningAlg::Es256, &OsRandom).unwrap();
    let jwks = serde_json::json!({"keys": [key.public_jwk()]});
    let jwks_path = idp.server.dir.join("reports-jwks.json");
    std::fs::write(&jwks_path, jwks.to_string()).unwrap();
    let service = idp.cli(&[
        "client",
        "create",
        "--org",
        "acme",
        "--name",
        "Signed batch job",
        "--grant",
        "client_credentials",
        "--jwks-file",
        jwks_path.to_str().unwrap(),
        "--scope",
        "reports:read",
        "--access-token-ttl",
        "120",
        "--json",
    ]);
    assert!(
        service.get("client_secret").is_none(),
        "a key-authenticated client gets no secret: {service}"
    );
    assert_eq!(service["token_endpoint_auth_method"], "private_key_jwt");
    let id = service["client_id"].as_str().unwrap().to_owned();

    let http = reqwest::Client::new();
    let token_url = format!("{}/token", idp.base);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let assertion = |jti: &str, aud: &str| {
        key.sign_jwt("JWT", &serde_json::json!({"iss": id, "sub": id, "aud": aud, "jti": jti, "iat": now, "exp": now + 60}))
            .unwrap()
    };
    let post = |assertion: String, scope: &'static str| {
        http.post(&token_url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", scope),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", assertion.as_str()),
            ])
            .send()
    };
    let ok = post(assertion("one", &token_url), "reports:read")
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(
        body["expires_in"], 120,
        "the client's own access token lifetime"
    );
    assert_eq!(body["scope"], "reports:read");
    let claims = jwt_part(body["access_token"].as_str().unwrap(), 1);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        120
    );

    // The same assertion twice, another audience, a scope it was not given, a forged key.
    let replay = post(assertion("one", &token_url), "reports:read")
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    let elsewhere = post(
        assertion("two", "https://other.example.com/token"),
        "reports:read",
    )
    .await
    .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::UNAUTHORIZED);
    let widened = post(assertion("three", &token_url), "reports:write")
        .await
        .unwrap();
    assert_eq!(widened.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        widened.json::<Value>().await.unwrap()["error"],
        "invalid_scope"
    );
    let (forger, _) = SigningKeyPair::generate(SigningAlg::Es256, &OsRandom).unwrap();
    let forged = forger
        .sign_jwt("JWT", &serde_json::json!({"iss": id, "sub": id, "aud": token_url, "jti": "four", "iat": now, "exp": now + 60}))
        .unwrap();
    let refused = post(forged, "reports:read").await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );

    // A confidential client may be allowed to leave PKCE out; public clients never are.
    let relaxed = idp.cli(&[
        "client",
        "create",
        "--org",
        "acme",
        "--name",
        "Legacy",
        "--redirect-uri",
        RP_CALLBACK,
        "--pkce-optional",
        "--json",
    ]);
    assert_eq!(relaxed["require_pkce"], false);
    let refused = run(
        &idp.server.dir,
        &idp.env(),
        &[
            "client",
            "create",
            "--org",
            "acme",
            "--name",
            "SPA",
            "--public",
            "--redirect-uri",
            RP_CALLBACK,
            "--pkce-optional",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    let bad_keys = run(
        &idp.server.dir,
        &idp.env(),
        &[
            "client",
            "create",
            "--org",
            "acme",
            "--name",
            "Bad",
            "--grant",
            "client_credentials",
            "--jwks-file",
            "/dev/null",
        ],
    );
    assert_eq!(bad_keys.status.code(), Some(1));
}

/// Codes live `tokens.code_ttl_secs` (60 s by default): after that the exchange fails.
#[tokio::test]
async fn an_expired_code_is_refused() {
    let idp = Idp::start_with(&[("IDP_TOKENS__CODE_TTL_SECS", "1")]).await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let request = rp.request(&[], &[]);
    let response = browser.authorize(&request.url).await;
    let code = rp.code(&response, &request);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        error_code(rp.exchange(&code, request.verifier()).await),
        "invalid_grant"
    );

    // The same flow within the lifetime works, so the refusal above is the expiry.
    let request = rp.request(&[], &[]);
    let response = browser.authorize(&request.url).await;
    let code = rp.code(&response, &request);
    assert!(rp.exchange(&code, request.verifier()).await.is_ok());
}

/// The endpoints that take only POST say so with 405 and `Allow: POST`.
#[tokio::test]
async fn post_only_endpoints_answer_405_to_other_methods() {
    let idp = Idp::start().await;
    let http = reqwest::Client::new();
    for path in ["/token", "/revoke", "/introspect"] {
        let response = http.get(idp.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_eq!(response.headers()["allow"], "POST", "{path}");
    }
}

#[tokio::test]
async fn a_sub_value_in_the_claims_parameter_is_a_requirement_not_a_name() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let first = rp.request(&[], &[]);
    let tokens = rp.tokens(&browser, &first).await;
    let ada = rp.verify(&tokens, Some(&first.nonce)).subject().to_string();

    // OIDC Core §5.5.1: never tokens for another sub than the one asked for.
    let someone_else = r#"{"id_token":{"sub":{"value":"someone-else"}}}"#;
    let silent = rp.request(&[], &[("prompt", "none"), ("claims", someone_else)]);
    let response = browser.go(&silent.url).await.back();
    assert_error_redirect(
        &rp,
        &response,
        Some(silent.state.secret()),
        "login_required",
    );
    // Without prompt=none the person is asked to sign in as that user; signing in
    // as Ada again ends the request.
    let asked = rp.request(&[], &[("claims", someone_else)]);
    let page = browser.go(&asked.url).await.sign_in_page();
    let response = browser.sign_in(&page, EMAIL, PASSWORD).await.back();
    assert_error_redirect(&rp, &response, Some(asked.state.secret()), "access_denied");

    // Asking for the signed-in member's own sub works silently.
    let own = format!(r#"{{"id_token":{{"sub":{{"value":"{ada}"}}}}}}"#);
    let request = rp.request(&[], &[("prompt", "none"), ("claims", own.as_str())]);
    let response = browser.go(&request.url).await.back();
    let tokens = rp
        .exchange(&rp.code(&response, &request), request.verifier())
        .await
        .unwrap();
    assert_eq!(
        rp.verify(&tokens, Some(&request.nonce)).subject().as_str(),
        ada
    );
}

#[tokio::test]
async fn browser_applications_may_call_the_token_endpoint_from_their_own_origin_only() {
    let idp = Idp::start().await;
    idp.client(
        "Single-page app",
        &[
            "--public",
            "--redirect-uri",
            "https://spa.example.com/callback",
        ],
    );
    // A confidential client's origin is not a browser application's.
    idp.client(
        "Server app",
        &["--redirect-uri", "https://server.example.com/callback"],
    );
    let http = reqwest::Client::new();
    let preflight = |path: &str, origin: &str| {
        http.request(reqwest::Method::OPTIONS, idp.url(path))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, dpop, content-type",
            )
            .send()
    };
    for path in ["/token", "/userinfo", "/revoke", "/introspect", "/jwks"] {
        let ok = preflight(path, "https://spa.example.com").await.unwrap();
        assert_eq!(ok.status(), StatusCode::NO_CONTENT, "{path}");
        let h = ok.headers();
        assert_eq!(h["access-control-allow-origin"], "https://spa.example.com");
        let allowed = h["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_lowercase();
        for needed in ["authorization", "dpop", "content-type"] {
            assert!(allowed.contains(needed), "{path}: {allowed}");
        }
        for origin in ["https://evil.example", "https://server.example.com"] {
            let refused = preflight(path, origin).await.unwrap();
            assert!(
                !refused
                    .headers()
                    .contains_key("access-control-allow-origin"),
                "{path} from {origin}"
            );
        }
    }
    // The answers themselves carry the origin, and say they vary with it.
    let discovery = http
        .get(idp.url("/.well-known/openid-configuration"))
        .header("Origin", "https://spa.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        discovery.headers()["access-control-allow-origin"],
        "https://spa.example.com"
    );
    assert!(
        discovery.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("Origin")
    );
    let token = http
        .post(idp.url("/token"))
        .header("Origin", "https://spa.example.com")
        .form(&[("grant_type", "authorization_code"), ("code", "nonsense")])
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        token.headers()["access-control-allow-origin"],
        "https://spa.example.com",
        "a page can read why its request failed"
    );
    // Never on the authorization endpoint or the pages a person reads.
    for path in ["/authorize?client_id=x", "/login"] {
        let page = http
            .get(idp.url(path))
            .header("Origin", "https://spa.example.com")
            .send()
            .await
            .unwrap();
        assert!(
            !page.headers().contains_key("access-control-allow-origin"),
            "{path}"
        );
    }
}

/// `idp user create --email-verified`: the member's tokens and userinfo say the address is
/// verified from the first sign-in; one created without it is not.
#[tokio::test]
async fn a_member_created_with_a_verified_address_says_so_in_tokens_and_userinfo() {
    let idp = Idp::start().await;
    let grace = ("grace@example.com", "Admiral Hopper 1906");
    idp.member("acme", grace.0, grace.1, &["--email-verified"]);
    let rp = idp.rp(&idp.web_app()).await;
    for (email, password, verified) in [(EMAIL, PASSWORD, false), (grace.0, grace.1, true)] {
        let browser = idp.browser();
        let request = rp.request(&["email"], &[]);
        let login = browser.go(&request.url).await.sign_in_page();
        let consent = browser
            .sign_in(&login, email, password)
            .await
            .consent_page();
        let response = browser.consent(&consent, "allow").await.back();
        let code = rp.code(&response, &request);
        let tokens = rp.exchange(&code, request.verifier()).await.unwrap();
        let claims = rp.verify(&tokens, Some(&request.nonce));
        assert_eq!(claims.email_verified(), Some(verified), "{email}");
        let info = rp.userinfo(tokens.access_token(), claims.subject()).await;
        assert_eq!(info.email_verified(), Some(verified), "{email}");
    }
}
