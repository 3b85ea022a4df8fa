//! Text messages over HTTP: one sender for the gateways people use, either a body
//! template posted as is (`sms.mode = "http"`) or Twilio's Messages API and the gateways
//! that copy it (`"twilio"`). A bounded timeout; no redirects; the number and the code
//! never reach a log line.

use crate::settings::{SmsMode, SmsSettings};
use async_trait::async_trait;
use idp_core::phone::PhoneNumber;
use idp_core::ports::{SmsError, SmsSender};
use idp_core::secret::SecretString;
use std::time::Duration;

pub struct HttpSms {
    http: reqwest::Client,
    mode: SmsMode,
    endpoint: String,
    username: Option<String>,
    password: Option<SecretString>,
    bearer: Option<SecretString>,
    from: String,
    template: String,
    content_type: String,
    code_lifetime: Duration,
}

impl HttpSms {
    /// The sender `settings` describe (already validated); `None` when text messages
    /// are off.
    pub fn from_settings(settings: &SmsSettings) -> Result<Option<Self>, reqwest::Error> {
        let Some(endpoint) = settings.endpoint.clone() else {
            return Ok(None);
        };
        if settings.mode == SmsMode::Off {
            return Ok(None);
        }
        let timeout = Duration::from_millis(settings.timeout_ms);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Some(Self {
            http,
            mode: settings.mode,
            endpoint,
            username: settings.username.clone(),
            password: settings.password.as_ref().map(|s| s.0.clone()),
            bearer: settings.bearer_token.as_ref().map(|s| s.0.clone()),
            from: settings.from.clone(),
            template: settings.body_template.clone(),
            content_type: settings.content_type.clone(),
            code_lifetime: Duration::from_secs(settings.code_lifetime_secs),
        }))
    }
}

/// `value` as it may stand inside a body of `content_type`.
fn escape(content_type: &str, value: &str) -> String {
    if content_type.contains("json") {
        // A JSON string's inside: serde's quoting without the quotes.
        let quoted = serde_json::Value::String(value.to_owned()).to_string();
        quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .unwrap_or_default()
            .to_owned()
    } else if content_type.contains("x-www-form-urlencoded") {
        url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
    } else {
        value.to_owned()
    }
}

/// The body template with its placeholders filled, each value escaped; a value is never
/// read again for placeholders (a message holding `{number}` stays as written).
pub fn fill_template(template: &str, content_type: &str, fields: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    'outer: while !rest.is_empty() {
        for (name, value) in fields {
            let placeholder = format!("{{{name}}}");
            if let Some(after) = rest.strip_prefix(placeholder.as_str()) {
                out.push_str(&escape(content_type, value));
                rest = after;
                continue 'outer;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

#[async_trait]
impl SmsSender for HttpSms {
    fn enabled(&self) -> bool {
        true
    }

    fn code_lifetime(&self) -> Duration {
        self.code_lifetime
    }

    async fn send(&self, to: &PhoneNumber, body: &str) -> Result<(), SmsError> {
        let request = self.http.post(&self.endpoint);
        let request = match self.mode {
            SmsMode::Twilio => request.form(&[
                ("To", to.as_str()),
                ("From", self.from.as_str()),
                ("Body", body),
            ]),
            SmsMode::Http | SmsMode::Off => request
                .header(reqwest::header::CONTENT_TYPE, &self.content_type)
                .body(fill_template(
                    &self.template,
                    &self.content_type,
                    &[
                        ("number", to.as_str()),
                        ("message", body),
                        ("from", &self.from),
                    ],
                )),
        };
        let request = match (&self.username, &self.password, &self.bearer) {
            (Some(user), password, _) => {
                request.basic_auth(user, password.as_ref().map(|p| p.expose().to_owned()))
            }
            (None, _, Some(token)) => request.bearer_auth(token.expose()),
            _ => request,
        };
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                SmsError::Timeout
            } else {
                SmsError::Unreachable(if e.is_connect() {
                    "no connection".into()
                } else {
                    "the request broke off".into()
                })
            }
        })?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(SmsError::Refused(format!("it answered {status}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled_and_escaped_for_their_body() {
        let json = fill_template(
            r#"{"to":"{number}","text":"{message}"}"#,
            "application/json",
            &[
                ("number", "+14155550100"),
                ("message", "say \"hi\"\n{number}"),
            ],
        );
        assert_eq!(
            json,
            r#"{"to":"+14155550100","text":"say \"hi\"\n{number}"}"#
        );
        let form = fill_template(
            "to={number}&msg={message}",
            "application/x-www-form-urlencoded",
            &[("number", "+14155550100"), ("message", "123456 is a & b")],
        );
        assert_eq!(form, "to=%2B14155550100&msg=123456+is+a+%26+b");
        assert_eq!(
            fill_template("{unknown} {message}", "text/plain", &[("message", "x")]),
            "{unknown} x"
        );
    }
}
