//! OAuth 2.0 and OpenID Connect error codes (RFC 6749 §4.1.2.1, §5.2; OIDC Core §3.1.2.6;
//! RFC 6750 §3.1; RFC 7009; RFC 7591 §3.2.2; RFC 8628 §3.5; RFC 9101 §6.3; RFC 9126; RFC 9449; OpenID Connect Core Unmet Authentication
//! Requirements 1.0).

use crate::client::wire_enum;

wire_enum!(
    OAuthErrorCode, "OAuth error" {
        InvalidRequest => "invalid_request",
        UnauthorizedClient => "unauthorized_client",
        AccessDenied => "access_denied",
        UnsupportedResponseType => "unsupported_response_type",
        InvalidScope => "invalid_scope",
        ServerError => "server_error",
        TemporarilyUnavailable => "temporarily_unavailable",
        InteractionRequired => "interaction_required",
        LoginRequired => "login_required",
        AccountSelectionRequired => "account_selection_required",
        ConsentRequired => "consent_required",
        RequestNotSupported => "request_not_supported",
        RequestUriNotSupported => "request_uri_not_supported",
        RegistrationNotSupported => "registration_not_supported",
        InvalidClient => "invalid_client",
        InvalidGrant => "invalid_grant",
        UnsupportedGrantType => "unsupported_grant_type",
        UnsupportedTokenType => "unsupported_token_type",
        InvalidToken => "invalid_token",
        InsufficientScope => "insufficient_scope",
        UnmetAuthenticationRequirements => "unmet_authentication_requirements",
        InvalidRequestUri => "invalid_request_uri",
        InvalidRequestObject => "invalid_request_object",
        // RFC 9449 §5, §8, §12.2.
        InvalidDpopProof => "invalid_dpop_proof",
        UseDpopNonce => "use_dpop_nonce",
        AuthorizationPending => "authorization_pending",
        SlowDown => "slow_down",
        ExpiredToken => "expired_token",
        InvalidRedirectUri => "invalid_redirect_uri",
        InvalidClientMetadata => "invalid_client_metadata",
    }
);

/// An error as a relying party receives it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {description}")]
pub struct OAuthError {
    pub code: OAuthErrorCode,
    /// Only the characters RFC 6749 §4.1.2.1 allows (%x20-21 / %x23-5B / %x5D-7E).
    pub description: String,
}

impl OAuthError {
    pub fn new(code: OAuthErrorCode, description: impl AsRef<str>) -> Self {
        let description = description
            .as_ref()
            .chars()
            .map(|c| {
                if matches!(c, ' ' | '!' | '#'..='[' | ']'..='~') {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        Self { code, description }
    }

    pub fn invalid_request(d: impl AsRef<str>) -> Self {
        Self::new(OAuthErrorCode::InvalidRequest, d)
    }

    pub fn invalid_grant(d: impl AsRef<str>) -> Self {
        Self::new(OAuthErrorCode::InvalidGrant, d)
    }

    pub fn invalid_client(d: impl AsRef<str>) -> Self {
        Self::new(OAuthErrorCode::InvalidClient, d)
    }

    pub fn invalid_scope(d: impl AsRef<str>) -> Self {
        Self::new(OAuthErrorCode::InvalidScope, d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_keep_to_the_allowed_characters() {
        let e = OAuthError::invalid_request("the \"nonce\" is\ttoo long \\ é");
        assert_eq!(e.description, "the  nonce  is too long    ");
        assert_eq!(e.code.as_str(), "invalid_request");
    }
}
