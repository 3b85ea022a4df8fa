//! End-to-end tests of member export and import with files that another program wrote:
//! a workbook edited by Python's openpyxl through the admin API, and a CSV saved the way
//! Excel saves it (byte order mark, CRLF, semicolons) through the command line. Export,
//! change email login for some members, preview exactly those changes, apply, and find
//! the welcome emails at the SMTP server, the passwords gone, one audit event per change.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::process::Command;
use support::flow::*;
use support::smtp::SmtpServer;
use support::*;

const ADMIN: &str = "root@example.com";
const ADMIN_PASSWORD: &str = "administrator password";
const MEMBER_PASSWORD: &str = "member password 123";

/// Whether python3 can import openpyxl; a skip line when it cannot (a failure in CI).
fn openpyxl(test: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("IDP_TEST_REQUIRE_BACKENDS").as_deref() != Ok("1"),
            "{test}: python3 with openpyxl is required because IDP_TEST_REQUIRE_BACKENDS=1"
        );
        eprintln!("\nSKIPPED: {test} needs python3 with openpyxl (pip install openpyxl)");
    }
    ok
}

/// Runs a Python program with `args`; its standard output.
fn python(program: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(program)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The provider mailing through `smtp`, with a super administrator and five members:
/// m1–m3 with email login and a password, m4 and m5 without email login.
async fn provider(smtp: &SmtpServer, pg: Option<&str>) -> Option<(Idp, Option<PgDatabase>)> {
    let port = smtp.port.to_string();
    let env = [
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", port.as_str()),
    ];
    let (idp, db) = match pg {
        Some(test) => {
            let (idp, db) = Idp::on_postgres(test, &env).await?;
            (idp, Some(db))
        }
        None => (Idp::start_with(&env).await, None),
    };
    idp.member("acme", ADMIN, ADMIN_PASSWORD, &["--super-admin"]);
    idp.cli(&[
        "org", "create", "--name", "Sales", "--slug", "sales", "--parent", "acme", "--json",
    ]);
    for i in 1..=5 {
        idp.member("acme", &format!("m{i}@example.com"), MEMBER_PASSWORD, &[]);
    }
    idp.cli_text(&[
        "user",
        "email-login",
        "--org",
        "acme",
        "--email",
        "m4@example.com",
        "--email",
        "m5@example.com",
        "--disable",
    ]);
    Some((idp, db))
}

async fn admin_session(idp: &Idp) -> Browser {
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b.submit_sign_in(&page, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(r.headers()[LOCATION], "/account");
    b
}

/// An API call with the session's CSRF header: status, headers and body.
async fn send(
    b: &Browser,
    method: reqwest::Method,
    path: &str,
    body: Option<(Vec<u8>, &str)>,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut r = b
        .http
        .request(method, b.abs(path))
        .header("x-csrf-token", b.cookie("idp_csrf").unwrap());
    if let Some((bytes, content_type)) = body {
        r = r.header("content-type", content_type).body(bytes);
    }
    let r = r.send().await.unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.bytes().await.unwrap().to_vec())
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| panic!("JSON: {}", String::from_utf8_lossy(bytes)))
}

/// One field's change in a report: (field, old, new).
type Field = (String, String, String);

