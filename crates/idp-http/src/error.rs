//! The one HTTP error type, with the whole status mapping in one place. A 500 answers
//! a generic body with an operation id and logs the cause under the same id.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use idp_core::admin::AdminError;
use idp_core::audit_jobs::ExportError;
use idp_core::authz::AuthzError;
use idp_core::members_io::FileError;
use idp_core::members_io::plan::ImportError;
use idp_core::mfa::SecondFactorError;
use idp_core::password_policy::ChangeError;
use idp_core::ports::{EphemeralError, PasswordError, StoreError};

/// What a 503 tells clients (RFC 9110 §10.2.3): seconds to wait before trying again.
/// Short, since a lost database connection is replaced within a few seconds.
pub const RETRY_AFTER_SECS: &str = "5";

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("a service idp depends on is unavailable")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
    /// A refusal whose sentence is the catalog message `key`: a browser reads it in its
    /// language, an API client in English.
    #[error("{}", english(.key))]
    Keyed {
        status: StatusCode,
        key: &'static str,
    },
}

impl HttpError {
    pub fn keyed(status: StatusCode, key: &'static str) -> Self {
        HttpError::Keyed { status, key }
    }
}

fn english(key: &str) -> String {
    idp_core::i18n::Tr::new(idp_core::i18n::Language::En).t(key)
}

/// The id under which a failed request's cause was logged, kept on the response for the
/// page that tells a person about it.
#[derive(Clone, Debug)]
pub struct OperationId(pub String);

impl From<StoreError> for HttpError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => HttpError::Unavailable(m),
            StoreError::Changed(m) => HttpError::Conflict(m),
            other => HttpError::Internal(other.to_string()),
        }
    }
}

impl From<EphemeralError> for HttpError {
    fn from(e: EphemeralError) -> Self {
        HttpError::Unavailable(e.to_string())
    }
}

impl From<AdminError> for HttpError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Store(s) => s.into(),
            AdminError::Ephemeral(s) => s.into(),
            AdminError::Password(PasswordError::Busy) => HttpError::TooManyRequests(e.to_string()),
            AdminError::Password(PasswordError::Crypto(c)) => HttpError::Internal(c.to_string()),
            AdminError::BootstrapLinkInvalid | AdminError::AlreadyBootstrapped => {
                HttpError::Gone(e.to_string())
            }
            AdminError::DuplicateEmail { .. }
            | AdminError::DuplicateSlug(_)
            | AdminError::Stale { .. }
            | AdminError::SignInWaysKept(_)
            | AdminError::OrgNotEmpty(_) => HttpError::Conflict(e.to_string()),
            AdminError::UnknownOrganization(_)
            | AdminError::UnknownMember(_)
            | AdminError::UnknownMemberId(_)
            | AdminError::UnknownClient(_)
            | AdminError::UnknownRegistrationToken(_) => HttpError::NotFound(e.to_string()),
            AdminError::Authz(a) => a.into(),
            other => HttpError::BadRequest(other.to_string()),
        }
    }
}

impl From<AuthzError> for HttpError {
    fn from(e: AuthzError) -> Self {
        match e {
            AuthzError::Forbidden(_) => HttpError::Forbidden(e.to_string()),
            AuthzError::Store(s) => s.into(),
        }
    }
}

impl From<idp_core::passkeys::PasskeyError> for HttpError {
    fn from(e: idp_core::passkeys::PasskeyError) -> Self {
        use idp_core::passkeys::PasskeyError as E;
        match e {
            E::Store(s) => s.into(),
            E::Ephemeral(s) => s.into(),
            E::Password(PasswordError::Busy) => HttpError::TooManyRequests(e.to_string()),
            E::Password(PasswordError::Crypto(_)) => HttpError::Internal(e.to_string()),
            E::Disabled | E::NotFound => HttpError::NotFound(e.to_string()),
            E::WrongPassword => HttpError::Unauthorized(e.to_string()),
            other => HttpError::BadRequest(other.to_string()),
        }
    }
}

