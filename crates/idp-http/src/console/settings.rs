//! What the organization settings pages (Authentication, Security, Login settings,
//! Federation) share: the organization's chain of settings, where a value comes from in
//! words, and the version carried in their forms.

use crate::error::HttpError;
use crate::state::AppState;
use actix_web::http::StatusCode;
use idp_core::admin::AdminError;
use idp_core::i18n::Tr;
use idp_core::org::Organization;
use idp_core::policy::{self, EffectivePolicy, PolicySettings};
use idp_core::policy_edit::{self, Source};
use std::collections::HashMap;

/// An organization's settings as its pages show them.
pub struct Chain {
    /// Each organization's own settings, from the main organization down to this one.
    pub settings: Vec<PolicySettings>,
    /// The names of the organizations of `settings`, in the same order, and their slugs.
    pub orgs: Vec<(String, String)>,
    pub effective: EffectivePolicy,
    /// The version of the organization's own settings and IP lists, for the forms.
    pub version: String,
}

impl Chain {
    pub async fn load(state: &AppState, org: &Organization) -> Result<Chain, HttpError> {
        let settings = policy::settings_chain(&state.stores, org).await?;
        let names: HashMap<String, (String, String)> = super::org_names(state).await?;
        let orgs = policy::ancestry(org)
            .iter()
            .map(|id| {
                names
                    .get(id.as_str())
                    .map(|(slug, name)| (name.clone(), slug.clone()))
                    .unwrap_or_else(|| (id.to_string(), id.to_string()))
            })
            .collect();
        Ok(Chain {
            effective: EffectivePolicy::from_chain(&settings),
            settings,
            orgs,
            version: policy_edit::current_version(&state.stores, org).await?,
        })
    }

    /// This organization's own settings.
    pub fn own(&self) -> PolicySettings {
        self.settings.last().cloned().unwrap_or_default()
    }

    /// Where a value comes from, in words: "Set here", "Inherited from Acme", "Default".
    pub fn source_label(&self, t: &Tr, source: Source) -> String {
        match source {
            Source::Here => t.t("console-source-here"),
            Source::Inherited(i) => match self.orgs.get(i) {
                Some(o) => t.t1("console-source-inherited", "org", o.0.as_str()),
                None => t.t("console-source-inherited-parent"),
            },
            Source::Default => t.t("console-default"),
        }
    }

    /// The slug of the organization a value is inherited from, for a link to it.
    pub fn source_slug(&self, source: Source) -> Option<String> {
        match source {
            Source::Inherited(i) => self.orgs.get(i).map(|o| o.1.clone()),
            _ => None,
        }
    }
}

/// A refusal of a settings form as the sentence its page shows, or the error to raise
/// when it is not the administrator's to fix, in the reader's language (see
/// `AdminError::message` for what is still English).
pub fn refusal_text(t: &Tr, e: AdminError) -> Result<(StatusCode, String), HttpError> {
    let status = match &e {
        AdminError::Store(_) | AdminError::Ephemeral(_) => return Err(e.into()),
        AdminError::Authz(idp_core::authz::AuthzError::Store(_)) => return Err(e.into()),
        AdminError::Authz(_) => StatusCode::FORBIDDEN,
        AdminError::Stale { .. }
        | AdminError::ConfirmationRequired { .. }
        | AdminError::WouldLockYouOut(_)
        | AdminError::SignInWaysKept(_) => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    let text = match &e {
        // In the form's words: its labels and units.
        AdminError::Policy(p) => policy_edit::explain(p).message(t),
        other => other.message(t),
    };
    Ok((status, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_what_to_fix_in_the_form_s_words() {
        let en = Tr::default();
        let (status, text) = refusal_text(
            &en,
            AdminError::ConfirmationRequired {
                affected: 3,
                what: "every enrolled second factor",
            },
        )
        .unwrap();
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(
            text,
            "This deletes every enrolled second factor of 3 members; type 3 (or the organization's name) in the confirmation box to go ahead."
        );
        let (status, text) = refusal_text(
            &en,
            AdminError::Policy(idp_core::policy::PolicyError::OutOfRange {
                setting: "session_lifetime_hours",
                min: 1,
                max: 8760,
            }),
        )
        .unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(text, "Session lifetime must be between 1 and 8760 hours.");
        assert!(
            refusal_text(
                &en,
                AdminError::Store(idp_core::ports::StoreError::Unavailable("down".into()))
            )
            .is_err()
        );
    }
}
