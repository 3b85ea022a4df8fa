//! The administrator console in a real headless Chromium, used by role and accessible
//! name as a person would: members found, filtered and acted on, a member's detail, and
//! an organization administrator who sees only their own subtree. Every page is checked
//! with axe-core and kept as a screenshot (`console-*.png`).
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
use support::smtp::SmtpServer;

const ROOT: &str = "root@example.com";
const ROOT_PASSWORD: &str = "a long passphrase for the console";

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

/// Acme with a Sales and a Support sub-organization, a super administrator, and members;
/// returns the id of Support's member.
fn organization(idp: &Idp) -> String {
    idp.member("acme", ROOT, ROOT_PASSWORD, &["--super-admin"]);
    for (name, slug) in [("Sales", "sales"), ("Support", "support")] {
        idp.cli(&[
            "org", "create", "--name", name, "--slug", slug, "--parent", "acme", "--json",
        ]);
    }
    for email in ["kim@example.com", "lee@example.com", "park@example.com"] {
        idp.member("sales", email, "a sales passphrase 1", &[]);
    }
    let help = idp.member("support", "help@example.com", "a support passphrase", &[]);
    idp.cli_text(&[
        "user",
        "email-login",
        "--org",
        "sales",
        "--email",
        "park@example.com",
        "--disable",
    ]);
    help["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_administrator_finds_members_and_acts_on_them() {
    let test = "an_administrator_finds_members_and_acts_on_them";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let port = smtp.port.to_string();
    let idp = Idp::start_with(&[
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", &port),
    ])
    .await;
    let _ = organization(&idp);
    sign_in(&browser, &idp, ROOT, ROOT_PASSWORD).await;

    // From the account page to the console, which opens on the organization tree.
    browser.click_link("Administrator console").await;
    assert_eq!(browser.heading().await, "Organizations");
    assert!(browser.has_link("Support").await && browser.has_link("Sales").await);
    inspect(&browser, "console-orgs").await;
    browser.fill_field("Search by name or slug", "sup").await;
    browser.click_button("Search").await;
    assert!(
        browser.has_link("Support").await,
        "{}",
        browser.visible_text().await
    );
    assert!(!browser.has_link("Sales").await);

    // A sub-organization created, renamed, moved and deleted from its Overview tab.
    browser.click_link("Acme").await;
    browser.click_link("Sales").await;
    assert_eq!(browser.heading().await, "Sales");
    browser
        .fill_field("Name of the sub-organization", "Field")
        .await;
    browser.click_button("Create sub-organization").await;
    assert!(
        browser.has_text("Field created.").await,
        "{}",
        browser.visible_text().await
    );
    assert_eq!(browser.heading().await, "Field");
    inspect(&browser, "console-org").await;
    browser.fill_field("Organization name", "Field Sales").await;
    browser.click_button("Rename").await;
    assert_eq!(browser.heading().await, "Field Sales");
    browser
        .select_option("New parent organization", "— Support")
        .await;
    browser.click_button("Move").await;
    assert!(
        browser.has_text("Moved.").await,
        "{}",
        browser.visible_text().await
    );
    assert!(
        browser.has_link("Support").await,
        "the breadcrumb shows the new parent"
    );
    browser.click_button("Delete this organization").await;
    assert!(
        browser.has_text("Organization deleted.").await,
        "{}",
        browser.visible_text().await
    );
    assert_eq!(browser.heading().await, "Support");
    assert!(!idp.audit_events("organization_change").is_empty());

    browser.goto(&idp.url("/admin/orgs/acme/members")).await;
    assert_eq!(browser.heading().await, "Acme");
    assert!(
        browser.has_text("2 members").await,
        "{}",
        browser.visible_text().await
    );
    inspect(&browser, "console-members").await;

    // With the sub-organizations, filtered to email login off.
    browser.check("Include sub-organizations").await;
    browser.select_option("Email login", "Off").await;
    browser.click_button("Apply filters").await;
    let url = browser.current_url().await;
    assert!(
        url.query().unwrap_or_default().contains("email_login=off"),
        "{url}"
    );
    assert!(
        browser.has_text("1 member").await,
        "{}",
        browser.visible_text().await
    );
    assert!(browser.has_text("park@example.com").await);
    assert!(!browser.has_text("kim@example.com").await);

    // The filters live in the URL: the same view loads again from it.
    browser.goto(url.as_str()).await;
    assert!(browser.has_text("park@example.com").await);

    // Enable email login for the selected member: a results page, then the welcome email.
    browser.check("Select park@example.com").await;
    browser.select_option("Action", "Enable email login").await;
    browser.click_button("Apply to members").await;
    assert!(
        browser.has_text("1 done, 0 skipped").await,
        "{}",
        browser.visible_text().await
    );
    inspect(&browser, "console-bulk-results").await;
    let welcome = smtp.link_to("/reset-password", 1, |m| m.contains("park@example.com"));
    assert!(welcome.contains("token="), "{welcome}");

    // The same action on everyone matching skips those it does not fit, with the reason.
    browser
        .goto(&idp.url("/admin/orgs/acme/members?subtree=1&q=example.com"))
        .await;
    browser.check("All 6 matching members").await;
    browser.select_option("Action", "Enable email login").await;
    browser.click_button("Apply to members").await;
    assert!(
        browser.has_text("0 done, 6 skipped").await,
        "{}",
        browser.visible_text().await
    );
    assert!(browser.has_text("Email login is already on.").await);

    // Moving a selected member to another organization.
    browser.goto(&idp.url("/admin/orgs/sales/members")).await;
    browser.check("Select lee@example.com").await;
    browser
        .select_option("Action", "Move to another organization")
        .await;
    browser
        .select_option("Move to organization", "— Support")
        .await;
    browser.click_button("Apply to members").await;
    assert!(
        browser.has_text("Moved to Support.").await,
        "{}",
        browser.visible_text().await
    );

    // A bad filter is a sentence on the page, and nothing is listed.
    browser
        .goto(&idp.url("/admin/orgs/acme/members?per_page=7"))
        .await;
    assert!(
        browser
            .has_text("Show 25, 50, 100 or 500 members per page.")
            .await
    );

    // A new member with email login gets a welcome email.
    browser.goto(&idp.url("/admin/orgs/sales/members")).await;
    browser.click_link("New member").await;
    inspect(&browser, "console-member-new").await;
    browser.fill_field("Email address", "kim@example.com").await;
    browser.fill_field("Name", "Min Choi").await;
    browser.click_button("Add member").await;
    assert!(
        browser
            .has_text("kim@example.com is already a member of this organization.")
            .await,
        "{}",
        browser.visible_text().await
    );
    let kept = browser.field("Name").await.prop("value").await.unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("Min Choi"),
        "a refusal keeps what was typed"
    );
    browser.fill_field("Email address", "min@example.com").await;
    browser.check("Enable email and password login").await;
    browser.click_button("Add member").await;
    assert!(
        browser
            .current_url()
            .await
            .path()
            .starts_with("/admin/members/")
    );
    assert!(browser.has_text("This member has never signed in.").await);
    smtp.link_to("/reset-password", 2, |m| m.contains("min@example.com"));

    // The member's detail: a temporary password shown once, a reset email sent.
    inspect(&browser, "console-member").await;
    browser.click_button("Issue temporary password").await;
    assert!(
        browser.has_text("Temporary password issued").await,
        "{}",
        browser.visible_text().await
    );
    browser.click_button("Send password reset email").await;
    assert!(
        browser.has_text("Password reset email sent.").await,
        "{}",
        browser.visible_text().await
    );
    assert!(
        !idp.audit_events("personal_info_access").is_empty(),
        "opening a member is recorded"
    );

    // The profile: renamed; a save based on an older reading is refused, not applied.
    browser.fill_field("Name", "Min-ji Choi").await;
    browser.click_button("Save profile").await;
    assert!(
        browser.has_text("Profile saved.").await,
        "{}",
        browser.visible_text().await
    );
    browser
        .client()
        .execute(
            "document.querySelector('input[name=version]').value = '1';",
            vec![],
        )
        .await
        .unwrap();
    browser.fill_field("Name", "Someone Else").await;
    browser.click_button("Save profile").await;
    assert!(
        browser.has_text("reload and try again").await,
        "{}",
        browser.visible_text().await
    );
    assert!(
        browser.has_text("root@example.com").await,
        "names who changed it"
    );
    browser.click_link("Go back").await;
    assert!(browser.has_text("Min-ji Choi").await);

    // A stale form is a page with a way back, and changes nothing.
    let member_url = browser.current_url().await;
    browser.client().delete_all_cookies().await.unwrap();
    sign_in(&browser, &idp, ROOT, ROOT_PASSWORD).await;
    browser.goto(member_url.as_str()).await;
    browser
        .client()
        .execute(
            "document.querySelectorAll('input[name=csrf]').forEach(i => i.value = 'stale');",
            vec![],
        )
        .await
        .unwrap();
    browser.click_button("Disable email login").await;
    assert_eq!(browser.heading().await, "This form has expired");
    assert!(browser.has_link("Back to the page").await);
}

