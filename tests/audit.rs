//! End-to-end tests of the audit log with the real `idp` binary: the hash chain of each
//! organization, and `idp audit verify` finding an edited or a removed event.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::flow::*;
use support::*;

fn pg_execute(db_url: &str, sql: &str) -> usize {
    use diesel::{Connection as _, RunQueryDsl as _};
    let mut conn = diesel::PgConnection::establish(db_url).unwrap();
    diesel::sql_query(sql).execute(&mut conn).unwrap()
}

#[tokio::test]
async fn audit_verify_finds_an_edited_and_a_removed_event() {
    let Some((idp, db)) =
        Idp::on_postgres("audit_verify_finds_an_edited_and_a_removed_event", &[]).await
    else {
        return;
    };
    // A few events: sign-ins, a failure, a policy change.
    for password in [PASSWORD, "not the password", PASSWORD] {
        let b = idp.browser();
        let page = b.go("/login").await.sign_in_page();
        b.submit_sign_in(&page, EMAIL, password).await;
    }
    idp.cli(&[
        "org",
        "policy",
        "--org",
        "acme",
        "--set",
        "lockout_after_failures=5",
        "--json",
    ]);
    let verify = |org: Option<&str>| {
        let mut args = vec!["audit", "verify"];
        if let Some(o) = org {
            args.extend(["--org", o]);
        }
        run(&idp.server.dir, &idp.env(), &args)
    };
    let ok = verify(Some("acme"));
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("chain intact"), "{}", stdout(&ok));

    // Someone with database access edits an event's address.
    let edited = pg_execute(
        &db.url,
        "UPDATE audit_events SET ip = '6.6.6.6' WHERE seq = 3 \
         AND org_id = (SELECT id FROM organizations WHERE slug = 'acme')",
    );
    assert_eq!(edited, 1);
    let broken = verify(None);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stdout(&broken).contains("event 3"), "{}", stdout(&broken));
    assert!(stdout(&broken).contains("altered"), "{}", stdout(&broken));

    // Or removes one: the next event no longer links.
    pg_execute(
        &db.url,
        "DELETE FROM audit_events WHERE seq = 3 \
         AND org_id = (SELECT id FROM organizations WHERE slug = 'acme')",
    );
    let gap = verify(Some("acme"));
    assert_eq!(gap.status.code(), Some(1));
    assert!(stdout(&gap).contains("event 4"), "{}", stdout(&gap));
    assert!(
        stdout(&gap).contains("missing or out of order"),
        "{}",
        stdout(&gap)
    );
}
