//! Passkeys in a real headless Chromium with a virtual authenticator (WebDriver's
//! WebAuthn extension, as chromedriver implements it): adding one on the security page,
//! an excluded (already registered) authenticator refused, removal after the password,
//! an administrator's second-factor reset taking them away, the passkey as the second
//! factor of a relying party's sign-in (`amr` in its ID token), and a signature counter
//! that went backwards refused and recorded (and let through, recorded, where the
//! organization allows it), an allow-list of authenticator models, and administrators held
//! to passkeys; on SQLite and on PostgreSQL with Redis.
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

/// Signs the member in through the real sign-in page (no second factor is asked).
async fn sign_in(browser: &Browser, idp: &Idp) {
    browser.goto(&idp.url("/login")).await;
    browser.fill_field("Email", EMAIL).await;
    browser.fill_field("Password", PASSWORD).await;
    browser.click_button("Sign in").await;
    browser.wait_for("table.sessions").await;
    assert_eq!(browser.current_url().await.path(), "/account");
}

/// Names a passkey and adds it through the browser's ceremony; waits for the page the
/// server answers. Answers the recovery codes shown on the way (the member's first
/// passkey without recovery codes), after going on past them.
async fn add_passkey(browser: &Browser, idp: &Idp, name: &str) -> Vec<String> {
    browser.goto(&idp.url("/account/security")).await;
    browser.fill_field("Passkey name", name).await;
    browser.click_button("Add a passkey").await;
    let text = wait_text(
        browser,
        &[
            "The passkey was added.",
            "The passkey was not used",
            RECOVERY_HEADING,
        ],
    )
    .await;
    if !text.contains(RECOVERY_HEADING) {
        return Vec::new();
    }
    let codes = shown_recovery_codes(browser).await;
    browser.click("#continue").await;
    wait_text(browser, &["The passkey was added."]).await;
    codes
}

const RECOVERY_HEADING: &str = "Save your recovery codes";

/// The recovery codes the page shows.
async fn shown_recovery_codes(browser: &Browser) -> Vec<String> {
    let items = browser
        .client()
        .find_all(fantoccini::Locator::Css("#recovery-codes code"))
        .await
        .unwrap();
    let mut codes = Vec::new();
    for c in items {
        codes.push(c.text().await.unwrap());
    }
    codes
}

/// Waits until the page shows one of `any` (the ceremony and the form post run after the
/// click returns).
async fn wait_text(browser: &Browser, any: &[&str]) -> String {
    for _ in 0..100 {
        let text = browser.visible_text().await;
        if any.iter().any(|t| text.contains(t)) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "none of {any:?} on {}:\n{}",
        browser.current_url().await,
        browser.visible_text().await
    );
}

/// The names in the security page's passkey list.
async fn listed(browser: &Browser) -> Vec<String> {
    let cells = browser
        .client()
        .find_all(fantoccini::Locator::Css("tr.passkey td.passkey-name"))
        .await
        .unwrap();
    let mut names = Vec::new();
    for c in cells {
        names.push(c.text().await.unwrap());
    }
    names
}

