//! Authentication context classes (OIDC Core §2 `acr`, §3.1.2.1 `acr_values`, §5.5.1.1):
//! which level a sign-in reached, which level a request asks for, and whether a session
//! meets it or must step up to a second factor.

use serde::{Deserialize, Serialize};

/// The levels this provider names. Declaration order is strength order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Acr {
    /// One factor proven by a federated identity provider (Google, Entra ID) that did not
    /// report a second one.
    Federated,
    /// One factor: the member's password.
    Password,
    /// A password or a federated identity, and a second factor.
    MultiFactor,
}

impl Acr {
    pub const ALL: [Acr; 3] = [Acr::Password, Acr::Federated, Acr::MultiFactor];

    pub fn as_str(self) -> &'static str {
        match self {
            Acr::Federated => "urn:idp:acr:fed",
            Acr::Password => "urn:idp:acr:pwd",
            Acr::MultiFactor => "urn:idp:acr:mfa",
        }
    }

    pub fn parse(value: &str) -> Option<Acr> {
        Acr::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// The level a sign-in really reached, read from its `amr` (RFC 8176 values): a second
    /// factor (`mfa`, or `otp` after a first factor) wins; otherwise a federated sign-in
    /// is its own level, and a password sign-in the password level.
    pub fn achieved(amr: &[String]) -> Acr {
        let has = |m: &str| amr.iter().any(|a| a == m);
        if has("mfa") || has("otp") {
            Acr::MultiFactor
        } else if has("fed") {
            Acr::Federated
        } else {
            Acr::Password
        }
    }

    /// Whether a sign-in at this level satisfies a request for `wanted`. A second factor
    /// satisfies every level; the one-factor levels satisfy only themselves.
    pub fn satisfies(self, wanted: Acr) -> bool {
        self == Acr::MultiFactor || self == wanted
    }
}

/// What an authorization request asks of the sign-in's level.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcrRequest {
    /// The levels that would do, as named by `acr_values` or the `acr` claim request,
    /// unknown names kept so an essential request for only those can be refused.
    pub values: Vec<String>,
    /// Asked as an essential claim (OIDC Core §5.5.1): a sign-in that cannot meet it
    /// fails instead of going ahead at a lower level.
    pub essential: bool,
}

/// Whether a session is good enough for a request, and if not what would make it so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcrVerdict {
    /// Nothing asked, or the session's level is one asked for.
    Met,
    /// A second factor would meet the request.
    StepUp,
    /// Nothing this provider can do would meet an essential request.
    Unmet,
}

impl AcrRequest {
    /// Combines `acr_values` (voluntary) with the `acr` member of the `claims`
    /// parameter; the essential claim, when there is one, decides.
    pub fn from_parts(acr_values: Option<&str>, claim: Option<AcrRequest>) -> AcrRequest {
        match claim {
            Some(c) if c.essential || !c.values.is_empty() => c,
            _ => AcrRequest {
                values: acr_values
                    .unwrap_or_default()
                    .split(' ')
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect(),
                essential: false,
            },
        }
    }

    fn known(&self) -> Vec<Acr> {
        self.values.iter().filter_map(|v| Acr::parse(v)).collect()
    }

    /// Whether a sign-in that reached `achieved` meets this request.
    ///
    /// A voluntary request naming only levels we do not know is ignored; an essential one
    /// is unmet. A request any known level of which a second factor would satisfy steps
    /// up, which is every request a one-factor session does not already meet.
    pub fn judge(&self, achieved: Acr) -> AcrVerdict {
        let known = self.known();
        if known.is_empty() {
            return if self.essential && !self.values.is_empty() {
                AcrVerdict::Unmet
            } else {
                AcrVerdict::Met
            };
        }
        if known.iter().any(|w| achieved.satisfies(*w)) {
            AcrVerdict::Met
        } else {
            AcrVerdict::StepUp
        }
    }

    /// True when the request can only be met with a second factor, so the sign-in that
    /// answers it must ask for one whatever the organization's policy or network.
    pub fn demands_second_factor(&self, first_factor: Acr) -> bool {
        self.judge(first_factor) == AcrVerdict::StepUp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amr(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn the_achieved_level_comes_from_what_was_proven() {
        assert_eq!(Acr::achieved(&amr(&["pwd"])), Acr::Password);
        assert_eq!(
            Acr::achieved(&amr(&["pwd", "otp", "mfa"])),
            Acr::MultiFactor
        );
        assert_eq!(Acr::achieved(&amr(&["fed"])), Acr::Federated);
        assert_eq!(Acr::achieved(&amr(&["fed", "pwd"])), Acr::Federated);
        assert_eq!(Acr::achieved(&amr(&["fed", "mfa"])), Acr::MultiFactor);
        // A passkey with user verification, alone or after a password.
        assert_eq!(
            Acr::achieved(&amr(&["hwk", "user", "mfa"])),
            Acr::MultiFactor
        );
        assert_eq!(
            Acr::achieved(&amr(&["pwd", "swk", "user", "mfa"])),
            Acr::MultiFactor
        );
        assert_eq!(Acr::achieved(&[]), Acr::Password);
        for a in Acr::ALL {
            assert_eq!(Acr::parse(a.as_str()), Some(a));
        }
        assert_eq!(Acr::parse("urn:idp:acr:silver"), None);
    }

    #[test]
    fn requests_are_judged_against_the_achieved_level() {
        let ask = |values: &[&str], essential| AcrRequest {
            values: amr(values),
            essential,
        };
        use AcrVerdict::*;
        let mfa = "urn:idp:acr:mfa";
        let pwd = "urn:idp:acr:pwd";
        let fed = "urn:idp:acr:fed";
        for (request, achieved, want) in [
            (ask(&[], false), Acr::Password, Met),
            (ask(&[mfa], true), Acr::Password, StepUp),
            (ask(&[mfa], false), Acr::Password, StepUp),
            (ask(&[mfa], true), Acr::Federated, StepUp),
            (ask(&[mfa], true), Acr::MultiFactor, Met),
            (ask(&[pwd, mfa], true), Acr::Password, Met),
            (ask(&[pwd], true), Acr::MultiFactor, Met),
            (ask(&[pwd], true), Acr::Federated, StepUp),
            (ask(&[fed], false), Acr::Federated, Met),
            (ask(&["urn:example:silver"], true), Acr::MultiFactor, Unmet),
            (ask(&["urn:example:silver"], false), Acr::Password, Met),
            (
                ask(&["urn:example:silver", mfa], true),
                Acr::Password,
                StepUp,
            ),
        ] {
            assert_eq!(request.judge(achieved), want, "{request:?} at {achieved:?}");
        }
        assert!(ask(&[mfa], false).demands_second_factor(Acr::Password));
        assert!(!ask(&[pwd, mfa], false).demands_second_factor(Acr::Password));
    }

    #[test]
    fn an_essential_claim_decides_over_acr_values() {
        let claim = AcrRequest {
            values: vec!["urn:idp:acr:mfa".into()],
            essential: true,
        };
        let both = AcrRequest::from_parts(Some("urn:idp:acr:pwd"), Some(claim.clone()));
        assert_eq!(both, claim);
        let values = AcrRequest::from_parts(Some(" urn:idp:acr:mfa  urn:idp:acr:pwd"), None);
        assert_eq!(values.values, ["urn:idp:acr:mfa", "urn:idp:acr:pwd"]);
        assert!(!values.essential);
        let empty_claim = AcrRequest::default();
        assert_eq!(
            AcrRequest::from_parts(Some("urn:idp:acr:mfa"), Some(empty_claim)).values,
            ["urn:idp:acr:mfa"]
        );
    }
}