impl From<SecondFactorError> for HttpError {
    fn from(e: SecondFactorError) -> Self {
        match e {
            SecondFactorError::Store(s) => s.into(),
            SecondFactorError::Ephemeral(s) => s.into(),
            SecondFactorError::Passkey(p) => p.into(),
            SecondFactorError::Password(PasswordError::Busy)
            | SecondFactorError::Locked { .. }
            | SecondFactorError::TooManyEmails => HttpError::TooManyRequests(e.to_string()),
            SecondFactorError::Forbidden => HttpError::Forbidden(e.to_string()),
            SecondFactorError::Password(PasswordError::Crypto(_))
            | SecondFactorError::Crypto(_)
            | SecondFactorError::Mail(_) => HttpError::Internal(e.to_string()),
            other => HttpError::BadRequest(other.to_string()),
        }
    }
}

impl From<ChangeError> for HttpError {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::Store(s) => s.into(),
            ChangeError::Ephemeral(s) => s.into(),
            ChangeError::Password(PasswordError::Busy) | ChangeError::TooManyRequests => {
                HttpError::TooManyRequests(e.to_string())
            }
            ChangeError::LinkInvalid => HttpError::Gone(e.to_string()),
            ChangeError::NoSuperAdministrator => HttpError::NotFound(e.to_string()),
            ChangeError::Disabled => HttpError::Forbidden(e.to_string()),
            ChangeError::Password(PasswordError::Crypto(_)) | ChangeError::Mail(_) => {
                HttpError::Internal(e.to_string())
            }
            ChangeError::EmailLoginDisabled => HttpError::Conflict(e.to_string()),
            ChangeError::Rule(_) | ChangeError::WrongCurrentPassword => {
                HttpError::BadRequest(e.to_string())
            }
        }
    }
}

impl From<ExportError> for HttpError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Store(s) => s.into(),
            ExportError::Ephemeral(s) => s.into(),
            ExportError::NoMailbox => HttpError::BadRequest(e.to_string()),
            ExportError::NotYours => HttpError::Forbidden(e.to_string()),
            ExportError::Mail(_) | ExportError::Corrupt(_) | ExportError::File(_) => {
                HttpError::Internal(e.to_string())
            }
        }
    }
}

impl From<ImportError> for HttpError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::File(FileError::TooLarge) => HttpError::PayloadTooLarge(e.to_string()),
            ImportError::File(_) | ImportError::HasErrors(_) | ImportError::Query(_) => {
                HttpError::BadRequest(e.to_string())
            }
            ImportError::Admin(a) => a.into(),
            ImportError::Authz(a) => a.into(),
            ImportError::Store(s) => s.into(),
            ImportError::UnknownImport(_) => HttpError::NotFound(e.to_string()),
            ImportError::DigestMismatch | ImportError::NotPreviewed(_) => {
                HttpError::Conflict(e.to_string())
            }
            ImportError::Corrupt(_) => HttpError::Internal(e.to_string()),
        }
    }
}

impl ResponseError for HttpError {
    fn status_code(&self) -> StatusCode {
        match self {
            HttpError::BadRequest(_) => StatusCode::BAD_REQUEST,
            HttpError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            HttpError::NotFound(_) => StatusCode::NOT_FOUND,
            HttpError::Gone(_) => StatusCode::GONE,
            HttpError::Forbidden(_) => StatusCode::FORBIDDEN,
            HttpError::Conflict(_) => StatusCode::CONFLICT,
            HttpError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            HttpError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            HttpError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            HttpError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            HttpError::Keyed { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut operation = None;
        let body = match self {
            HttpError::Internal(cause) | HttpError::Unavailable(cause) => {
                let operation_id = uuid_like();
                tracing::error!(%operation_id, %cause, status = status.as_u16(), "request failed");
                let body =
                    serde_json::json!({"error": self.to_string(), "operation_id": operation_id});
                operation = Some(OperationId(operation_id));
                body
            }
            other => serde_json::json!({"error": other.to_string()}),
        };
        let mut response = HttpResponse::build(status);
        if let Some(operation) = operation {
            response.extensions_mut().insert(operation);
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header((RETRY_AFTER, RETRY_AFTER_SECS));
        }
        response
            .insert_header((CONTENT_TYPE, "application/json"))
            .insert_header((CACHE_CONTROL, "no-store"))
            .body(body.to_string())
    }
}

fn uuid_like() -> String {
    idp_core::ids::EventId::generate().to_string()
}
