//! The console's organization settings in a real headless Chromium, used by role and
//! accessible name: Authentication, Security, Login settings, Federation,
//! Administrators, the Audit log and the Signing keys, each page's main task and a
//! refusal that keeps what was typed. Every page is checked with axe-core (at desktop
//! width and at 375 px) and kept as a screenshot (`console-*.png`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/browser.rs"]
mod browser;
mod support;

use browser::Browser;
use support::flow::*;

const ROOT: &str = "root@example.com";
const ROOT_PASSWORD: &str = "a long passphrase for the console";
const KIM_PASSWORD: &str = "a sales passphrase 1";
const ENTRA_CLIENT: &str = "6731de76-14a6-49ae-97bc-6eba6914391e";
const TENANT: &str = "11111111-1111-4111-8111-111111111111";

/// Signs `email` in through the real sign-in page.
async fn sign_in(browser: &Browser, idp: &Idp, email: &str, password: &str) {
    browser.goto(&idp.url("/login")).await;
    browser.fill_field("Email", email).await;
    browser.fill_field("Password", password).await;
    browser.click_button("Sign in").await;
    assert_eq!(
        browser.current_url().await.path(),
        "/account",
        "after signing in as {email}: {}",
        browser.visible_text().await
    );
}

/// Checks the page with axe-core at desktop width and at 375 px, and keeps a screenshot.
async fn inspect(browser: &Browser, name: &str) {
    browser.axe_check(name).await;
    browser.screenshot(name).await;
    browser.set_width(375).await;
    browser.axe_check(&format!("{name} at 375 px")).await;
    browser.screenshot(&format!("{name}-375")).await;
    browser.set_width(1280).await;
}

/// Fails with the page's text unless it shows `text`.
async fn shows(browser: &Browser, text: &str) {
    assert!(
        browser.has_text(text).await,
        "expected {text:?} at {}:\n{}",
        browser.current_url().await,
        browser.visible_text().await
    );
}

/// The value of the field labelled `label` now.
async fn value(browser: &Browser, label: &str) -> String {
    browser
        .field(label)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Acme with a Sales sub-organization, a super administrator and three members of Sales.
fn organization(idp: &Idp) {
    idp.member("acme", ROOT, ROOT_PASSWORD, &["--super-admin"]);
    idp.cli(&[
        "org", "create", "--name", "Sales", "--slug", "sales", "--parent", "acme", "--json",
    ]);
    for email in ["kim@example.com", "lee@example.com", "park@example.com"] {
        idp.member("sales", email, KIM_PASSWORD, &[]);
    }
}

fn entra_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("IDP_FEDERATION__ENTRA__CLIENT_ID", ENTRA_CLIENT),
        ("IDP_FEDERATION__ENTRA__CLIENT_SECRET", "an entra secret"),
        (
            "IDP_FEDERATION__ENTRA__DISCOVERY_URL",
            "http://127.0.0.1:9/v2.0/.well-known/openid-configuration",
        ),
    ]
}

