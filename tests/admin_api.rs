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

/// An administrator's browser: signed in, calling the API with the CSRF header. Every
/// JSON answer is checked against the schema the OpenAPI document gives it.
struct Admin {
    browser: Browser,
    doc: Value,
}

impl Admin {
    async fn sign_in(idp: &Idp, email: &str, password: &str) -> Admin {
        let browser = idp.browser();
        let page = browser.go("/login").await.sign_in_page();
        let r = browser.submit_sign_in(&page, email, password).await;
        assert_eq!(r.headers()[LOCATION], "/account", "{email} signs in");
        let doc = browser
            .get("/admin/api/openapi.json")
            .await
            .json()
            .await
            .unwrap();
        Admin { browser, doc }
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
        let json = r.headers().get("content-type").is_some_and(|t| {
            t.to_str()
                .unwrap_or_default()
                .starts_with("application/json")
        });
        let body = r.json().await.unwrap_or(Value::Null);
        if json {
            let schema = documented_answer(&self.doc, method, path, status);
            let mut wrong = vec![];
            conforms(&self.doc, &schema, &body, "", &mut wrong);
            assert!(
                wrong.is_empty(),
                "{method} {path} answered {status} off its documented schema: {wrong:#?}\n{body}"
            );
        }
        (status, body)
    }
}

/// The schema the document gives the answer with `status` to `method path`.
fn documented_answer(doc: &Value, method: &str, path: &str, status: StatusCode) -> Value {
    let path = path.split('?').next().unwrap();
    let segments: Vec<&str> = path.split('/').collect();
    let (_, op) = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(template, methods)| {
            let t: Vec<&str> = template.split('/').collect();
            methods.get(method.to_lowercase()).is_some()
                && t.len() == segments.len()
                && t.iter()
                    .zip(&segments)
                    .all(|(t, s)| t.starts_with('{') || t == s)
        })
        .max_by_key(|(template, _)| template.split('/').filter(|t| !t.starts_with('{')).count())
        .unwrap_or_else(|| panic!("{method} {path} is not documented"));
    let responses = &op[method.to_lowercase()]["responses"];
    let answer = &responses[status.as_str()];
    assert!(
        answer.is_object(),
        "{method} {path}: {status} is not documented"
    );
    answer["content"]["application/json"]["schema"].clone()
}

/// Whether `v` is what `schema` says (the parts of JSON Schema the document uses);
/// what is wrong goes to `wrong`.
fn conforms(doc: &Value, schema: &Value, v: &Value, at: &str, wrong: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return conforms(doc, &doc["components"]["schemas"][name], v, at, wrong);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let fits = options.iter().any(|o| {
            let mut w = vec![];
            conforms(doc, o, v, at, &mut w);
            w.is_empty()
        });
        if !fits {
            wrong.push(format!("{at}: {v} is none of {schema}"));
        }
        return;
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(v)
    {
        wrong.push(format!("{at}: {v} is not one of {values:?}"));
    }
    let fits = match schema["type"].as_str() {
        None => true,
        Some("string") => v.is_string(),
        Some("integer") => v.is_i64() || v.is_u64(),
        Some("boolean") => v.is_boolean(),
        Some("null") => v.is_null(),
        Some("array") => {
            if let Some(items) = v.as_array() {
                for (i, item) in items.iter().enumerate() {
                    conforms(doc, &schema["items"], item, &format!("{at}/{i}"), wrong);
                }
            }
            v.is_array()
        }
        Some("object") => {
            if let Some(map) = v.as_object() {
                for key in schema["required"].as_array().into_iter().flatten() {
                    if !map.contains_key(key.as_str().unwrap()) {
                        wrong.push(format!("{at}: {key} is missing"));
                    }
                }
                for (k, child) in map {
                    match schema["properties"].get(k) {
                        Some(s) => conforms(doc, s, child, &format!("{at}/{k}"), wrong),
                        None if schema["additionalProperties"] == Value::Bool(false) => {
                            wrong.push(format!("{at}: {k} is not documented"));
                        }
                        None => {}
                    }
                }
            }
            v.is_object()
        }
        Some(other) => panic!("the checker does not know type {other}"),
    };
    if !fits {
        wrong.push(format!("{at}: {v} is not {}", schema["type"]));
    }
}