async fn passkeys_on_the_security_page(idp: Idp, test: &str) {
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let authenticator = browser.add_virtual_authenticator().await;
    sign_in(&browser, &idp).await;

    browser.goto(&idp.url("/account/security")).await;
    assert!(browser.has_text("You have no passkeys yet.").await);
    browser.axe_check("security page with passkeys").await;
    // The first second factor of a member without recovery codes: a set comes with it,
    // shown once.
    let codes = add_passkey(&browser, &idp, "  Laptop  ").await;
    assert_eq!(codes.len(), 10, "{codes:?}");
    assert!(browser.has_text("The passkey was added.").await);
    assert_eq!(listed(&browser).await, ["Laptop"]);
    browser.screenshot("passkeys-security-page").await;

    // The authenticator keeps a discoverable credential for this relying party: the
    // issuer's host.
    let held = browser.virtual_credentials(&authenticator).await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0]["rpId"], "localhost");
    assert_eq!(held[0]["isResidentCredential"], true);

    // The same authenticator again: its credential is excluded, the authenticator
    // refuses, and nothing is added.
    assert!(add_passkey(&browser, &idp, "Laptop again").await.is_empty());
    assert!(
        browser.has_text("The passkey was not used").await,
        "{}",
        browser.visible_text().await
    );
    assert_eq!(listed(&browser).await, ["Laptop"]);
    assert_eq!(browser.virtual_credentials(&authenticator).await.len(), 1);

    let added = idp.audit_events("security_settings_change");
    let added: Vec<&Value> = added
        .iter()
        .filter(|e| e["detail"]["method"] == "passkey" && e["event"] == "create")
        .collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!(added[0]["detail"]["passkey"]["name"], "Laptop");
    // The authenticator's model, as it claims it (no attestation is asked for).
    let model = added[0]["detail"]["passkey"]["aaguid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(model.len(), 36, "a UUID: {model}");

    // Removal asks for the password; a wrong one changes nothing.
    browser
        .fill_field("Your password to remove Laptop", "not the password")
        .await;
    browser.click_button("Remove the passkey Laptop").await;
    wait_text(&browser, &["The password is not right."]).await;
    assert_eq!(listed(&browser).await, ["Laptop"]);
    browser
        .fill_field("Your password to remove Laptop", PASSWORD)
        .await;
    browser.click_button("Remove the passkey Laptop").await;
    wait_text(&browser, &["The passkey was removed."]).await;
    assert!(listed(&browser).await.is_empty());
    let removed = idp.audit_events("security_settings_change");
    assert!(
        removed
            .iter()
            .any(|e| e["detail"]["method"] == "passkey" && e["event"] == "delete"),
        "{removed:?}"
    );

    // Added again (a new credential on the same authenticator), then an administrator
    // resets the member's second factor: the passkey goes with the rest.
    // The recovery codes of the first are still unused: no new set.
    assert!(add_passkey(&browser, &idp, "Phone").await.is_empty());
    assert_eq!(listed(&browser).await, ["Phone"]);
    idp.cli_text(&[
        "user",
        "reset-second-factor",
        "--org",
        "acme",
        "--email",
        EMAIL,
    ]);
    browser.goto(&idp.url("/account/security")).await;
    assert!(browser.has_text("You have no passkeys yet.").await);
    let resets = idp.audit_events("second_factor_reset");
    assert_eq!(resets[0]["detail"]["before"]["passkeys"], 1, "{resets:?}");

    // An allow-list of authenticator models without this one: refused with a sentence
    // and an audit event, nothing added.
    let other = "0b3c7e5a-1d2f-4a6b-9c8d-7e6f5a4b3c2d";
    assert_ne!(model, other);
    idp.cli(&[
        "org",
        "policy",
        "--org",
        "acme",
        "--set",
        &format!(r#"passkey_aaguids=["{other}"]"#),
        "--json",
    ]);
    browser.goto(&idp.url("/account/security")).await;
    browser.fill_field("Passkey name", "Unlisted").await;
    browser.click_button("Add a passkey").await;
    let refused = "Your organization does not accept passkeys from this kind of authenticator.";
    wait_text(&browser, &[refused, "The passkey was added."]).await;
    assert!(
        browser.has_text(refused).await,
        "{}",
        browser.visible_text().await
    );
    browser.goto(&idp.url("/account/security")).await;
    assert!(listed(&browser).await.is_empty());
    let events = idp.audit_events("security_settings_change");
    assert!(
        events
            .iter()
            .any(|e| e["detail"]["method"] == "passkey"
                && e["detail"]["reason"] == "model_not_allowed"),
        "{events:?}"
    );
    // A list that names it: added.
    idp.cli(&[
        "org",
        "policy",
        "--org",
        "acme",
        "--set",
        &format!(r#"passkey_aaguids=["{other}","{}"]"#, model.to_uppercase()),
        "--json",
    ]);
    add_passkey(&browser, &idp, "Listed").await;
    assert_eq!(listed(&browser).await, ["Listed"]);
    // Something that is no model's AAGUID: refused with a sentence, nothing changed.
    let out = support::run(
        &idp.server.dir,
        &idp.env(),
        &[
            "org",
            "policy",
            "--org",
            "acme",
            "--set",
            r#"passkey_aaguids=["yubikey"]"#,
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let said = support::stderr(&out);
    assert!(said.contains("passkey_aaguids"), "{said}");
    let shown = idp.cli(&["org", "policy", "--org", "acme", "--json"]);
    assert_eq!(
        shown["effective"]["passkey_aaguids"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{shown}"
    );
}

/// Waits until the browser is at a URL starting with `prefix`.
async fn wait_url(browser: &Browser, prefix: &str) -> Url {
    for _ in 0..100 {
        let url = browser.current_url().await;
        if url.as_str().starts_with(prefix) {
            return url;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "not at {prefix} but {}:\n{}",
        browser.current_url().await,
        browser.visible_text().await
    );
}

async fn a_passkey_as_the_second_factor(idp: Idp, test: &str) {
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let authenticator = browser.add_virtual_authenticator().await;
    sign_in(&browser, &idp).await;
    add_passkey(&browser, &idp, "Laptop").await;
    assert_eq!(listed(&browser).await, ["Laptop"]);
    browser.client().delete_all_cookies().await.unwrap();

    // A passkey alone, where the organization does not allow it (the default): refused
    // with a sentence and recorded. The sign-in page offers passkeys in the email field's
    // autofill (conditional mediation), which the virtual authenticator answers at once,
    // as a person picking the passkey would; the answer page offers the button only.
    browser.goto(&idp.url("/login")).await;
    let not_allowed = "Your organization does not allow signing in with a passkey alone.";
    wait_text(&browser, &[not_allowed]).await;
    assert_eq!(browser.current_url().await.path(), "/login/passkey");
    let email = browser.find("input#email").await;
    assert_eq!(
        email.attr("autocomplete").await.unwrap().as_deref(),
        Some("username webauthn")
    );
    browser.axe_check("sign-in page with a passkey").await;
    browser.click_button("Sign in with a passkey").await;
    wait_text(&browser, &[not_allowed]).await;
    let refusals = idp.audit_events("sign_in");
    let refusals: Vec<&Value> = refusals
        .iter()
        .filter(|e| e["detail"]["method"] == "passkey" && e["detail"]["reason"] == "not_allowed")
        .collect();
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    browser.client().delete_all_cookies().await.unwrap();

    // A relying party's sign-in: the password, then the passkey the member now has.
    let app = idp.first_party_app();
    let rp = idp.rp(&app).await;
    let request = rp.request(&["openid"], &[]);
    browser.goto(&request.url).await;
    browser.fill_field("Email", EMAIL).await;
    browser.fill_field("Password", PASSWORD).await;
    browser.click_button("Sign in").await;
    browser.wait_for("form#use-passkey").await;
    assert_eq!(browser.current_url().await.path(), "/login/second-factor");
    browser.axe_check("second factor with a passkey").await;
    browser.click_button("Use a passkey").await;
    let back = wait_url(&browser, RP_CALLBACK).await;
    let code = rp.code(&back, &request);
    let tokens = rp.exchange(&code, request.verifier()).await.unwrap();
    let claims = rp.verify(&tokens, Some(&request.nonce));
    let amr: Vec<String> = claims
        .auth_method_refs()
        .unwrap()
        .iter()
        .map(|m| m.to_string())
        .collect();
    assert_eq!(amr, ["pwd", "hwk", "user", "mfa"]);
    let used = idp.audit_events("sign_in");
    assert!(
        used.iter()
            .any(|e| e["detail"]["method"] == "passkey" && e["detail"]["result"] == "passkey_used"),
        "{used:?}"
    );
    browser.goto(&idp.url("/account/security")).await;
    assert!(
        !browser.has_text("Never").await,
        "last used is shown: {}",
        browser.visible_text().await
    );

    // Where the organization allows it, the passkey alone signs in to the application,
    // and counts as multi-factor.
    idp.set_policy("passkey_sign_in=true");
    browser.client().delete_all_cookies().await.unwrap();
    let request = rp.request(&["openid"], &[]);
    browser.goto(&request.url).await;
    // The autofill request is answered at once (see above): no password is asked.
    let back = wait_url(&browser, RP_CALLBACK).await;
    let code = rp.code(&back, &request);
    let tokens = rp.exchange(&code, request.verifier()).await.unwrap();
    let claims = rp.verify(&tokens, Some(&request.nonce));
    let amr: Vec<String> = claims
        .auth_method_refs()
        .unwrap()
        .iter()
        .map(|m| m.to_string())
        .collect();
    assert_eq!(amr, ["hwk", "user", "mfa"]);

    // A copy of the key with an older counter: refused, and recorded.
    let held = browser.virtual_credentials(&authenticator).await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert!(held[0]["signCount"].as_u64().unwrap() >= 1, "{held:?}");
    let mut copy = held[0].clone();
    copy["signCount"] = 0.into();
    browser.put_virtual_credential(&authenticator, &copy).await;
    browser.client().delete_all_cookies().await.unwrap();
    browser.goto(&idp.url("/login")).await;
    wait_text(&browser, &["This passkey may have been copied"]).await;
    assert_eq!(browser.current_url().await.path(), "/login/passkey");
    assert!(!browser.has_text("Signed in as").await);
    let refused = idp.audit_events("sign_in");
    assert!(
        refused
            .iter()
            .any(|e| e["detail"]["method"] == "passkey"
                && e["detail"]["reason"] == "counter_regression"),
        "{refused:?}"
    );

    // Where the organization allows it, the copy signs in; the regression is recorded.
    idp.set_policy("passkey_counter_regression=allow");
    browser.put_virtual_credential(&authenticator, &copy).await;
    browser.client().delete_all_cookies().await.unwrap();
    browser.goto(&idp.url("/login")).await;
    wait_url(&browser, &idp.url("/account")).await;
    let events = idp.audit_events("sign_in");
    let allowed: Vec<&Value> = events
        .iter()
        .filter(|e| {
            e["detail"]["reason"] == "counter_regression"
                && e["detail"]["allowed_by_policy"] == true
        })
        .collect();
    assert_eq!(allowed.len(), 1, "{events:?}");
    assert!(
        events
            .iter()
            .any(|e| e["detail"]["result"] == "passkey_used"
                && e["detail"]["counter_regression"] == true),
        "{events:?}"
    );
}

/// Drops the provider's cookies (WebDriver deletes the current page's only, so the
/// browser goes back to the provider first).
async fn forget(browser: &Browser, idp: &Idp) {
    browser.goto(&idp.url("/account")).await;
    browser.client().delete_all_cookies().await.unwrap();
}

/// Signs in to a relying party with the password, up to the second-factor page.
async fn password_to_second_factor(browser: &Browser, rp: &Rp, email: &str, password: &str) {
    let request = rp.request(&["openid"], &[]);
    browser.goto(&request.url).await;
    browser.fill_field("Email", email).await;
    browser.fill_field("Password", password).await;
    browser.click_button("Sign in").await;
}

async fn administrators_held_to_passkeys(idp: Idp, test: &str) {
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    browser.add_virtual_authenticator().await;
    sign_in(&browser, &idp).await;
    // Ada has emailed codes and a passkey, and administers her organization's members.
    browser.goto(&idp.url("/account/security")).await;
    browser
        .click_button("Offer a code by email at sign-in")
        .await;
    wait_text(&browser, &["Stop offering codes by email"]).await;
    add_passkey(&browser, &idp, "Laptop").await;
    assert_eq!(listed(&browser).await, ["Laptop"]);
    let bob = "bob@example.com";
    let bob_password = "violet kestrel harbour lantern";
    idp.member("acme", bob, bob_password, &[]);
    for email in [EMAIL, bob] {
        idp.cli_text(&[
            "user",
            "grant-admin",
            "--org",
            "acme",
            "--email",
            email,
            "--permission",
            "members",
        ]);
    }
    let app = idp.first_party_app();
    let rp = idp.rp(&app).await;

    // Before the rule, the emailed code is offered next to the passkey.
    forget(&browser, &idp).await;
    password_to_second_factor(&browser, &rp, EMAIL, PASSWORD).await;
    browser.wait_for("form#use-passkey").await;
    assert!(browser.exists("#send-email").await);

    idp.set_policy("admins_require_passkey=true");
    forget(&browser, &idp).await;
    password_to_second_factor(&browser, &rp, EMAIL, PASSWORD).await;
    browser.wait_for("form#use-passkey").await;
    assert_eq!(browser.current_url().await.path(), "/login/second-factor");
    assert!(
        !browser.exists("#send-email").await,
        "only the passkey is offered"
    );
    assert!(!browser.exists("input#code").await);
    // A code posted for another method is refused with a sentence.
    browser
        .goto(&idp.url("/login/second-factor?method=email_code"))
        .await;
    browser.fill_field("Code from the email", "123456").await;
    browser.click_button("Continue").await;
    wait_text(
        &browser,
        &["Your organization does not allow that kind of second factor."],
    )
    .await;
    // The passkey signs in.
    browser.goto(&idp.url("/login/second-factor")).await;
    browser.click_button("Use a passkey").await;
    wait_url(&browser, RP_CALLBACK).await;

    // An administrator without a passkey is told how to get one; no session starts.
    forget(&browser, &idp).await;
    password_to_second_factor(&browser, &rp, bob, bob_password).await;
    wait_text(
        &browser,
        &["Administrators of your organization must use a passkey"],
    )
    .await;
    browser.goto(&idp.url("/account")).await;
    assert!(!browser.has_text("Signed in as").await);
    let events = idp.audit_events("sign_in");
    assert!(
        events
            .iter()
            .any(|e| e["detail"]["reason"] == "passkey_required"),
        "{events:?}"
    );

    // Turned off again, the administrator without a passkey signs in with the password.
    idp.set_policy("admins_require_passkey=");
    forget(&browser, &idp).await;
    password_to_second_factor(&browser, &rp, bob, bob_password).await;
    wait_url(&browser, RP_CALLBACK).await;
}

on_both_backends_named!(
    administrators_held_to_passkeys_sqlite,
    administrators_held_to_passkeys_postgres,
    administrators_held_to_passkeys
);

on_both_backends_named!(
    a_passkey_as_the_second_factor_sqlite,
    a_passkey_as_the_second_factor_postgres,
    a_passkey_as_the_second_factor
);

on_both_backends_named!(
    passkeys_on_the_security_page_sqlite,
    passkeys_on_the_security_page_postgres,
    passkeys_on_the_security_page
);

/// Submits the second-factor page's passkey form with an answer no authenticator gave.
async fn submit_forged_assertion(browser: &Browser) {
    browser.wait_for("form#use-passkey").await;
    browser
        .client()
        .execute(
            "var f = document.querySelector('form#use-passkey');
             f.querySelector('input[name=credential]').value = '{}';
             f.dataset.sent = '1';
             f.submit();",
            vec![],
        )
        .await
        .unwrap();
}

/// Where policy requires a second factor and the organization allows only passkeys, the
/// sign-in's enrolment step adds a passkey (no authenticator app), shows recovery codes
/// once, and the application's ID token names the passkey. At later sign-ins, forged
/// passkey answers count against the second-factor lock as wrong codes do.
async fn a_passkey_set_up_at_sign_in(idp: Idp, test: &str) {
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    browser.add_virtual_authenticator().await;
    idp.cli_text(&["org", "two-factor", "--org", "acme", "--scope", "everybody"]);
    idp.cli(&[
        "org",
        "policy",
        "--org",
        "acme",
        "--set",
        r#"allowed_second_factors=["passkey"]"#,
        "--json",
    ]);
    let app = idp.first_party_app();
    let rp = idp.rp(&app).await;
    let request = rp.request(&["openid"], &[]);
    browser.goto(&request.url).await;
    browser.fill_field("Email", EMAIL).await;
    browser.fill_field("Password", PASSWORD).await;
    browser.click_button("Sign in").await;
    browser.wait_for("form#add-passkey").await;
    assert_eq!(browser.current_url().await.path(), "/login/enrol");
    assert!(!browser.exists("#secret").await, "no authenticator app");
    assert!(
        !browser.exists("form#enrol-email").await,
        "no emailed codes"
    );
    browser.axe_check("sign-in enrolment with a passkey").await;
    browser.fill_field("Passkey name", "Laptop").await;
    browser.click_button("Add a passkey").await;
    wait_text(&browser, &[RECOVERY_HEADING]).await;
    assert_eq!(shown_recovery_codes(&browser).await.len(), 10);
    browser.click("#continue").await;
    let back = wait_url(&browser, RP_CALLBACK).await;
    let code = rp.code(&back, &request);
    let tokens = rp.exchange(&code, request.verifier()).await.unwrap();
    let claims = rp.verify(&tokens, Some(&request.nonce));
    let amr: Vec<String> = claims
        .auth_method_refs()
        .unwrap()
        .iter()
        .map(|m| m.to_string())
        .collect();
    assert_eq!(amr, ["pwd", "hwk", "user", "mfa"]);

    // Forged answers at the second-factor step: each refused with its reason, and the
    // tenth locks entry as the tenth wrong code would. (Cookies are cleared for the
    // provider's origin, not the application's the browser came back to.)
    browser.goto(&idp.url("/account")).await;
    browser.client().delete_all_cookies().await.unwrap();
    browser.goto(&idp.url("/login")).await;
    browser.fill_field("Email", EMAIL).await;
    browser.fill_field("Password", PASSWORD).await;
    browser.click_button("Sign in").await;
    browser.wait_for("form#use-passkey").await;
    assert_eq!(browser.current_url().await.path(), "/login/second-factor");
    let locked = "Too many requests";
    for n in 1..=9 {
        browser.goto(&idp.url("/login/second-factor")).await;
        submit_forged_assertion(&browser).await;
        let text = wait_text(&browser, &["could not be verified", locked]).await;
        assert!(!text.contains(locked), "locked after {n}: {text}");
    }
    browser.goto(&idp.url("/login/second-factor")).await;
    submit_forged_assertion(&browser).await;
    wait_text(&browser, &[locked]).await;
    let locks = idp.audit_events("account_lock");
    assert!(
        locks.iter().any(|e| e["detail"]["lock"] == "second_factor"),
        "{locks:?}"
    );
    // Locked: the real passkey is not asked for, and no session starts.
    browser.goto(&idp.url("/login/second-factor")).await;
    wait_text(&browser, &[locked]).await;
    assert!(!browser.exists("form#use-passkey").await);
    browser.goto(&idp.url("/account")).await;
    assert!(
        !browser.exists("table.sessions").await,
        "signed in while locked: {}\n{}",
        browser.current_url().await,
        browser.visible_text().await
    );
}

on_both_backends_named!(
    a_passkey_set_up_at_sign_in_sqlite,
    a_passkey_set_up_at_sign_in_postgres,
    a_passkey_set_up_at_sign_in
);