/// The rows of a report that change something: (email, [(field, old, new)]).
fn changed(report: &Value) -> Vec<(String, Vec<Field>)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] != "unchanged")
        .map(|r| {
            let fields = r["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["field"].as_str().unwrap().to_owned(),
                        c["old"].as_str().unwrap_or("").to_owned(),
                        c["new"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            (r["email"].as_str().unwrap().to_owned(), fields)
        })
        .collect()
}

fn login_change(old: &str, new: &str) -> Vec<Field> {
    vec![("email_login_enabled".into(), old.into(), new.into())]
}

/// Whether `email` still signs in with the member password.
async fn signs_in(idp: &Idp, email: &str) -> bool {
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b.submit_sign_in(&page, email, MEMBER_PASSWORD).await;
    r.headers().get(LOCATION).is_some_and(|l| l == "/account")
}

/// Waits for the import to finish; its status.
async fn finished(b: &Browser, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, _, body) = send(
            b,
            reqwest::Method::GET,
            &format!("/admin/api/import-jobs/{id}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let job = json(&body);
        if job["status"] == "done" {
            return job;
        }
        assert!(Instant::now() < deadline, "import still {job}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The welcome emails delivered, by recipient address.
fn welcomed(smtp: &SmtpServer, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut to: Vec<String> = smtp
            .messages()
            .iter()
            .filter(|m| m.contains("Create your password"))
            .filter_map(|m| {
                m.lines()
                    .find(|l| l.starts_with("To:"))
                    .map(|l| l.trim_start_matches("To:").trim().to_owned())
            })
            .collect();
        if to.len() >= count || Instant::now() > deadline {
            to.sort();
            return to;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Events of the import (their `detail.import`), by activity.
fn import_events(idp: &Idp, activity: &str, import: &str) -> Vec<Value> {
    idp.audit_events(activity)
        .into_iter()
        .filter(|e| e["detail"]["import"] == import)
        .collect()
}

const EDIT_WORKBOOK: &str = r#"
import sys, json, openpyxl
src, dst = sys.argv[1], sys.argv[2]
book = openpyxl.load_workbook(src)
ws = book["Members"]
header = [c.value for c in ws[1]]
col = {name: i for i, name in enumerate(header)}
checks = {
    "sheets": book.sheetnames,
    "frozen": ws.freeze_panes,
    "validations": sorted(v.formula1 for v in ws.data_validations.dataValidation),
    "header_bold": ws.cell(row=1, column=1).font.b,
}
wanted = {"m2@example.com": "N", "m4@example.com": "y", "m5@example.com": "\uff39"}
for row in ws.iter_rows(min_row=2):
    email = row[col["email"]].value
    if email in wanted:
        row[col["email_login_enabled"]].value = wanted[email]
    # Excel users type over cells with spaces and capitals; they stay the same member.
    if email == "m1@example.com":
        row[col["email"]].value = "  M1@Example.COM "
# A column of the administrator's own, which the import ignores.
ws.cell(row=1, column=len(header) + 1, value="Notes")
ws.cell(row=2, column=len(header) + 1, value="anything")
book.save(dst)
print(json.dumps(checks))
"#;

const READ_REPORT: &str = r#"
import sys, json, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Members"]
rows = [[c.value for c in r] for r in ws.iter_rows()]
print(json.dumps({"header": rows[0], "rows": rows[1:]}))
"#;

async fn workbook_round_trip(idp: &Idp, smtp: &SmtpServer) {
    let admin = admin_session(idp).await;
    let dir = tempfile::tempdir().unwrap();
    let (status, headers, exported) = send(
        &admin,
        reqwest::Method::GET,
        "/admin/api/orgs/acme/members/export?format=xlsx",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"),
        "{headers:?}"
    );
    let exported_path = dir.path().join("members.xlsx");
    std::fs::write(&exported_path, &exported).unwrap();
    let edited_path = dir.path().join("edited.xlsx");
    let checks = json(
        python(
            EDIT_WORKBOOK,
            &[
                exported_path.to_str().unwrap(),
                edited_path.to_str().unwrap(),
            ],
        )
        .as_bytes(),
    );
    assert_eq!(checks["sheets"], serde_json::json!(["Members", "Read me"]));
    assert_eq!(checks["frozen"], "A2");
    assert_eq!(
        checks["validations"],
        serde_json::json!(["\"Y,N\"", "\"active,on_leave,disabled\""])
    );
    assert_eq!(checks["header_bold"], true);
    let accesses = idp.audit_events("personal_info_access");
    assert!(
        accesses
            .iter()
            .any(|e| e["event"] == "download" && e["detail"]["exported"] == "members"),
        "the export is recorded as a download of personal information"
    );

    // The dry run shows exactly the three changes and changes nothing.
    let edited = std::fs::read(&edited_path).unwrap();
    let (status, _, body) = send(
        &admin,
        reqwest::Method::POST,
        "/admin/api/orgs/acme/members/import?file_name=edited.xlsx",
        Some((
            edited.clone(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let answer = json(&body);
    let report = &answer["report"];
    assert_eq!(
        report["totals"],
        serde_json::json!({"create": 0, "update": 3, "unchanged": 4, "warnings": 1, "errors": 0})
    );
    assert_eq!(
        changed(report),
        vec![
            ("m2@example.com".to_owned(), login_change("Y", "N")),
            ("m4@example.com".to_owned(), login_change("N", "Y")),
            ("m5@example.com".to_owned(), login_change("N", "Y")),
        ]
    );
    assert!(report["notes"][0].as_str().unwrap().contains("Notes"));
    assert_eq!(
        report["impact"][0],
        "email login N for 1 members deletes their passwords and pending password links"
    );
    assert!(
        signs_in(idp, "m2@example.com").await,
        "a dry run changes nothing"
    );
    let import = answer["import_id"].as_str().unwrap().to_owned();
    let digest = answer["digest"].as_str().unwrap().to_owned();

    // The report as the original workbook with Status and Messages columns.
    let (status, _, file) = send(
        &admin,
        reqwest::Method::GET,
        &format!("/admin/api/import-jobs/{import}/report"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let report_path = dir.path().join("report.xlsx");
    std::fs::write(&report_path, file).unwrap();
    let read = json(python(READ_REPORT, &[report_path.to_str().unwrap()]).as_bytes());
    let header: Vec<&str> = read["header"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert_eq!(header[header.len() - 2..], ["Status", "Messages"]);
    assert!(header.contains(&"Notes"));
    let statuses: Vec<&str> = read["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[header.len() - 2].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "update").count(), 3);

    // Apply needs the digest of the file previewed.
    let apply = |digest: String| {
        let import = import.clone();
        let admin = &admin;
        async move {
            send(
                admin,
                reqwest::Method::POST,
                "/admin/api/orgs/acme/members/import/apply",
                Some((
                    serde_json::json!({"import_id": import, "digest": digest})
                        .to_string()
                        .into_bytes(),
                    "application/json",
                )),
            )
            .await
        }
    };
    let (status, _, _) = apply("0".repeat(64)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _, body) = apply(digest.clone()).await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let job = finished(&admin, &import).await;
    assert_eq!(
        (
            &job["total"],
            &job["processed"],
            &job["applied"],
            &job["conflicts"]
        ),
        (
            &serde_json::json!(3),
            &serde_json::json!(3),
            &serde_json::json!(3),
            &serde_json::json!(0)
        )
    );
    let (status, _, _) = apply(digest).await;
    assert_eq!(status, StatusCode::CONFLICT, "an import applies once");

    // Welcome emails for the newly enabled, the password gone for the disabled, one
    // audit event per change.
    assert_eq!(
        welcomed(smtp, 2),
        vec!["m4@example.com".to_owned(), "m5@example.com".to_owned()]
    );
    assert!(!signs_in(idp, "m2@example.com").await);
    assert!(signs_in(idp, "m1@example.com").await);
    // The members page's filters narrow an export: email login off is m2 alone now.
    let (status, _, csv) = send(
        &admin,
        reqwest::Method::GET,
        "/admin/api/orgs/acme/members/export?format=csv&email_login=off",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.starts_with('\u{FEFF}'),
        "UTF-8 with a byte order mark for Excel"
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].contains(",m2@example.com,"), "{csv}");
    let events = import_events(idp, "security_settings_change", &import);
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(
        import_events(idp, "member_change", &import).len() == 1,
        "the apply request"
    );
}

#[tokio::test]
async fn a_workbook_edited_with_openpyxl_imports_exactly_its_changes_on_sqlite() {
    let test = "a_workbook_edited_with_openpyxl_imports_exactly_its_changes_on_sqlite";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    if !openpyxl(test) {
        return;
    }
    let (idp, _) = provider(&smtp, None).await.unwrap();
    workbook_round_trip(&idp, &smtp).await;
}

#[tokio::test]
async fn a_workbook_edited_with_openpyxl_imports_exactly_its_changes_on_postgres() {
    let test = "a_workbook_edited_with_openpyxl_imports_exactly_its_changes_on_postgres";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    if !openpyxl(test) {
        return;
    }
    let Some((idp, _db)) = provider(&smtp, Some(test)).await else {
        return;
    };
    workbook_round_trip(&idp, &smtp).await;
}

/// Rewrites an exported CSV the way Excel saves "CSV UTF-8" in a semicolon locale:
/// byte order mark, semicolons, CRLF; with some cells edited.
const SAVE_AS_EXCEL: &str = r#"
import sys, csv
src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
col = {name: i for i, name in enumerate(rows[0])}
for r in rows[1:]:
    if r[col["email"]] == "m3@example.com":
        r[col["email_login_enabled"]] = "no"
        r[col["name"]] = "José Núñez"
        r[col["organization"]] = "/Acme/Sales"
    if r[col["email"]] == "m4@example.com":
        r[col["email_login_enabled"]] = "Yes"
rows.append(["", "new@example.com", "Newcomer", "", "on leave", "N"])
with open(dst, "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f, delimiter=";", lineterminator="\r\n").writerows(rows)
"#;

#[tokio::test]
async fn an_excel_csv_imports_through_the_command_line() {
    let test = "an_excel_csv_imports_through_the_command_line";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let (idp, _) = provider(&smtp, None).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("members.csv");
    let edited = dir.path().join("edited.csv");
    let out = idp.cli_text(&[
        "user",
        "export",
        "--org",
        "acme",
        "--format",
        "csv",
        "-o",
        exported.to_str().unwrap(),
    ]);
    assert!(out.contains("exported 7 members"), "{out}");
    let bytes = std::fs::read(&exported).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with a byte order mark"
    );
    python(
        SAVE_AS_EXCEL,
        &[exported.to_str().unwrap(), edited.to_str().unwrap()],
    );

    let dry = idp.cli(&[
        "user",
        "import",
        "--org",
        "acme",
        edited.to_str().unwrap(),
        "--json",
    ]);
    let report = &dry["report"];
    assert_eq!(report["totals"]["errors"], 0, "{report}");
    assert_eq!(
        changed(report),
        vec![
            (
                "m3@example.com".to_owned(),
                vec![
                    ("name".into(), "".into(), "José Núñez".into()),
                    ("organization".into(), "/Acme".into(), "/Acme/Sales".into()),
                    ("email_login_enabled".into(), "Y".into(), "N".into()),
                ]
            ),
            ("m4@example.com".to_owned(), login_change("N", "Y")),
            (
                "new@example.com".to_owned(),
                vec![
                    ("email".into(), "".into(), "new@example.com".into()),
                    ("name".into(), "".into(), "Newcomer".into()),
                    ("organization".into(), "".into(), "/Acme".into()),
                    ("status".into(), "".into(), "on_leave".into()),
                    ("email_login_enabled".into(), "".into(), "N".into()),
                ]
            ),
        ]
    );
    assert!(dry["job"].is_null(), "a dry run by default");
    assert!(signs_in(&idp, "m3@example.com").await);

    let text = idp.cli_text(&[
        "user",
        "import",
        "--org",
        "acme",
        edited.to_str().unwrap(),
        "--apply",
    ]);
    assert!(text.contains("applied: 3 of 3 changes"), "{text}");
    assert_eq!(welcomed(&smtp, 1), vec!["m4@example.com".to_owned()]);
    assert!(!signs_in(&idp, "m3@example.com").await);
    let members = idp.cli(&["user", "list", "--org", "sales", "--json"]);
    assert_eq!(members[0]["email"], "m3@example.com");
    let created = idp.audit_events("member_change");
    assert!(
        created
            .iter()
            .any(|e| e["event"] == "create" && e["detail"]["after"]["status"] == "on_leave"),
        "the new member's creation is recorded"
    );
}

#[tokio::test]
async fn bad_files_are_refused_or_reported_and_change_nothing() {
    let test = "bad_files_are_refused_or_reported_and_change_nothing";
    if !openpyxl(test) {
        return;
    }
    let idp = Idp::start().await;
    idp.member("acme", ADMIN, ADMIN_PASSWORD, &["--super-admin"]);
    let admin = admin_session(&idp).await;
    let upload = |bytes: Vec<u8>| {
        let admin = &admin;
        async move {
            let (status, _, body) = send(
                admin,
                reqwest::Method::POST,
                "/admin/api/orgs/acme/members/import",
                Some((bytes, "application/octet-stream")),
            )
            .await;
            (status, json(&body))
        }
    };
    let (status, body) = upload(b"%PDF-1.7\x00\x01binary".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("not an Excel workbook")
    );
    let (status, body) = upload(vec![b'x'; 11 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["error"].as_str().unwrap().contains("10 MB"));
    let mut protected = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    protected.resize(4096, 0);
    let (status, body) = upload(protected).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("password-protected")
    );
    let (status, _) = upload(b"PK\x03\x04not really a zip".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A workbook with a formula never calculated, a date, a duplicate and a bad Y/N:
    // each reported on its row; the import cannot be applied.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.xlsx");
    python(
        r#"
import sys, datetime, openpyxl
book = openpyxl.Workbook()
ws = book.active
ws.append(["Email", "Name", "Email login enabled", "Status"])
ws.append(["dup@example.com", "A", "Y", "active"])
ws.append(["dup@example.com", "B", "N", "active"])
ws.append(["f@example.com", "=UPPER(\"x\")", "Y", "active"])
ws.append(["d@example.com", datetime.datetime(2024, 5, 1), "Y", "active"])
ws.append(["m@example.com", "M", "perhaps", "retired"])
book.save(sys.argv[1])
"#,
        &[path.to_str().unwrap()],
    );
    let (status, body) = upload(std::fs::read(&path).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = body["report"]["rows"].as_array().unwrap();
    let messages =
        |row: u64| rows.iter().find(|r| r["row"] == row).unwrap()["messages"].to_string();
    assert!(messages(2).contains("more than once") && messages(3).contains("more than once"));
    assert!(messages(4).contains("formula"), "{}", messages(4));
    assert!(messages(5).contains("date"), "{}", messages(5));
    assert!(messages(6).contains("Y or N") && messages(6).contains("status must be"));
    assert_eq!(body["report"]["totals"]["errors"], 5);
    let (status, _, answer) = send(
        &admin,
        reqwest::Method::POST,
        "/admin/api/orgs/acme/members/import/apply",
        Some((
            serde_json::json!({"import_id": body["import_id"], "digest": body["digest"]})
                .to_string()
                .into_bytes(),
            "application/json",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&answer).contains("5 errors"));
    let members = idp.cli(&["user", "list", "--org", "acme", "--json"]);
    assert_eq!(members.as_array().unwrap().len(), 2, "nothing was created");
}

/// A node stopped in the middle of an apply: after a restart the import goes on from
/// the first row not done, and every row is applied exactly once.
#[tokio::test]
async fn an_import_goes_on_after_its_node_stops() {
    let env = [
        ("IDP_IMPORTS__LEASE_SECS", "2"),
        ("IDP_IMPORTS__CHECK_SECS", "1"),
    ];
    let idp = Idp::start_with(&env).await;
    idp.member("acme", ADMIN, ADMIN_PASSWORD, &["--super-admin"]);
    let admin = admin_session(&idp).await;
    const ROWS: u64 = 3000;
    let mut file = String::from("email,name,email_login_enabled\r\n");
    for i in 0..ROWS {
        file.push_str(&format!("new{i}@example.com,New {i},N\r\n"));
    }
    let (status, _, body) = send(
        &admin,
        reqwest::Method::POST,
        "/admin/api/orgs/acme/members/import?file_name=new.csv",
        Some((file.into_bytes(), "text/csv")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let answer = json(&body);
    let import = answer["import_id"].as_str().unwrap().to_owned();
    let (status, _, _) = send(
        &admin,
        reqwest::Method::POST,
        "/admin/api/orgs/acme/members/import/apply",
        Some((
            serde_json::json!({"import_id": import, "digest": answer["digest"]})
                .to_string()
                .into_bytes(),
            "application/json",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let status_path = format!("/admin/api/import-jobs/{import}");
    let processed = loop {
        let (_, _, body) = send(&admin, reqwest::Method::GET, &status_path, None).await;
        let job = json(&body);
        let n = job["processed"].as_u64().unwrap();
        if n > 0 {
            break n;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // The node dies (SIGKILL) part-way.
    let Idp {
        server,
        env: owned,
        base,
        user_id,
        _dir,
    } = idp;
    let (port, dir) = (server.port(), server.dir.clone());
    drop(server);
    let refs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let server = support::Server::start_on(&dir, &refs, port).await;
    let idp = Idp {
        server,
        env: owned.clone(),
        base,
        user_id,
        _dir,
    };
    let (_, _, body) = send(&admin, reqwest::Method::GET, &status_path, None).await;
    let interrupted = json(&body);
    assert!(
        interrupted["processed"].as_u64().unwrap() < ROWS,
        "the import was still running when its node stopped ({processed} then {interrupted})"
    );
    let job = finished(&admin, &import).await;
    assert_eq!(job["processed"], ROWS);
    assert_eq!(job["applied"], ROWS);
    assert_eq!(job["conflicts"], 0);
    let members = idp.cli(&["user", "list", "--org", "acme", "--json"]);
    assert_eq!(members.as_array().unwrap().len() as u64, ROWS + 2);
    let events = idp.cli(&[
        "audit",
        "search",
        "--org",
        "acme",
        "--activity",
        "member_change",
        "--limit",
        "10000",
        "--json",
    ]);
    let created = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "create" && e["detail"]["import"] == import.as_str())
        .count() as u64;
    assert_eq!(
        created, ROWS,
        "every row applied once, with its audit event"
    );
}

/// A member changed by someone else between the preview and the apply is reported as a
/// conflict and left as they are; the other rows are applied.
#[tokio::test]
async fn a_member_changed_since_the_preview_is_reported_not_overwritten() {
    let idp = Idp::start().await;
    idp.member("acme", ADMIN, ADMIN_PASSWORD, &["--super-admin"]);
    for i in 1..=2 {
        idp.member("acme", &format!("m{i}@example.com"), MEMBER_PASSWORD, &[]);
    }
    let admin = admin_session(&idp).await;
    let file = "email,status\r\nm1@example.com,on_leave\r\nm2@example.com,on_leave\r\n";
    let (status, _, body) = send(
        &admin,
        reqwest::Method::POST,
        "/admin/api/orgs/acme/members/import?file_name=leave.csv",
        Some((file.as_bytes().to_vec(), "text/csv")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let answer = json(&body);
    assert_eq!(answer["report"]["totals"]["update"], 2);
    // Meanwhile another administrator disables m2.
    idp.cli_text(&[
        "user",
        "set-status",
        "--org",
        "acme",
        "--email",
        "m2@example.com",
        "--status",
        "disabled",
    ]);
    let import = answer["import_id"].as_str().unwrap();
    let (status, _, _) = send(
        &admin,
        reqwest::Method::POST,
        "/admin/api/orgs/acme/members/import/apply",
        Some((
            serde_json::json!({"import_id": import, "digest": answer["digest"]})
                .to_string()
                .into_bytes(),
            "application/json",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let job = finished(&admin, import).await;
    assert_eq!(
        (&job["applied"], &job["conflicts"]),
        (&serde_json::json!(1), &serde_json::json!(1))
    );
    assert_eq!(job["outcomes"][0]["email"], "m2@example.com");
    assert!(
        job["outcomes"][0]["message"]
            .as_str()
            .unwrap()
            .contains("changed since the preview")
    );
    // The report file now says what became of each row.
    let (status, _, file) = send(
        &admin,
        reqwest::Method::GET,
        &format!("/admin/api/import-jobs/{import}/report"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "\u{FEFF}email,status,Status,Messages");
    assert_eq!(lines[1], "m1@example.com,on_leave,applied,");
    assert!(
        lines[2].starts_with("m2@example.com,on_leave,not applied,the member changed"),
        "{text}"
    );
    let members = idp.cli(&["user", "list", "--org", "acme", "--json"]);
    let status_of = |email: &str| {
        members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status_of("m1@example.com"), "on_leave");
    assert_eq!(status_of("m2@example.com"), "disabled", "not overwritten");
}
