//! The mail port through lettre: SMTP (plain on loopback, STARTTLS or implicit TLS),
//! or a file outbox that writes each message as an .eml file, the embedded default.

use async_trait::async_trait;
use idp_core::ports::{MailError, Mailer, OutgoingMail};
use idp_core::secret::SecretString;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor,
};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain SMTP; only sensible to a relay on the same host.
    None,
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Clone, Debug)]
pub struct SmtpOptions {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub timeout: Duration,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

pub struct LettreMailer {
    from: Mailbox,
    transport: Transport,
}

fn invalid(e: impl std::fmt::Display) -> MailError {
    MailError::Invalid(e.to_string())
}

/// Whether `text` is a mailbox such as `idp <no-reply@example.com>`.
pub fn check_mailbox(text: &str) -> Result<(), MailError> {
    text.parse::<Mailbox>().map(drop).map_err(invalid)
}

impl LettreMailer {
    pub fn smtp(from: &str, options: &SmtpOptions) -> Result<Self, MailError> {
        let builder = match options.security {
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&options.host)
            }
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&options.host)
                    .map_err(invalid)?
            }
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&options.host).map_err(invalid)?
            }
        };
        let mut builder = builder.port(options.port).timeout(Some(options.timeout));
        if let (Some(user), Some(pass)) = (&options.username, &options.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.expose().to_owned()));
        }
        Ok(Self {
            from: from.parse().map_err(invalid)?,
            transport: Transport::Smtp(builder.build()),
        })
    }

    pub fn outbox(from: &str, dir: PathBuf) -> Result<Self, MailError> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| invalid(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Self {
            from: from.parse().map_err(invalid)?,
            transport: Transport::File {
                transport: AsyncFileTransport::new(&dir),
                dir,
            },
        })
    }
}

#[async_trait]
impl Mailer for LettreMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let to: Mailbox = mail.to.as_str().parse().map_err(invalid)?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                idp_core::mail_body::html_alternative(&mail.text),
            ))
            .map_err(invalid)?;
        match &self.transport {
            Transport::Smtp(t) => {
                t.send(message)
                    .await
                    .map_err(|e| MailError::Delivery(e.to_string()))?;
                tracing::info!(to = %mail.to, subject = %mail.subject, "mail sent");
            }
            Transport::File { transport, dir } => {
                let id = transport
                    .send(message)
                    .await
                    .map_err(|e| MailError::Delivery(e.to_string()))?;
                let path = dir.join(format!("{id}.eml"));
                tracing::info!(to = %mail.to, subject = %mail.subject, path = %path.display(), "mail written to the outbox");
            }
        }
        Ok(())
    }
}
