//! End-to-end tests of the administration API with the real `idp` binary: the OpenAPI
//! description against the routes, permissions by area and by organization (a refusal
//! is audited), service clients with bearer tokens, the allow-list guard against locking
//! oneself out, and temporary passwords.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::flow::*;

/// An administrator's browser: signed in, calling the API with the CSRF header.
struct Admin {
    browser: Browser,
}

impl Admin {
    async fn sign_in(idp: &Idp, email: &str, password: &str) -> Admin {
        let browser = idp.browser();
        let page = browser.go("/login").await.sign_in_page();
        let r = browser.submit_sign_in(&page, email, password).await;
        assert_eq!(r.headers()[LOCATION], "/account", "{email} signs in");
        Admin { browser }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let b = &self.browser;
        let mut req = b
            .http
            .request(method.parse().unwrap(), b.abs(path))
            .header("x-csrf-token", b.cookie("idp_csrf").unwrap());
        if let Some(body) = body {
            req = req.json(&body);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn every_documented_operation_exists_and_asks_for_credentials() {
    let idp = Idp::start().await;
    let http = reqwest::Client::new();
    let doc: Value = http
        .get(idp.url("/admin/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, methods) in paths {
        for (method, op) in methods.as_object().unwrap() {
            operations += 1;
            let url = idp.url(&path.replace("{org}", "acme").replace("{id}", &idp.user_id));
            let r = http
                .request(method.to_uppercase().parse().unwrap(), &url)
                .header("authorization", "Bearer not-a-token")
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap();
            if op["security"] == serde_json::json!([{"link_token": [], "session": []}]) {
                assert_eq!(
                    r.status(),
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} wants the session the link was sent to"
                );
            } else if op["security"].as_array().unwrap().is_empty() {
                assert_eq!(r.status(), StatusCode::OK, "{method} {path}");
            } else {
                assert_eq!(
                    r.status(),
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} is routed"
                );
                assert!(op["x-permission"].is_string(), "{method} {path}");
            }
        }
    }
    assert!(operations >= 10, "{operations}");
    let missing = http
        .post(idp.url("/admin/api/orgs/acme/nothing-here"))
        .header("authorization", "Bearer not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_organization_administrator_cannot_touch_a_sibling_and_the_attempt_is_audited() {
    let Some((idp, db)) = Idp::on_postgres(
        "an_organization_administrator_cannot_touch_a_sibling_and_the_attempt_is_audited",
        &[],
    )
    .await
    else {
        return;
    };
    for (slug, name) in [("north", "Acme North"), ("south", "Acme South")] {
        idp.cli(&[
            "org", "create", "--name", name, "--slug", slug, "--parent", "acme", "--json",
        ]);
    }
    let nora = idp.cli(&[
        "user",
        "create",
        "--org",
        "north",
        "--email",
        "nora@example.com",
        "--password",
        "north pole expedition",
        "--json",
    ]);
    let sam = idp.cli(&[
        "user",
        "create",
        "--org",
        "south",
        "--email",
        "sam@example.com",
        "--password",
        "south pole expedition",
        "--json",
    ]);
    idp.cli_text(&[
        "user",
        "grant-admin",
        "--org",
        "north",
        "--email",
        "nora@example.com",
        "--permission",
        "login_settings",
        "--permission",
        "two_factor",
        "--permission",
        "members",
    ]);
    let admin = Admin::sign_in(&idp, "nora@example.com", "north pole expedition").await;
    let denied_before =
        db.values("SELECT COUNT(*) AS v FROM audit_events WHERE detail LIKE '%denied%'")[0];

    let (status, body) = admin
        .call(
            "PATCH",
            "/admin/api/orgs/north/policy",
            Some(serde_json::json!({"set": {"password_min_length": 14}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["effective"]["password_min_length"], 14);
    let (status, _) = admin
        .call("GET", "/admin/api/orgs/north/policy", None)
        .await;
    assert_eq!(status, StatusCode::OK);

    // The sibling, the parent, and a member over there: all refused.
    for (method, path, body) in [
        (
            "PATCH",
            "/admin/api/orgs/south/policy".to_owned(),
            Some(serde_json::json!({"set": {"password_min_length": 14}})),
        ),
        ("GET", "/admin/api/orgs/south/policy".to_owned(), None),
        (
            "PATCH",
            "/admin/api/orgs/acme/policy".to_owned(),
            Some(serde_json::json!({"set": {"lockout_after_failures": 3}})),
        ),
        (
            "POST",
            format!(
                "/admin/api/members/{}/second-factor/reset",
                sam["id"].as_str().unwrap()
            ),
            None,
        ),
        (
            "POST",
            format!(
                "/admin/api/members/{}/temporary-password",
                sam["id"].as_str().unwrap()
            ),
            None,
        ),
    ] {
        let (status, body) = admin.call(method, &path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
    }
    // Nor may she hand herself an area she does not hold.
    let (status, _) = admin
        .call(
            "POST",
            "/admin/api/orgs/north/admins",
            Some(serde_json::json!({"email": "nora@example.com", "permissions": ["allowed_ips"]})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let denied_after =
        db.values("SELECT COUNT(*) AS v FROM audit_events WHERE detail LIKE '%denied%'")[0];
    assert_eq!(
        denied_after - denied_before,
        6,
        "every refusal is in the audit log"
    );
    let south = db.values("SELECT COUNT(*) AS v FROM org_policies p JOIN organizations o ON o.id = p.org_id WHERE o.slug = 'south'")[0];
    assert_eq!(south, 0, "nothing was written for the sibling");

    // Within her own organization she can reset a member's second factor.
    let (status, _) = admin
        .call(
            "POST",
            &format!(
                "/admin/api/members/{}/second-factor/reset",
                nora["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let reset = db.values("SELECT COUNT(*) AS v FROM audit_events WHERE activity = 'second_factor_reset' AND actor_kind = 'administrator'")[0];
    assert_eq!(reset, 1, "recorded with who did it");
}

#[tokio::test]
async fn a_service_client_administers_with_the_scopes_it_holds() {
    let idp = Idp::start().await;
    let svc = idp.client(
        "Provisioning",
        &[
            "--grant",
            "client_credentials",
            "--scope",
            "admin:login_settings",
            "--scope",
            "admin:members",
        ],
    );
    let http = reqwest::Client::new();
    let token: Value = http
        .post(idp.url("/token"))
        .basic_auth(&svc.id, svc.secret.as_deref())
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "admin:login_settings admin:members"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = token["access_token"].as_str().expect("a token").to_owned();
    let call = |method: &'static str, path: String, body: Value| {
        let http = http.clone();
        let bearer = bearer.clone();
        let url = idp.url(&path);
        async move {
            let r = http
                .request(method.parse().unwrap(), url)
                .bearer_auth(bearer)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, body) = call(
        "PATCH",
        "/admin/api/orgs/acme/policy".into(),
        serde_json::json!({"set": {"lockout_after_failures": 4}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = call(
        "PUT",
        "/admin/api/orgs/acme/allow-list".into(),
        serde_json::json!({"entries": [{"cidr": "203.0.113.0/24"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no admin:allowed_ips scope");
    let (status, body) = call(
        "PATCH",
        "/admin/api/orgs/acme/policy".into(),
        serde_json::json!({"set": {"two_factor_scope": "everybody"}}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "no admin:two_factor scope: {body}"
    );

    // A temporary password, shown once, signs in once and must be replaced.
    let (status, body) = call(
        "POST",
        format!("/admin/api/members/{}/temporary-password", idp.user_id),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let temp = body["temporary_password"].as_str().unwrap().to_owned();
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b.submit_sign_in(&page, EMAIL, &temp).await;
    assert_eq!(r.headers()[LOCATION], "/login/change-password");

    // A relying party's ordinary token is no administrator.
    let app = idp.client("Reports", &["--grant", "client_credentials"]);
    let plain: Value = http
        .post(idp.url("/token"))
        .basic_auth(&app.id, app.secret.as_deref())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = http
        .patch(idp.url("/admin/api/orgs/acme/policy"))
        .bearer_auth(plain["access_token"].as_str().unwrap())
        .json(&serde_json::json!({"set": {"lockout_after_failures": 5}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn saving_an_allow_list_that_excludes_yourself_needs_confirmation() {
    let idp = Idp::start().await;
    idp.cli(&[
        "org",
        "create",
        "--name",
        "Acme North",
        "--slug",
        "north",
        "--parent",
        "acme",
        "--json",
    ]);
    idp.cli(&[
        "user",
        "create",
        "--org",
        "north",
        "--email",
        "nora@example.com",
        "--password",
        "north pole expedition",
        "--json",
    ]);
    idp.cli_text(&[
        "user",
        "grant-admin",
        "--org",
        "north",
        "--email",
        "nora@example.com",
        "--permission",
        "allowed_ips",
        "--permission",
        "members",
    ]);
    let admin = Admin::sign_in(&idp, "nora@example.com", "north pole expedition").await;
    let list = serde_json::json!({"entries": [{"cidr": "203.0.113.0/24", "note": "office"}]});
    let (status, body) = admin
        .call(
            "PUT",
            "/admin/api/orgs/north/allow-list",
            Some(list.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["your_address"], "127.0.0.1");
    let bad = serde_json::json!({"entries": [{"cidr": "0.0.0.0/0"}], "confirm_own_address": true});
    let (status, _) = admin
        .call("PUT", "/admin/api/orgs/north/allow-list", Some(bad))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut confirmed = list;
    confirmed["confirm_own_address"] = Value::Bool(true);
    let (status, body) = admin
        .call("PUT", "/admin/api/orgs/north/allow-list", Some(confirmed))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // As she was warned: her next sign-in from here is refused.
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b
        .submit_sign_in(&page, "nora@example.com", "north pole expedition")
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