#[tokio::test]
async fn an_organization_administrator_sees_only_their_subtree_and_areas() {
    let test = "an_organization_administrator_sees_only_their_subtree_and_areas";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let idp = Idp::start().await;
    let help_id = organization(&idp);
    idp.cli_text(&[
        "user",
        "grant-admin",
        "--org",
        "sales",
        "--email",
        "kim@example.com",
        "--permission",
        "members",
    ]);
    sign_in(&browser, &idp, "kim@example.com", "a sales passphrase 1").await;
    assert!(browser.has_link("Administrator console").await);

    browser.click_link("Administrator console").await;
    assert!(browser.has_link("Sales").await);
    assert!(
        !browser.has_link("Support").await,
        "a sibling is not listed"
    );
    assert!(!browser.has_link("Acme").await, "nor the parent");
    browser.goto(&idp.url("/admin/orgs/sales/members")).await;
    assert!(
        browser.has_text("3 members").await,
        "{}",
        browser.visible_text().await
    );
    // Only the areas held: no applications, keys, security or audit log.
    for absent in [
        "Applications",
        "Signing keys",
        "Security",
        "Audit log",
        "Login settings",
    ] {
        assert!(
            !browser.has_link(absent).await,
            "{absent} is shown to a members-only administrator"
        );
    }
    assert!(browser.has_link("Members").await);
    // Resetting a second factor needs the two_factor area: skipped, with the reason.
    browser.check("Select lee@example.com").await;
    browser.select_option("Action", "Reset second factor").await;
    browser.click_button("Apply to members").await;
    assert!(
        browser
            .has_text("You do not hold the two_factor permission over Sales.")
            .await,
        "{}",
        browser.visible_text().await
    );

    // A sibling and the parent are refused with a page, and the refusal is audited.
    for other in ["support", "acme"] {
        browser
            .goto(&idp.url(&format!("/admin/orgs/{other}/members")))
            .await;
        assert_eq!(browser.heading().await, "Not allowed", "{other}");
    }
    browser
        .goto(&idp.url(&format!("/admin/members/{help_id}")))
        .await;
    assert_eq!(browser.heading().await, "Not allowed");
    let denied = idp
        .audit_events("permission_change")
        .into_iter()
        .filter(|e| e["detail"]["result"] == "denied")
        .count();
    assert!(denied >= 3, "each refusal is audited ({denied})");
    inspect(&browser, "console-refused").await;

    // A member who administers nothing is told so.
    let plain = Browser::start(test).await.unwrap();
    sign_in(&plain, &idp, "lee@example.com", "a sales passphrase 1").await;
    assert!(!plain.has_link("Administrator console").await);
    plain.goto(&idp.url("/admin/orgs/sales/members")).await;
    assert_eq!(plain.heading().await, "You do not administer anything");
}

