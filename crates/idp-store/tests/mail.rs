//! The mail port: over real SMTP to a local aiosmtpd server that files each message in a
//! maildir, to an unreachable server, and to the file outbox of the embedded default.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "an integration test crate is not a #[cfg(test)] module, so clippy.toml's test allowances do not reach it"
)]

mod common;
#[path = "../../../tests/support/smtp.rs"]
mod smtp;

use idp_core::email::Email;
use idp_core::ports::{MailError, Mailer, OutgoingMail};
use idp_store::{LettreMailer, SmtpOptions, SmtpSecurity};
use smtp::{SmtpServer, free_port};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const FROM: &str = "idp <no-reply@idp.example.org>";

fn sign_in_code_mail() -> OutgoingMail {
    OutgoingMail {
        to: Email::parse("ada@example.org").unwrap(),
        subject: "Your sign-in code".into(),
        text: "Hello Ada,\n\nyour sign-in code is 493817. It expires in 10 minutes.\n".into(),
    }
}

fn smtp_options(port: u16) -> SmtpOptions {
    SmtpOptions {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: None,
        password: None,
        timeout: Duration::from_secs(10),
    }
}

/// The header block and the body of a message, line endings normalized.
fn split_message(raw: &str) -> (Vec<(String, String)>, String) {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw.as_str(), ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            // A folded header continues the previous one.
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    (headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn assert_is_the_sign_in_code_mail(raw: &str) {
    let mail = sign_in_code_mail();
    let (headers, body) = split_message(raw);
    assert_eq!(
        header(&headers, "to"),
        vec![mail.to.as_str()],
        "To of\n{raw}"
    );
    assert_eq!(
        header(&headers, "subject"),
        vec![mail.subject.as_str()],
        "Subject of\n{raw}"
    );
    let from = header(&headers, "from");
    assert!(
        from.len() == 1 && from[0].contains("no-reply@idp.example.org"),
        "From of\n{raw}"
    );
    let content_type = header(&headers, "content-type").concat();
    assert!(
        content_type.starts_with("multipart/alternative"),
        "Content-Type of\n{raw}"
    );
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .unwrap()
        .trim_matches('"')
        .to_owned();
    // The parts between the boundaries: plain text first, HTML last (RFC 2046 §5.1.4).
    let parts: Vec<(Vec<(String, String)>, String)> = body
        .split(&format!("--{boundary}"))
        .map(str::trim_start)
        .filter(|p| !p.is_empty() && !p.starts_with("--"))
        .map(split_message)
        .collect();
    assert_eq!(parts.len(), 2, "two alternatives in\n{raw}");
    let (plain_headers, plain) = &parts[0];
    assert!(
        header(plain_headers, "content-type")
            .iter()
            .any(|v| v.starts_with("text/plain")),
        "the plain part first in\n{raw}"
    );
    assert_eq!(
        header(plain_headers, "content-transfer-encoding"),
        vec!["7bit"],
        "plain ASCII stays readable"
    );
    assert_eq!(plain.trim_end(), mail.text.trim_end(), "body of\n{raw}");
    let (html_headers, html) = &parts[1];
    assert!(
        header(html_headers, "content-type")
            .iter()
            .any(|v| v.starts_with("text/html")),
        "the HTML part last in\n{raw}"
    );
    assert!(
        html.contains("<p>your sign-in code is 493817. It expires in 10 minutes.</p>"),
        "the same words in HTML:\n{raw}"
    );
}

#[tokio::test]
async fn smtp_delivers_to_a_real_server() {
    let Some(server) = SmtpServer::start("smtp_delivers_to_a_real_server") else {
        return;
    };
    let mailer: Box<dyn Mailer> =
        Box::new(LettreMailer::smtp(FROM, &smtp_options(server.port)).unwrap());
    mailer.send(&sign_in_code_mail()).await.unwrap();

    // The server files the message before it answers 250; allow the file system a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut messages = server.messages();
    while messages.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        messages = server.messages();
    }
    assert_eq!(
        messages.len(),
        1,
        "one message delivered; server log:\n{}",
        server.log()
    );
    assert_is_the_sign_in_code_mail(&messages[0]);
}

#[tokio::test]
async fn smtp_to_an_unreachable_server_is_a_delivery_error() {
    let mailer = LettreMailer::smtp(FROM, &smtp_options(free_port())).unwrap();
    match mailer.send(&sign_in_code_mail()).await {
        Err(MailError::Delivery(_)) => {}
        other => panic!("expected MailError::Delivery, got {other:?}"),
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[tokio::test]
async fn outbox_writes_one_eml_file_per_message() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let mailer: Box<dyn Mailer> = Box::new(LettreMailer::outbox(FROM, outbox.clone()).unwrap());
    assert!(files_in(&outbox).is_empty(), "created empty");

    mailer.send(&sign_in_code_mail()).await.unwrap();
    let files = files_in(&outbox);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    assert_is_the_sign_in_code_mail(&std::fs::read_to_string(&files[0]).unwrap());

    let second = OutgoingMail {
        subject: "Your password was changed".into(),
        ..sign_in_code_mail()
    };
    mailer.send(&second).await.unwrap();
    let files = files_in(&outbox);
    assert_eq!(files.len(), 2, "a file per message: {files:?}");
    let subjects: Vec<bool> = files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .contains("Subject: Your password was changed")
        })
        .collect();
    assert_eq!(subjects.iter().filter(|s| **s).count(), 1);
}
