//! DPoP (RFC 9449) at the HTTP edge: reading the `DPoP` header, checking a proof against
//! our issuer-based URL of the endpoint, and the error answers (`invalid_dpop_proof`,
//! `use_dpop_nonce` with a `DPoP-Nonce`). The rules are `idp_core::oidc::dpop`'s.

use crate::state::AppState;
use actix_web::HttpRequest;
use actix_web::http::header::{HeaderName, HeaderValue};
use idp_core::oidc::dpop::{self, DpopAlg, DpopError, Proof, Target};

/// The proof of a request to `path`, checked (not yet spent): `None` when the request
/// carries none or DPoP is off (RFC 9449 §5: a server without DPoP ignores the header).
pub fn check(
    state: &AppState,
    req: &HttpRequest,
    path: &str,
    access_token: Option<&str>,
) -> Result<Option<Proof>, DpopError> {
    let Some(dpop) = &state.dpop else {
        return Ok(None);
    };
    let mut headers = req.headers().get_all(dpop::HEADER);
    let Some(value) = headers.next() else {
        return Ok(None);
    };
    // RFC 9449 §4.3 step 1: exactly one proof.
    if headers.next().is_some() {
        return Err(DpopError::Multiple);
    }
    let text = value
        .to_str()
        .map_err(|_| DpopError::Malformed("the header is not text"))?;
    let url = format!("{}{path}", state.settings.issuer().trim_end_matches('/'));
    let target = Target {
        method: req.method().as_str(),
        url: &url,
        access_token,
    };
    dpop.check(text, &target, state.stores.clock.now())
        .map(Some)
}

/// Uses a checked proof up (its `jti`, once).
pub async fn spend(state: &AppState, proof: Option<&Proof>) -> Result<(), DpopError> {
    match (&state.dpop, proof) {
        (Some(dpop), Some(proof)) => dpop.spend(state.stores.ephemeral.as_ref(), proof).await,
        _ => Ok(()),
    }
}

/// The `DPoP-Nonce` to send: always when nonces are required (RFC 9449 §8.2 lets the
/// server hand out the next one on any answer), and with every `use_dpop_nonce`.
pub fn nonce_header(
    state: &AppState,
    error: Option<&DpopError>,
) -> Option<(HeaderName, HeaderValue)> {
    let dpop = state.dpop.as_ref()?;
    if !dpop.rules().require_nonce && !error.is_some_and(DpopError::wants_nonce) {
        return None;
    }
    let value = HeaderValue::from_str(&dpop.nonce(state.stores.clock.now())).ok()?;
    Some((HeaderName::from_static("dpop-nonce"), value))
}

/// RFC 9449 §7.1: the `DPoP` challenge, with the algorithms we accept.
pub fn challenge(error: Option<(&str, &str)>) -> String {
    let algs = DpopAlg::ALL.map(DpopAlg::as_str).join(" ");
    match error {
        Some((code, description)) => {
            format!("DPoP algs=\"{algs}\", error=\"{code}\", error_description=\"{description}\"")
        }
        None => format!("DPoP algs=\"{algs}\""),
    }
}