#[tokio::test]
async fn the_members_page_filters_and_pages_on_postgres() {
    let test = "the_members_page_filters_and_pages_on_postgres";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let Some((idp, _db)) = Idp::on_postgres(test, &[]).await else {
        return;
    };
    let _ = organization(&idp);
    sign_in(&browser, &idp, ROOT, ROOT_PASSWORD).await;
    browser
        .goto(&idp.url("/admin/orgs/acme/members?subtree=1&per_page=25"))
        .await;
    assert!(
        browser.has_text("6 members").await,
        "{}",
        browser.visible_text().await
    );
    browser.fill_field("Search name, email or id", "PARK").await;
    browser.click_button("Apply filters").await;
    assert!(browser.has_text("park@example.com").await);
    assert!(browser.has_text("1 member").await);
    // Newest first, then the next page follows from the cursor in the URL.
    browser
        .goto(&idp.url("/admin/orgs/acme/members?subtree=1&sort=newest&per_page=25"))
        .await;
    assert!(!browser.has_link("Next page").await);
    browser.select_option("Status", "On leave").await;
    browser.click_button("Apply filters").await;
    assert!(
        browser.has_text("No member matches these filters.").await,
        "{}: {}",
        browser.current_url().await,
        browser.visible_text().await
    );
    browser.click_link("Clear filters").await;
    assert!(browser.has_text("2 members").await);
}