#[tokio::test]
async fn an_administrator_sets_the_organization_policy_from_the_console() {
    let test = "an_administrator_sets_the_organization_policy_from_the_console";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let idp = Idp::start_with(&entra_env()).await;
    organization(&idp);
    sign_in(&browser, &idp, ROOT, ROOT_PASSWORD).await;

    // Login settings of Sales: everything inherited, values typed in the units people use.
    browser.goto(&idp.url("/admin/orgs/sales")).await;
    browser.click_link("Login settings").await;
    assert_eq!(browser.heading().await, "Sales");
    shows(&browser, "Default").await;
    inspect(&browser, "console-login-settings").await;
    browser.fill_field("Password expiry", "2 weeks").await;
    browser
        .fill_field("Sign out after being idle for", "1 hour")
        .await;
    browser.click_button("Save login settings").await;
    shows(&browser, "Login settings saved.").await;
    assert_eq!(value(&browser, "Password expiry").await, "14");
    assert_eq!(value(&browser, "Sign out after being idle for").await, "60");
    shows(&browser, "14 days").await;
    shows(&browser, "Set here").await;

    // A bad value is refused with a sentence; nothing is saved and what was typed stays.
    browser.fill_field("Minimum password length", "4").await;
    browser.fill_field("Password expiry", "30").await;
    browser.click_button("Save login settings").await;
    shows(
        &browser,
        "Minimum password length must be between 8 and 128 characters.",
    )
    .await;
    assert_eq!(value(&browser, "Minimum password length").await, "4");
    assert_eq!(value(&browser, "Password expiry").await, "30");
    let policy = idp.cli(&["org", "policy", "--org", "sales", "--json"]);
    assert_eq!(policy["settings"]["password_expiry_days"], 14, "{policy}");

    // Revert to inherited: the organization's own value goes.
    browser
        .goto(&idp.url("/admin/orgs/sales/login-settings"))
        .await;
    browser
        .click_button("Revert Password expiry to inherited")
        .await;
    shows(&browser, "Setting reverted to the inherited value.").await;
    assert_eq!(value(&browser, "Password expiry").await, "0");
    // Set on Acme, the value shows in Sales as inherited from Acme.
    idp.set_policy("password_history=5");
    browser
        .goto(&idp.url("/admin/orgs/sales/login-settings"))
        .await;
    shows(&browser, "Inherited from Acme").await;

    // Two administrators: a save from a page opened before another change is refused
    // with who changed it and when, and does not undo it.
    browser.fill_field("Password expiry", "90").await;
    idp.cli(&[
        "org",
        "policy",
        "--org",
        "sales",
        "--set",
        "lockout_after_failures=3",
        "--json",
    ]);
    browser.click_button("Save login settings").await;
    shows(&browser, "Changed by the command line at").await;
    shows(&browser, "reload and try again").await;
    assert_eq!(value(&browser, "Password expiry").await, "90");
    let policy = idp.cli(&["org", "policy", "--org", "sales", "--json"]);
    assert_eq!(policy["settings"]["lockout_after_failures"], 3, "{policy}");
    assert!(policy["settings"].get("password_expiry_days").is_none());

    let reports = idp.web_app();
    // Security: the two-factor scope, then an allow-list that would lock the
    // administrator out, confirmed by adding the current address.
    browser.goto(&idp.url("/admin/orgs/acme/security")).await;
    inspect(&browser, "console-security").await;
    browser.check("Everybody").await;
    browser.click_button("Save two-factor scope").await;
    shows(&browser, "Two-factor scope saved.").await;
    browser.check("Allow-list on").await;
    browser
        .fill_field(
            "Addresses or CIDR ranges, one a line, each followed by a note (up to 100)",
            "203.0.113.0/24 Head office",
        )
        .await;
    browser.check("Apply to super administrator").await;
    browser.click_button("Save allowed access IPs").await;
    shows(&browser, "would lock you out").await;
    assert!(
        browser
            .has_text("I understand my own address is not on the list: save it anyway")
            .await
    );
    browser.click_button("+ Add current access IP").await;
    shows(&browser, "was added to the list below").await;
    let typed = value(
        &browser,
        "Addresses or CIDR ranges, one a line, each followed by a note (up to 100)",
    )
    .await;
    assert!(typed.contains("203.0.113.0/24 Head office"), "{typed}");
    assert!(typed.contains("127.0.0.1 current access IP"), "{typed}");
    browser.click_button("Save allowed access IPs").await;
    shows(&browser, "Allowed access IPs saved: 2 entries.").await;
    // The function-restriction scope: the chosen applications only, at least one.
    browser.check("Only the applications chosen below").await;
    browser.click_button("Save allowed access IPs").await;
    shows(
        &browser,
        "Choose at least one application, or restrict all applications.",
    )
    .await;
    browser.check("Reports").await;
    browser.click_button("Save allowed access IPs").await;
    shows(&browser, "Allowed access IPs saved: 2 entries.").await;
    let policy = idp.cli(&["org", "policy", "--org", "acme", "--json"]);
    assert_eq!(
        policy["settings"]["ip_allow_list_clients"],
        serde_json::json!([reports.id]),
        "{policy}"
    );
    assert_eq!(
        policy["settings"]["ip_allow_list_super_admin"], true,
        "{policy}"
    );
    // A wrong line is named, and nothing is saved.
    browser.check("Exemptions on").await;
    browser
        .fill_field(
            "Exempt addresses or CIDR ranges, one a line, each followed by a note (up to 100)",
            "198.51.100.7 lab\nnot-an-address",
        )
        .await;
    browser.click_button("Save second-factor exempt IPs").await;
    shows(&browser, "Line 2:").await;
    // Turning two-factor off deletes second factors: it needs the typed confirmation
    // only when someone has one, so with nobody enrolled it goes through.
    browser.goto(&idp.url("/admin/orgs/acme/security")).await;
    browser.check("Do not use").await;
    browser.click_button("Save two-factor scope").await;
    shows(&browser, "Two-factor scope saved.").await;

    // Federation: a bad domain is refused and kept; the Entra consent link is offered.
    browser.goto(&idp.url("/admin/orgs/acme/federation")).await;
    inspect(&browser, "console-federation").await;
    browser.select_option("Sign in with Google", "On").await;
    browser
        .fill_field(
            "Allowed Google Workspace domains, one a line",
            "Example Corp",
        )
        .await;
    browser.click_button("Save federation settings").await;
    shows(&browser, "Allowed Google domains: \"Example Corp\" is not").await;
    assert_eq!(
        value(&browser, "Allowed Google Workspace domains, one a line").await,
        "Example Corp"
    );
    browser
        .fill_field(
            "Allowed Google Workspace domains, one a line",
            "example.com",
        )
        .await;
    browser
        .fill_field("Allowed Entra tenant ids, one a line", TENANT)
        .await;
    browser.select_option("Sign in with Microsoft", "On").await;
    browser.click_button("Save federation settings").await;
    shows(&browser, "Federation settings saved.").await;
    let link = browser
        .find(&format!("a[href*='{TENANT}/v2.0/adminconsent']"))
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let link = url::Url::parse(&link).unwrap();
    let q = query(&link);
    assert_eq!(q["client_id"], ENTRA_CLIENT);
    assert_eq!(q["scope"], "https://graph.microsoft.com/.default");
    assert_eq!(
        q["redirect_uri"],
        idp.url("/login/federated/entra/callback")
    );
    assert!(
        browser
            .has_link("Admin consent link: Any organization's tenant (the administrator's own)")
            .await
    );
    // Where Microsoft sends the tenant's administrator back.
    browser
        .goto(&format!(
            "{}?admin_consent=True&tenant={TENANT}",
            q["redirect_uri"]
        ))
        .await;
    assert_eq!(browser.heading().await, "Consent granted");
    shows(&browser, TENANT).await;

    // Authentication: a sub-organization shows where the switch is; the main one turns it
    // off with an impact preview and a typed confirmation.
    browser
        .goto(&idp.url("/admin/orgs/sales/authentication"))
        .await;
    shows(&browser, "Email and password authentication is on").await;
    assert!(browser.has_link("Members with email login on").await);
    assert!(
        !browser
            .has_button("Disable email and password authentication")
            .await
    );
    browser
        .goto(&idp.url("/admin/orgs/acme/authentication"))
        .await;
    inspect(&browser, "console-authentication").await;
    shows(&browser, "members lose their stored password").await;
    shows(
        &browser,
        "0 members have a link to set a password not used yet",
    )
    .await;
    let page = browser.visible_text().await;
    let affected = page
        .split("To confirm, type ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .to_owned();
    assert!(affected.parse::<u64>().unwrap() >= 4, "{page}");
    // Microsoft stays allowed, but this administrator has no linked account to use it:
    // refused before any confirmation is asked for, typed or not.
    for typed in ["", "Acme"] {
        browser
            .fill_field(
                &format!("To confirm, type {affected} or the organization's name (Acme)"),
                typed,
            )
            .await;
        browser
            .click_button("Disable email and password authentication")
            .await;
        shows(
            &browser,
            "Email and password sign-in stays on: you have no linked Google or Microsoft account",
        )
        .await;
    }
    let still = idp.cli(&["org", "policy", "--org", "acme", "--json"]);
    assert_eq!(still["effective"]["email_password_login"], true, "{still}");
    // The operator on the server is nobody's sign-in: the command line may.
    idp.cli_text(&[
        "org",
        "email-password",
        "--org",
        "acme",
        "--disable",
        "--confirm",
        &affected,
    ]);
    browser
        .goto(&idp.url("/admin/orgs/sales/authentication"))
        .await;
    shows(&browser, "Inherited from Acme").await;
    browser.click_link("Change it there").await;
    browser
        .click_button("Enable email and password authentication")
        .await;
    shows(&browser, "Email and password authentication is on.").await;
}

/// The session cookies of the browser, as a `Cookie` header for a plain HTTP client.
async fn cookie_header(browser: &Browser) -> String {
    browser
        .client()
        .get_all_cookies()
        .await
        .unwrap()
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// On PostgreSQL (the other test runs on SQLite), so both backends serve these pages.
#[tokio::test]
async fn administrators_audit_log_and_signing_keys_on_postgres() {
    let test = "administrators_audit_log_and_signing_keys_on_postgres";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let Some((idp, _db)) = Idp::on_postgres(test, &[]).await else {
        return;
    };
    organization(&idp);
    sign_in(&browser, &idp, ROOT, ROOT_PASSWORD).await;

    // Administrators: grant, refuse an unknown address (keeping it), revoke.
    browser
        .goto(&idp.url("/admin/orgs/sales/administrators"))
        .await;
    shows(&browser, "Nobody administers this organization yet.").await;
    browser
        .fill_field("Member's email", "nobody@example.com")
        .await;
    browser.check("Members").await;
    browser.click_button("Grant").await;
    shows(&browser, "No member with address nobody@example.com").await;
    assert_eq!(
        value(&browser, "Member's email").await,
        "nobody@example.com"
    );
    browser
        .fill_field("Member's email", "kim@example.com")
        .await;
    browser.check("Members").await;
    browser.check("Allowed IPs").await;
    browser.check("Audit log").await;
    browser.click_button("Grant").await;
    shows(
        &browser,
        "Granted to kim@example.com: Allowed IPs, Members, Audit log.",
    )
    .await;
    browser.check("Audit log from kim@example.com").await;
    browser
        .click_button("Revoke the chosen areas from kim@example.com")
        .await;
    shows(&browser, "Revoked from kim@example.com: Audit log.").await;
    // An administrator over Acme shows in Sales as inherited.
    idp.cli_text(&[
        "user",
        "grant-admin",
        "--org",
        "acme",
        "--email",
        ROOT,
        "--permission",
        "audit_log",
    ]);
    browser
        .goto(&idp.url("/admin/orgs/sales/administrators"))
        .await;
    shows(&browser, "Inherited from Acme").await;
    inspect(&browser, "console-administrators").await;

    // The audit log: filtered by activity and by member address, in the URL.
    browser.goto(&idp.url("/admin/orgs/acme/audit")).await;
    shows(&browser, "Events are kept for 365 days").await;
    inspect(&browser, "console-audit").await;
    browser
        .select_option("Activity type", "Permission change")
        .await;
    browser
        .fill_field("Member (id or email)", "kim@example.com")
        .await;
    browser.click_button("Apply filters").await;
    let url = browser.current_url().await;
    assert!(
        url.query().unwrap().contains("activity=permission_change"),
        "{url}"
    );
    shows(&browser, "kim@example.com").await;
    shows(&browser, ROOT).await;
    // A small result downloads at once, with the browser's session.
    let csv_href = browser
        .find("a[href*='/audit/export.csv']")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let csv = reqwest::Client::new()
        .get(idp.url(&csv_href))
        .header("cookie", cookie_header(&browser).await)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let body = csv.text().await.unwrap();
    assert!(body.contains("permission_change"), "{body}");
    assert!(
        !body.contains("audit_access"),
        "only the filtered events: {body}"
    );
    // The background download emails a link.
    browser.select_option("File format", "Excel").await;
    browser.click_button("Download filtered results").await;
    shows(&browser, "emailed to root@example.com").await;
    // Reading and downloading are recorded.
    let reads = idp.audit_events("audit_access");
    assert!(
        reads.iter().any(|e| e["event"] == "view")
            && reads.iter().any(|e| e["event"] == "download"),
        "{reads:?}"
    );
    // Narrowed to Sales: Acme's own events (Root's grant over Acme) are not listed.
    browser
        .goto(&idp.url("/admin/orgs/acme/audit?activity=permission_change"))
        .await;
    shows(&browser, "\"audit_log\"").await;
    browser.select_option("Organization", "Sales").await;
    browser.click_button("Apply filters").await;
    assert!(
        browser
            .current_url()
            .await
            .query()
            .unwrap()
            .contains("within=sales")
    );
    shows(&browser, "kim@example.com").await;
    assert!(
        !browser.has_text("\"after\":[\"audit_log\"]").await,
        "{}",
        browser.visible_text().await
    );
    // A bad filter is a sentence.
    browser
        .goto(&idp.url("/admin/orgs/acme/audit?until=someday"))
        .await;
    shows(&browser, "Until must be an RFC 3339 time or a date.").await;

    // Signing keys: rotate one algorithm.
    browser.goto(&idp.url("/admin/keys")).await;
    shows(&browser, "Current (signs now)").await;
    inspect(&browser, "console-keys").await;
    browser.select_option("Algorithm", "ES256").await;
    browser.click_button("Rotate").await;
    shows(&browser, "Rotated: ES256 now signs with").await;
    shows(&browser, "Retired (verifies what it signed)").await;
    assert!(
        idp.audit_events("security_settings_change")
            .iter()
            .any(|e| e.to_string().contains("signing_keys_rotated")),
        "the rotation is recorded"
    );

    // An organization administrator sees only the parts of their areas, and grants only
    // what they hold; keys are not theirs.
    idp.cli_text(&[
        "user",
        "grant-admin",
        "--org",
        "sales",
        "--email",
        "kim@example.com",
        "--permission",
        "login_settings",
    ]);
    idp.set_policy("email_password_login=true");
    let kim = Browser::start(test).await.unwrap();
    sign_in(&kim, &idp, "kim@example.com", KIM_PASSWORD).await;
    kim.goto(&idp.url("/admin/orgs/sales/security")).await;
    shows(&kim, "Allowed access IPs").await;
    assert!(!kim.has_text("Two-factor authentication").await);
    assert!(!kim.has_text("Second-factor exempt IPs").await);
    kim.goto(&idp.url("/admin/orgs/sales/administrators")).await;
    let grantable: Vec<String> = {
        let mut out = Vec::new();
        for label in ["Members", "Allowed IPs", "Audit log", "Login settings"] {
            if kim
                .client()
                .find_all(fantoccini::Locator::XPath(&format!(
                    "//fieldset//label[normalize-space(.)='{label}']"
                )))
                .await
                .unwrap()
                .len()
                == 1
            {
                out.push(label.to_owned());
            }
        }
        out
    };
    assert_eq!(grantable, vec!["Members", "Allowed IPs", "Login settings"]);
    // Acme's administrator is listed, but their member page is not Kim's to open.
    shows(&kim, ROOT).await;
    assert!(!kim.has_link(ROOT).await);
    assert!(kim.has_link("kim@example.com").await);
    // Where the switch is set, without a link to a page that is not theirs.
    kim.goto(&idp.url("/admin/orgs/sales/authentication")).await;
    shows(&kim, "Inherited from Acme").await;
    assert!(!kim.has_link("Change it there").await);
    kim.goto(&idp.url("/admin/keys")).await;
    assert_eq!(kim.heading().await, "Not allowed");
    kim.goto(&idp.url("/admin/orgs/sales/audit")).await;
    assert_eq!(kim.heading().await, "Not allowed");
}

#[tokio::test]
async fn passkey_settings_on_the_login_settings_tab() {
    let test = "passkey_settings_on_the_login_settings_tab";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let idp = Idp::start_with(&entra_env()).await;
    organization(&idp);
    sign_in(&browser, &idp, ROOT, ROOT_PASSWORD).await;
    const MODELS: &str = "Authenticator models (AAGUIDs) passkeys may come from";
    const MODEL: &str = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
    browser
        .goto(&idp.url("/admin/orgs/sales/login-settings"))
        .await;
    inspect(&browser, "console-login-settings-passkeys").await;
    shows(&browser, "any model").await;

    // Something that is no model's AAGUID: refused with a sentence, nothing saved, what
    // was typed stays.
    browser
        .select_option("Administrators must use a passkey", "Required")
        .await;
    browser.fill_field(MODELS, "yubikey").await;
    browser.click_button("Save login settings").await;
    shows(&browser, "is not an authenticator model's AAGUID (a UUID).").await;
    shows(&browser, "Authenticator models:").await;
    assert_eq!(value(&browser, MODELS).await, "yubikey");
    let policy = idp.cli(&["org", "policy", "--org", "sales", "--json"]);
    assert!(
        policy["settings"].get("admins_require_passkey").is_none(),
        "{policy}"
    );

    // Good values: saved, in force, and in the audit log.
    browser.fill_field(MODELS, MODEL).await;
    browser
        .select_option(
            "A passkey whose counter went backwards",
            "Allowed (recorded)",
        )
        .await;
    browser.click_button("Save login settings").await;
    shows(&browser, "Login settings saved.").await;
    let policy = idp.cli(&["org", "policy", "--org", "sales", "--json"]);
    assert_eq!(
        policy["settings"]["admins_require_passkey"], true,
        "{policy}"
    );
    assert_eq!(
        policy["settings"]["passkey_counter_regression"], "allow",
        "{policy}"
    );
    assert_eq!(
        policy["settings"]["passkey_aaguids"],
        serde_json::json!([MODEL]),
        "{policy}"
    );
    assert_eq!(policy["effective"]["admins_require_passkey"], true);
    let events = idp.cli(&[
        "audit", "search", "--org", "sales", "--limit", "100", "--json",
    ]);
    let text = events.to_string();
    for key in [
        "admins_require_passkey",
        "passkey_counter_regression",
        "passkey_aaguids",
    ] {
        assert!(text.contains(key), "{key} not audited: {text}");
    }

    // Passkeys cannot be required of administrators where passkeys are not allowed.
    let out = support::run(
        &idp.server.dir,
        &idp.env(),
        &[
            "org",
            "policy",
            "--org",
            "sales",
            "--set",
            r#"allowed_second_factors=["totp"]"#,
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", support::stdout(&out));

    // Reverted, the models are inherited again: any.
    browser
        .click_button("Revert authenticator models to inherited")
        .await;
    shows(&browser, "Setting reverted to the inherited value.").await;
    shows(&browser, "any model").await;
    let policy = idp.cli(&["org", "policy", "--org", "sales", "--json"]);
    assert!(
        policy["settings"].get("passkey_aaguids").is_none(),
        "{policy}"
    );
}