#[test]
fn the_schema_checker_catches_what_is_off() {
    let doc = serde_json::json!({"components": {"schemas": {"M": {
        "type": "object", "required": ["id"], "additionalProperties": false,
        "properties": {"id": {"type": "string"},
                       "s": {"oneOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}]},
                       "n": {"type": "array", "items": {"type": "integer"}}}}}}});
    let schema = serde_json::json!({"$ref": "#/components/schemas/M"});
    for (v, faults) in [
        (serde_json::json!({"id": "x", "s": null, "n": [1]}), 0),
        (serde_json::json!({"id": 1}), 1),
        (serde_json::json!({}), 1),
        (serde_json::json!({"id": "x", "extra": 1}), 1),
        (serde_json::json!({"id": "x", "s": "b"}), 1),
        (serde_json::json!({"id": "x", "n": ["1"]}), 1),
    ] {
        let mut wrong = vec![];
        conforms(&doc, &schema, &v, "", &mut wrong);
        assert_eq!(wrong.len(), faults, "{v}: {wrong:?}");
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

    // It sees its organization's tree and manages its members.
    let (status, body) = call("GET", "/admin/api/orgs".into(), Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["organizations"][0]["slug"], "acme");
    let (status, body) = call(
        "POST",
        "/admin/api/orgs/acme/members".into(),
        serde_json::json!({"email": "provisioned@example.com", "name": "Pat"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = call("GET", "/admin/api/clients".into(), Value::Null).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no admin:clients scope");

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

/// A super administrator of `acme`, signed in.
async fn root(idp: &Idp) -> Admin {
    idp.member(
        "acme",
        "chief@example.com",
        "keeper of every tree",
        &["--super-admin"],
    );
    Admin::sign_in(idp, "chief@example.com", "keeper of every tree").await
}

fn slugs(body: &Value) -> Vec<(String, u64)> {
    body["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["slug"].as_str().unwrap().to_owned(),
                o["depth"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn organizations_are_created_renamed_moved_and_deleted_through_the_api() {
    let idp = Idp::start().await;
    let admin = root(&idp).await;
    for (parent, name, slug) in [
        ("acme", "Sales", "sales"),
        ("sales", "EMEA", "emea"),
        ("acme", "Support", "support"),
    ] {
        let (status, body) = admin
            .call(
                "POST",
                "/admin/api/orgs",
                Some(serde_json::json!({"parent": parent, "name": name, "slug": slug})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["slug"], slug);
    }
    // Bad input changes nothing.
    for bad in [
        serde_json::json!({"parent": "acme", "name": "Twice", "slug": "sales"}),
        serde_json::json!({"parent": "acme", "name": "  "}),
        serde_json::json!({"parent": "nowhere", "name": "Lost"}),
        serde_json::json!({"parent": "acme", "name": "Typo", "slgu": "typo"}),
    ] {
        let (status, body) = admin.call("POST", "/admin/api/orgs", Some(bad)).await;
        assert!(status.is_client_error(), "{status} {body}");
        assert!(body["error"].is_string(), "{body}");
    }

    let (status, body) = admin.call("GET", "/admin/api/orgs", None).await;
    assert_eq!(status, StatusCode::OK);
    let mut tree = slugs(&body);
    tree.sort();
    assert_eq!(
        tree,
        [
            ("acme".into(), 0),
            ("emea".into(), 2),
            ("sales".into(), 1),
            ("support".into(), 1)
        ]
    );
    let acme = &body["organizations"][0];
    assert_eq!(acme["slug"], "acme", "path order starts at the root");
    assert_eq!(acme["members"], 2);
    assert_eq!(acme["sub_orgs"], 2);
    let (_, body) = admin.call("GET", "/admin/api/orgs?q=EMEA", None).await;
    let mut found = slugs(&body);
    found.sort();
    assert_eq!(
        found,
        [("acme".into(), 0), ("emea".into(), 2), ("sales".into(), 1)]
    );

    // Sales moves under Support with EMEA, and is renamed, in one call.
    let (status, body) = admin
        .call(
            "PATCH",
            "/admin/api/orgs/sales",
            Some(serde_json::json!({"parent": "support", "name": "Sales & Marketing"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "Sales & Marketing");
    let (_, body) = admin.call("GET", "/admin/api/orgs", None).await;
    let nodes = body["organizations"].as_array().unwrap();
    let node = |slug: &str| nodes.iter().find(|o| o["slug"] == slug).unwrap().clone();
    assert_eq!(node("emea")["depth"], 3);
    assert!(
        node("emea")["path"]
            .as_str()
            .unwrap()
            .starts_with(node("support")["path"].as_str().unwrap())
    );
    assert_eq!(
        idp.audit_events("organization_change").len(),
        6,
        "3 made, 1 moved, 1 renamed, 1 root"
    );

    for (org, parent, why) in [
        ("acme", "support", "main organization"),
        ("sales", "emea", "own sub-organizations"),
        ("sales", "sales", "itself"),
    ] {
        let (status, body) = admin
            .call(
                "PATCH",
                &format!("/admin/api/orgs/{org}"),
                Some(serde_json::json!({"parent": parent})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{why}: {body}");
    }
    let (status, body) = admin
        .call(
            "PATCH",
            "/admin/api/orgs/sales",
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, body) = admin.call("DELETE", "/admin/api/orgs/sales", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("sub-organizations"),
        "{body}"
    );
    let (status, body) = admin.call("DELETE", "/admin/api/orgs/acme", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = admin.call("DELETE", "/admin/api/orgs/emea", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = admin.call("GET", "/admin/api/orgs/emea/policy", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let deleted: Vec<Value> = idp
        .audit_events("organization_change")
        .into_iter()
        .filter(|e| e["event"] == "delete")
        .collect();
    assert_eq!(deleted.len(), 1, "recorded on the parent's chain");
}

#[tokio::test]
async fn an_organization_administrator_manages_members_of_their_subtree_only() {
    let idp = Idp::start().await;
    for (slug, name, parent) in [
        ("north", "Acme North", "acme"),
        ("south", "Acme South", "acme"),
        ("north-east", "Acme North East", "north"),
    ] {
        idp.cli(&[
            "org", "create", "--name", name, "--slug", slug, "--parent", parent, "--json",
        ]);
    }
    let nora = idp.member("north", "nora@example.com", "north pole expedition", &[]);
    idp.cli_text(&[
        "user",
        "grant-admin",
        "--org",
        "north",
        "--email",
        "nora@example.com",
        "--permission",
        "members",
    ]);
    let admin = Admin::sign_in(&idp, "nora@example.com", "north pole expedition").await;

    let (status, body) = admin.call("GET", "/admin/api/orgs", None).await;
    assert_eq!(status, StatusCode::OK);
    let mut seen = slugs(&body);
    seen.sort();
    assert_eq!(seen, [("north".into(), 0), ("north-east".into(), 1)]);
    let (status, _) = admin
        .call(
            "POST",
            "/admin/api/orgs",
            Some(serde_json::json!({"parent": "south", "name": "Not mine"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, body) = admin
        .call(
            "POST",
            "/admin/api/orgs/north/members",
            Some(serde_json::json!({"email": "Neil@Example.com", "name": "Neil"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["welcome_email_sent"], false);
    let neil = body["member"].clone();
    assert_eq!(neil["email"], "neil@example.com");
    let (status, _) = admin
        .call(
            "POST",
            "/admin/api/orgs/north/members",
            Some(serde_json::json!({"email": "neil@example.com"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "the same address twice");
    let (status, _) = admin
        .call(
            "POST",
            "/admin/api/orgs/south/members",
            Some(serde_json::json!({"email": "sid@example.com"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A change made from a stale read is refused and says who changed it when.
    let neil_path = format!("/admin/api/members/{}", neil["id"].as_str().unwrap());
    let (status, renamed) = admin
        .call(
            "PATCH",
            &neil_path,
            Some(serde_json::json!({"name": "Neil A.", "expected_updated_at": neil["updated_at"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "Neil A.");
    let (status, body) = admin
        .call(
            "PATCH",
            &neil_path,
            Some(serde_json::json!({"name": "Neil B.", "expected_updated_at": neil["updated_at"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["updated_by"], "nora@example.com");
    assert_eq!(body["updated_at"], renamed["updated_at"]);
    assert!(body["error"].as_str().unwrap().contains("reload"), "{body}");
    let (_, now) = admin.call("GET", &neil_path, None).await;
    assert_eq!(now["name"], "Neil A.", "nothing changed");

    // Moves stay within what she administers.
    let (status, _) = admin
        .call(
            "PATCH",
            &neil_path,
            Some(serde_json::json!({"org": "south"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, moved) = admin
        .call(
            "PATCH",
            &neil_path,
            Some(serde_json::json!({"org": "north-east", "expected_updated_at": renamed["updated_at"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_ne!(moved["org_id"], neil["org_id"]);

    let (status, body) = admin
        .call(
            "DELETE",
            &format!("/admin/api/members/{}", nora["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = admin
        .call(
            "DELETE",
            &format!("/admin/api/members/{}", idp.user_id),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "Ada is outside her subtree");
    let (status, _) = admin.call("DELETE", &neil_path, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = admin.call("GET", &neil_path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let deletions: Vec<Value> = idp
        .audit_events("member_change")
        .into_iter()
        .filter(|e| e["event"] == "delete")
        .collect();
    assert_eq!(deletions.len(), 1, "{deletions:?}");
    assert_eq!(deletions[0]["target_user_id"], neil["id"]);
    assert_eq!(
        deletions[0]["detail"]["before"]["email"],
        "neil@example.com"
    );
}

#[tokio::test]
async fn a_deleted_member_is_signed_out_her_tokens_end_and_nobody_deletes_themselves() {
    let idp = Idp::start().await;
    let ada = idp.browser();
    ada.sign_in_directly().await;
    let r = ada.get("/account").await;
    assert_eq!(r.status(), StatusCode::OK);
    let rp = idp.rp(&idp.first_party_app()).await;
    let tokens = rp.tokens(&ada, &rp.request(&[], &[])).await;
    assert!(rp.active(tokens.access_token()).await);
    let admin = root(&idp).await;
    let (status, body) = admin
        .call(
            "DELETE",
            &format!("/admin/api/members/{}", idp.user_id),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r = ada.get("/account").await;
    assert_ne!(r.status(), StatusCode::OK, "her session ended");
    assert!(
        !rp.active(tokens.access_token()).await,
        "her access token is refused though its grant's row is gone"
    );
    let refresh = tokens.refresh_token().expect("a refresh token");
    assert!(rp.refresh(refresh).await.is_err(), "and her refresh token");
    let deleted = idp.audit_events("member_change");
    assert!(
        deleted
            .iter()
            .any(|e| e["event"] == "delete" && e["target_user_id"] == idp.user_id.as_str()),
        "{deleted:?}"
    );
    let me = admin
        .call("GET", "/admin/api/orgs/acme/members", None)
        .await
        .1["members"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = admin
        .call("DELETE", &format!("/admin/api/members/{me}"), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not yourself: {body}");
}

/// A client credentials token for `id`, or the error status.
async fn client_token(idp: &Idp, id: &str, secret: &str) -> Result<Value, StatusCode> {
    let r = reqwest::Client::new()
        .post(idp.url("/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    if r.status() == StatusCode::OK {
        Ok(r.json().await.unwrap())
    } else {
        Err(r.status())
    }
}

#[tokio::test]
async fn applications_are_registered_edited_rotated_and_deleted_and_each_change_takes_effect_at_once()
 {
    let idp = Idp::start().await;
    let admin = root(&idp).await;
    let (status, body) = admin
        .call(
            "POST",
            "/admin/api/clients",
            Some(serde_json::json!({"org": "acme", "name": "Billing",
                                    "grant_types": ["client_credentials"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["client"]["id"].as_str().unwrap().to_owned();
    let first = body["client_secret"].as_str().unwrap().to_owned();
    assert_eq!(body["client"]["has_secret"], true);
    assert!(client_token(&idp, &id, &first).await.is_ok());

    let (status, body) = admin
        .call("POST", &format!("/admin/api/clients/{id}/secret"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = body["client_secret"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(
        client_token(&idp, &id, &first).await.unwrap_err(),
        StatusCode::UNAUTHORIZED,
        "the old secret stops working at once"
    );
    assert!(client_token(&idp, &id, &second).await.is_ok());

    let (status, body) = admin
        .call(
            "PATCH",
            &format!("/admin/api/clients/{id}"),
            Some(serde_json::json!({"name": "Billing v2", "access_token_ttl_secs": 120})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "Billing v2");
    let token = client_token(&idp, &id, &second).await.unwrap();
    assert_eq!(token["expires_in"], 120, "the new lifetime applies at once");
    // A change the rules refuse saves nothing.
    let (status, body) = admin
        .call(
            "PATCH",
            &format!("/admin/api/clients/{id}"),
            Some(
                serde_json::json!({"name": "Broken", "grant_types": ["authorization_code"],
                                    "redirect_uris": ["http://billing.example/cb"]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = admin
        .call(
            "PATCH",
            &format!("/admin/api/clients/{id}"),
            Some(serde_json::json!({"access_token_ttl_secs": null})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "Billing v2");
    assert_eq!(body["access_token_ttl_secs"], Value::Null);

    let (status, body) = admin.call("GET", "/admin/api/clients?org=acme", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body["clients"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id.as_str())
    );
    let changes = idp.audit_events("client_change");
    assert_eq!(changes.len(), 4, "made, rotated, edited twice: {changes:?}");
    assert!(
        !format!("{changes:?}").contains(&second),
        "never the secret"
    );

    let (status, _) = admin
        .call("DELETE", &format!("/admin/api/clients/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        client_token(&idp, &id, &second).await.unwrap_err(),
        StatusCode::UNAUTHORIZED,
        "gone at once"
    );
    let (status, _) = admin
        .call("DELETE", &format!("/admin/api/clients/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Without the clients area, no applications.
    idp.member("acme", "mia@example.com", "members only, please", &[]);
    idp.cli_text(&[
        "user",
        "grant-admin",
        "--org",
        "acme",
        "--email",
        "mia@example.com",
        "--permission",
        "members",
    ]);
    let mia = Admin::sign_in(&idp, "mia@example.com", "members only, please").await;
    let (status, _) = mia.call("GET", "/admin/api/clients", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // With the clients area over a sub-organization, only its applications.
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
    let (status, body) = admin
        .call(
            "POST",
            "/admin/api/clients",
            Some(
                serde_json::json!({"org": "north", "name": "North App", "public": true,
                                    "redirect_uris": ["https://north.example/cb"]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["client_secret"],
        Value::Null,
        "a public client has none"
    );
    let north_app = body["client"]["id"].as_str().unwrap().to_owned();
    idp.member("north", "nils@example.com", "northern applications", &[]);
    idp.cli_text(&[
        "user",
        "grant-admin",
        "--org",
        "north",
        "--email",
        "nils@example.com",
        "--permission",
        "clients",
    ]);
    let nils = Admin::sign_in(&idp, "nils@example.com", "northern applications").await;
    let (status, body) = nils.call("GET", "/admin/api/clients", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids: Vec<&str> = body["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [north_app.as_str()]);
    let (status, _) = nils.call("GET", "/admin/api/clients?org=acme", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = nils
        .call(
            "POST",
            &format!("/admin/api/clients/{north_app}/secret"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = mia
        .call(
            "POST",
            "/admin/api/clients",
            Some(serde_json::json!({"org": "acme", "name": "Sneaky", "grant_types": ["client_credentials"]})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn members_are_found_with_the_members_page_filters() {
    let idp = Idp::start().await;
    let admin = root(&idp).await;
    let (status, _) = admin
        .call(
            "POST",
            "/admin/api/orgs",
            Some(serde_json::json!({"parent": "acme", "name": "Sales", "slug": "sales"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    for (org, email, name) in [
        ("acme", "grace@example.com", "Grace Hopper"),
        ("sales", "sam@example.com", "Sam Seller"),
        ("sales", "sue@example.com", "Sue Seller"),
    ] {
        let (status, body) = admin
            .call(
                "POST",
                &format!("/admin/api/orgs/{org}/members"),
                Some(serde_json::json!({"email": email, "name": name})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let emails = |body: &Value| -> Vec<String> {
        body["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["email"].as_str().unwrap().to_owned())
            .collect()
    };
    let search = "/admin/api/orgs/acme/members/search";
    let (status, body) = admin
        .call("GET", &format!("{search}?subtree=true&q=seller"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(emails(&body), ["sam@example.com", "sue@example.com"]);
    assert_eq!(body["total"], 2);
    assert_eq!(body["members"][0]["org_path"], "/Acme/Sales");
    assert_eq!(body["members"][0]["second_factor"], "none");
    let (_, body) = admin.call("GET", &format!("{search}?q=seller"), None).await;
    assert!(
        emails(&body).is_empty(),
        "sub-organizations only on request"
    );
    let (_, body) = admin
        .call(
            "GET",
            &format!("{search}?signed_in=never&per_page=25"),
            None,
        )
        .await;
    assert_eq!(
        emails(&body),
        ["ada@example.com", "grace@example.com"],
        "{body}"
    );
    for bad in ["per_page=7", "status=asleep", "signed_in_from=yesterday"] {
        let (status, body) = admin.call("GET", &format!("{search}?{bad}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let views = idp.audit_events("personal_info_access");
    assert!(views.len() >= 3, "each search is recorded: {views:?}");
}