#[tokio::test]
async fn an_administrator_registers_edits_rotates_and_deletes_an_application() {
    let test = "an_administrator_registers_edits_rotates_and_deletes_an_application";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let idp = Idp::start().await;
    let _ = organization(&idp);
    sign_in(&browser, &idp, ROOT, ROOT_PASSWORD).await;
    browser.goto(&idp.url("/admin")).await;
    browser.click_link("Applications").await;
    assert_eq!(browser.heading().await, "Applications");
    browser.click_link("Register an application").await;
    inspect(&browser, "console-client-new").await;

    // A bad redirect URI is refused with a sentence, keeping what was typed.
    browser.select_option("Organization", "— Sales").await;
    browser.fill_field("Application name", "Sales portal").await;
    browser
        .fill_field("Redirect URIs (one per line)", "not a uri")
        .await;
    browser.click_button("Register application").await;
    assert!(
        browser.has_text("Nothing").await || browser.has_text("URI").await,
        "{}",
        browser.visible_text().await
    );
    let kept = browser
        .field("Application name")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Sales portal"));
    browser
        .fill_field(
            "Redirect URIs (one per line)",
            "https://portal.example.com/cb",
        )
        .await;
    browser
        .fill_field("Access token lifetime in minutes", "15")
        .await;
    browser.click_button("Register application").await;
    assert!(
        browser.has_text("Sales portal registered.").await,
        "{}",
        browser.visible_text().await
    );
    let secret = browser.text("code.secret").await;
    assert!(secret.len() >= 43, "a secret is shown once: {secret:?}");
    inspect(&browser, "console-client").await;

    // The secret works at the token endpoint until it is rotated.
    let id = browser.current_url().await;
    let client_id = browser.text("dl.facts dd code").await;
    let token = |secret: String| {
        let (base, client_id) = (idp.base.clone(), client_id.clone());
        async move {
            reqwest::Client::new()
                .post(format!("{base}/token"))
                .basic_auth(client_id, Some(secret))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", "x"),
                    ("redirect_uri", "https://portal.example.com/cb"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(token(secret.clone()).await, 400, "known client, bad code");
    browser.click_link("Applications").await;
    assert!(browser.has_link("Sales portal").await);
    inspect(&browser, "console-clients").await;
    browser.click_link("Sales portal").await;
    browser.click_button("Rotate secret").await;
    assert!(browser.has_text("New secret issued").await);
    let rotated = browser.text("code.secret").await;
    assert_ne!(rotated, secret);
    assert_eq!(
        token(secret.clone()).await,
        401,
        "the old secret stops working at once"
    );
    assert_eq!(token(rotated).await, 400);

    // Edited, then deleted.
    browser
        .fill_field("Application name", "Sales portal 2")
        .await;
    browser.click_button("Save changes").await;
    assert!(
        browser.has_text("Changes saved.").await,
        "{} {id}",
        browser.visible_text().await
    );
    assert_eq!(browser.heading().await, "Sales portal 2");
    browser.click_button("Delete application").await;
    assert!(browser.has_text("Sales portal 2 deleted.").await);
    assert!(!browser.has_link("Sales portal 2").await);
    assert!(!idp.audit_events("client_change").is_empty());

    // Registration tokens for dynamic registration: issued (shown once), then revoked.
    browser.click_link("Registration tokens").await;
    assert_eq!(browser.heading().await, "Registration tokens");
    browser.select_option("Organization", "— Sales").await;
    browser.click_button("Issue a token").await;
    let token = browser.text("code.secret").await;
    assert!(token.len() >= 32, "shown once: {token:?}");
    inspect(&browser, "console-registration-tokens").await;
    browser.click_button("Revoke").await;
    assert!(
        browser.has_text("Expired or revoked").await,
        "{}",
        browser.visible_text().await
    );
}

#[tokio::test]
async fn an_administrator_ends_a_members_sessions_and_withdraws_a_consent() {
    let test = "an_administrator_ends_a_members_sessions_and_withdraws_a_consent";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let idp = Idp::start().await;
    let _ = organization(&idp);
    // Ada signs in to an application from her own browser, consenting to it.
    let app = idp.web_app();
    let rp = idp.rp(&app).await;
    let ada = support::flow::Browser::new(&idp.base, FIREFOX_LINUX);
    let request = rp.request(&["openid", "email"], &[]);
    let back = ada.authorize(&request.url).await;
    assert!(back.query().unwrap_or_default().contains("code="), "{back}");
    assert_eq!(ada.get("/account").await.status(), 200);

    sign_in(&browser, &idp, ROOT, ROOT_PASSWORD).await;
    browser
        .goto(&idp.url(&format!("/admin/members/{}", idp.user_id)))
        .await;
    assert!(
        browser.has_text("Firefox on Linux").await,
        "{}",
        browser.visible_text().await
    );
    assert!(
        browser.has_text("openid email").await,
        "the consent is listed"
    );
    browser.click_button("End all sessions").await;
    assert!(browser.has_text("Every session ended.").await);
    assert!(!browser.has_text("Firefox on Linux").await);
    let after = ada.get("/account").await;
    assert!(
        after.status().is_redirection() || after.url().path() == "/login",
        "Ada's session ended: {} {}",
        after.status(),
        after.url()
    );
    let withdraw = browser
        .visible_text()
        .await
        .lines()
        .any(|l| l.contains("Withdraw"));
    assert!(withdraw, "{}", browser.visible_text().await);
    browser.click_button("Withdraw consent to Reports").await;
    assert!(
        browser.has_text("Consent withdrawn.").await,
        "{}",
        browser.visible_text().await
    );
    assert!(!browser.has_text("openid email").await);
}

#[tokio::test]
async fn an_administrator_exports_previews_and_applies_a_member_import() {
    let test = "an_administrator_exports_previews_and_applies_a_member_import";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let port = smtp.port.to_string();
    let idp = Idp::start_with(&[
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", &port),
    ])
    .await;
    let _ = organization(&idp);
    let changes_before = idp.audit_events("member_change").len()
        + idp.audit_events("security_settings_change").len();

    // The export follows the members page's filters, on the administrator's session.
    let http = support::flow::Browser::new(&idp.base, FIREFOX_LINUX);
    let page = http.go("/login").await.sign_in_page();
    http.submit_sign_in(&page, ROOT, ROOT_PASSWORD).await;
    let csv = http
        .get("/admin/orgs/acme/members/export?format=csv&subtree=1&email_login=off")
        .await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(
        text.contains("park@example.com") && !text.contains("kim@example.com"),
        "{text}"
    );

    sign_in(&browser, &idp, ROOT, ROOT_PASSWORD).await;
    browser.goto(&idp.url("/admin/orgs/sales/members")).await;
    assert!(browser.has_link("Export to Excel").await);
    browser.click_link("Import members").await;
    inspect(&browser, "console-import").await;

    // A CSV saved the way Excel saves it: BOM, CRLF, semicolons.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("members.csv");
    std::fs::write(
        &file,
        "\u{feff}email;name;organization;status;email_login_enabled\r\n\
         PARK@example.com ;Park Ji-min;/Acme/Sales;;Y\r\n\
         kim@example.com;;;on_leave;\r\n",
    )
    .unwrap();
    browser
        .field("Members file (.xlsx or .csv)")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    browser.click_button("Preview import").await;
    assert!(
        browser.has_text("0 to create, 2 to update").await,
        "{}",
        browser.visible_text().await
    );
    inspect(&browser, "console-import-preview").await;
    browser.click_button("Apply import").await;
    let mut done = false;
    for _ in 0..50 {
        if browser.has_text("Import done").await {
            done = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        browser.goto(browser.current_url().await.as_str()).await;
    }
    assert!(done, "{}", browser.visible_text().await);
    assert!(
        browser.has_text("2 applied").await,
        "{}",
        browser.visible_text().await
    );
    inspect(&browser, "console-import-job").await;
    browser
        .goto(&idp.url("/admin/orgs/sales/members?status=on_leave"))
        .await;
    assert!(browser.has_text("kim@example.com").await);
    // Park's email login is on: the welcome email arrives; each change is recorded.
    smtp.link_to("/reset-password", 1, |m| m.contains("park@example.com"));
    let changes_after = idp.audit_events("member_change").len()
        + idp.audit_events("security_settings_change").len();
    assert!(
        changes_after >= changes_before + 3,
        "name, email login and status changes recorded ({changes_before} → {changes_after})"
    );
}
