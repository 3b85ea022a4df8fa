//! Where a sign-in stands between its first proof and the session: which member and
//! authorization it serves, what has been proven, and what policy still requires (a
//! second factor to prove or to set up, a new password). One function per event; each
//! checks that the event belongs to the current step and answers the next one.
//!
//! What is required is decided again at every event from the member's current record
//! and policy ([`requirements`]), so a policy changed mid-journey counts at the next
//! step; what was proven is kept. Consent is the authorization's step after the session
//! starts ([`crate::oidc::authorize::decide`]): a member already signed in meets it too.
//! An upstream provider's sign-in needs no journey: its own policy governs its factors,
//! [`crate::federation::sign_in_upstream`] checks the same barriers, and the session
//! starts at once.

use crate::client::Client;
use crate::clock::Timestamp;
use crate::ids::{ClientId, UserId};
use crate::mfa::{self, SecondFactorMethod};
use crate::policy::{SecondFactorStep, policy_of_org};
use crate::ports::{StoreError, Stores};
use crate::records::{User, UserStatus};
use crate::signin::{Origin, SignInError, refusal};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long a member has from the first proof to the last step.
pub const JOURNEY_TTL: Duration = Duration::from_secs(10 * 60);

/// What started the journey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FirstFactor {
    /// The password, checked by [`crate::signin::sign_in_with_password`].
    Password,
    /// An emailed reset link: it stands in for the password only.
    RecoveryLink,
    /// A session that exists already and must prove a second factor for an
    /// application's `acr` (step-up); `amr` is what the session proved.
    Session { amr: Vec<String> },
    /// A passkey alone, verified by [`crate::passkeys::finish_discoverable`] where the
    /// member's organization allows it; with user verification it is multi-factor by
    /// itself, so no second factor is asked. `amr` is the passkey's.
    Passkey { amr: Vec<String> },
}

/// The step the browser is sent to next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// Prove a second factor the member has.
    SecondFactor,
    /// Set up a second factor policy requires and the member lacks.
    Enrol,
    /// Choose a new password (temporary or expired) before any token.
    ChangePassword,
    /// Nothing more: the session starts.
    Finish,
}

/// Why a member who proved who they are may no longer finish signing in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Barrier {
    Disabled,
    OnLeave,
    IpNotAllowed {
        ip: String,
    },
    /// An administrator whose organization requires a passkey of administrators, and
    /// who holds none: another administrator turns the rule off for a moment (or takes
    /// their role) while they add one. No passkey is set up on a password's strength
    /// alone at sign-in.
    PasskeyRequired,
}

/// What policy requires of this journey now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirements {
    pub second_factor: SecondFactorStep,
    pub barrier: Option<Barrier>,
}

#[derive(Debug, thiserror::Error)]
pub enum JourneyError {
    #[error("this sign-in took too long: sign in again")]
    Expired,
    /// The event is not the current step's (a page reloaded or replayed): the browser
    /// goes to `current`, nothing is recorded.
    #[error("that step of the sign-in is not the current one")]
    OutOfOrder { current: Step },
    #[error("signing in is no longer allowed for this account")]
    Barred(Barrier),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A sign-in whose first proof is done, held server-side between steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journey {
    pub user_id: UserId,
    /// The pending authorization it resumes; empty for a sign-in to the account pages.
    pub authz: String,
    /// The application it signs in to, whose network rules apply at every step.
    pub client_id: Option<ClientId>,
    pub first: FirstFactor,
    pub started_at: Timestamp,
    /// A temporary or expired password was used: a new one is due before the session.
    pub password_change_due: bool,
    /// Methods proven so far, in order, for the audit log (`password`, `totp`, …).
    methods: Vec<String>,
    /// RFC 8176 values for the ID token.
    amr: Vec<String>,
    second_factor_done: bool,
    password_changed: bool,
}

impl Journey {
    pub fn begin(
        user_id: UserId,
        authz: String,
        client_id: Option<ClientId>,
        first: FirstFactor,
        password_change_due: bool,
        now: Timestamp,
    ) -> Self {
        let (methods, amr): (Vec<String>, Vec<String>) = match &first {
            FirstFactor::Password => (vec!["password".into()], vec!["pwd".into()]),
            FirstFactor::RecoveryLink => (
                vec![crate::password_policy::RECOVERY_METHOD.into()],
                vec![crate::password_policy::RECOVERY_AMR.into()],
            ),
            FirstFactor::Session { amr } => (Vec::new(), amr.clone()),
            FirstFactor::Passkey { amr } => (vec!["passkey".into()], amr.clone()),
        };
        let second_factor_done = matches!(first, FirstFactor::Passkey { .. });
        // Only a password can be temporary or expired.
        let password_change_due = password_change_due && first == FirstFactor::Password;
        Self {
            user_id,
            authz,
            client_id,
            first,
            started_at: now,
            password_change_due,
            methods,
            amr,
            second_factor_done,
            password_changed: false,
        }
    }

    pub fn methods(&self) -> Vec<&str> {
        self.methods.iter().map(String::as_str).collect()
    }

    pub fn amr(&self) -> &[String] {
        &self.amr
    }

    pub fn expires_at(&self) -> Timestamp {
        self.started_at.plus(JOURNEY_TTL)
    }

    /// The step the journey stands at under `now`'s requirements.
    pub fn next(&self, req: &Requirements, now: Timestamp) -> Result<Step, JourneyError> {
        if now >= self.expires_at() {
            return Err(JourneyError::Expired);
        }
        if let Some(barrier) = &req.barrier {
            return Err(JourneyError::Barred(barrier.clone()));
        }
        if !self.second_factor_done {
            match req.second_factor {
                SecondFactorStep::Verify => return Ok(Step::SecondFactor),
                SecondFactorStep::Enrol => return Ok(Step::Enrol),
                SecondFactorStep::NotAsked => {}
            }
        }
        if self.password_change_due && !self.password_changed {
            return Ok(Step::ChangePassword);
        }
        Ok(Step::Finish)
    }

    fn expect(&self, step: Step, req: &Requirements, now: Timestamp) -> Result<(), JourneyError> {
        match self.next(req, now)? {
            current if current == step => Ok(()),
            current => Err(JourneyError::OutOfOrder { current }),
        }
    }

    /// A second factor the member had was proven: a code (`otp`) or a passkey (its
    /// own `amr` values).
    pub fn second_factor_proven(
        &mut self,
        method: SecondFactorMethod,
        amr: &[&str],
        req: &Requirements,
        now: Timestamp,
    ) -> Result<Step, JourneyError> {
        self.prove(Step::SecondFactor, method, amr, req, now)
    }

    /// A second factor was set up, and proven by its first use.
    pub fn enrolled(
        &mut self,
        method: SecondFactorMethod,
        amr: &[&str],
        req: &Requirements,
        now: Timestamp,
    ) -> Result<Step, JourneyError> {
        self.prove(Step::Enrol, method, amr, req, now)
    }

    pub fn password_changed(
        &mut self,
        req: &Requirements,
        now: Timestamp,
    ) -> Result<Step, JourneyError> {
        self.expect(Step::ChangePassword, req, now)?;
        self.password_changed = true;
        self.next(req, now)
    }

    fn prove(
        &mut self,
        at: Step,
        method: SecondFactorMethod,
        amr: &[&str],
        req: &Requirements,
        now: Timestamp,
    ) -> Result<Step, JourneyError> {
        self.expect(at, req, now)?;
        self.second_factor_done = true;
        self.methods.push(method.as_str().to_owned());
        // The first factor stays named (a session stepping up brings its own).
        if self.amr.is_empty() {
            self.amr.push("pwd".into());
        }
        for value in amr.iter().copied().chain(["mfa"]) {
            if !self.amr.iter().any(|m| m == value) {
                self.amr.push(value.to_owned());
            }
        }
        self.next(req, now)
    }
}

/// The `amr` values a code proves.
pub const CODE_AMR: &[&str] = &["otp"];

/// What policy requires of `journey` now, for its member as stored now; `None` when
/// the member is gone.
pub async fn requirements(
    stores: &Stores,
    journey: &Journey,
    origin: &Origin,
) -> Result<Option<(User, Requirements)>, StoreError> {
    let Some(user) = stores.users.find_by_id(&journey.user_id).await? else {
        return Ok(None);
    };
    let req = requirements_for(stores, journey, &user, origin).await?;
    Ok(Some((user, req)))
}

/// [`requirements`] for a member already read.
pub async fn requirements_for(
    stores: &Stores,
    journey: &Journey,
    user: &User,
    origin: &Origin,
) -> Result<Requirements, StoreError> {
    let barrier = if user.status == UserStatus::Disabled {
        Some(Barrier::Disabled)
    } else {
        let client: Option<Client> = match &journey.client_id {
            Some(id) => stores.clients.find_by_id(id).await?,
            None => None,
        };
        let policy = policy_of_org(stores, &user.org_id).await?;
        match refusal(stores, user, &policy, client.as_ref(), origin).await? {
            Some(SignInError::OnLeave) => Some(Barrier::OnLeave),
            Some(SignInError::IpNotAllowed { ip }) => Some(Barrier::IpNotAllowed { ip }),
            Some(_) | None => None,
        }
    };
    let second_factor = match &journey.first {
        FirstFactor::Password | FirstFactor::RecoveryLink => mfa::next_step(stores, user, origin)
            .await
            .map_err(into_store)?,
        FirstFactor::Session { .. } => mfa::step_up(stores, &user.id).await.map_err(into_store)?,
        FirstFactor::Passkey { .. } => SecondFactorStep::NotAsked,
    };
    // A session stepping up is held to it too: its page would offer nothing else.
    let passkey_missing = barrier.is_none()
        && second_factor != SecondFactorStep::NotAsked
        && !matches!(journey.first, FirstFactor::Passkey { .. })
        && mfa::passkey_required(stores, user)
            .await
            .map_err(into_store)?
        && crate::passkeys::count(stores, &user.id).await? == 0;
    Ok(Requirements {
        second_factor,
        barrier: barrier.or(passkey_missing.then_some(Barrier::PasskeyRequired)),
    })
}

fn into_store(e: mfa::SecondFactorError) -> StoreError {
    match e {
        mfa::SecondFactorError::Store(e) => e,
        other => StoreError::Backend(other.to_string()),
    }
}

/// Records a journey stopped by a barrier set since it began, as the refused sign-in
/// it is.
pub async fn record_barred(
    stores: &Stores,
    user: &User,
    barrier: &Barrier,
    origin: &Origin,
) -> Result<(), StoreError> {
    let event = crate::signin::sign_in_event(
        &user.org_id,
        Some(&user.id),
        stores.clock.now(),
        origin,
        serde_json::json!({"method": "journey", "result": "failure", "reason": barrier.reason()}),
    );
    stores.audit.append(&event).await?;
    Ok(())
}

impl Barrier {
    /// What the person reads, in their language.
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            Self::Disabled => tr.t("journey-disabled"),
            Self::OnLeave => SignInError::OnLeave.message(tr),
            Self::IpNotAllowed { ip } => SignInError::IpNotAllowed { ip: ip.clone() }.message(tr),
            Self::PasskeyRequired => tr.t("journey-passkey-required"),
        }
    }

    pub fn reason(&self) -> &'static str {
        match self {
            Self::Disabled => "disabled",
            Self::OnLeave => "on_leave",
            Self::IpNotAllowed { .. } => "ip_not_allowed",
            Self::PasskeyRequired => "passkey_required",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{IpRange, SecondFactorPolicy, TwoFactorScope, second_factor_step};
    use std::net::IpAddr;

    const T0: Timestamp = Timestamp::from_secs(1_800_000_000);

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn journey(first: FirstFactor, change_due: bool) -> Journey {
        Journey::begin(
            UserId::from_string("u1"),
            "authz-1".into(),
            None,
            first,
            change_due,
            T0,
        )
    }

    fn needs(second_factor: SecondFactorStep) -> Requirements {
        Requirements {
            second_factor,
            barrier: None,
        }
    }

    const VERIFY: SecondFactorStep = SecondFactorStep::Verify;
    const ENROL: SecondFactorStep = SecondFactorStep::Enrol;
    const NONE: SecondFactorStep = SecondFactorStep::NotAsked;

    #[test]
    fn a_password_alone_finishes_when_nothing_else_is_required() {
        let j = journey(FirstFactor::Password, false);
        assert_eq!(j.next(&needs(NONE), T0).ok(), Some(Step::Finish));
        assert_eq!(j.methods(), ["password"]);
        assert_eq!(j.amr(), ["pwd"]);
    }

    #[test]
    fn a_passkey_alone_satisfies_the_second_factor_but_not_the_barriers() {
        let amr = vec!["hwk".to_owned(), "user".to_owned(), "mfa".to_owned()];
        let mut j = journey(FirstFactor::Passkey { amr }, true);
        // Whatever policy asks of a password sign-in, no code follows a passkey, and no
        // password change is due for a password that was not used.
        for second in [VERIFY, ENROL, NONE] {
            assert_eq!(j.next(&needs(second), T0).ok(), Some(Step::Finish));
        }
        assert_eq!(j.methods(), ["passkey"]);
        assert_eq!(j.amr(), ["hwk", "user", "mfa"]);
        assert!(matches!(
            j.second_factor_proven(SecondFactorMethod::Totp, CODE_AMR, &needs(VERIFY), T0),
            Err(JourneyError::OutOfOrder {
                current: Step::Finish
            })
        ));
        let barred = Requirements {
            second_factor: NONE,
            barrier: Some(Barrier::OnLeave),
        };
        assert!(matches!(
            j.next(&barred, T0),
            Err(JourneyError::Barred(Barrier::OnLeave))
        ));
        assert!(matches!(
            j.next(&needs(NONE), T0.plus(JOURNEY_TTL)),
            Err(JourneyError::Expired)
        ));
    }

    #[test]
    fn an_administrator_held_to_passkeys_without_one_is_stopped_with_the_way_out() {
        // `mfa::next_step` asks such an administrator to enrol; `requirements_for`
        // turns that into this barrier, which no code can get past.
        assert_eq!(mfa::passkey_required_step(0), ENROL);
        assert_eq!(mfa::passkey_required_step(2), VERIFY);
        let mut j = journey(FirstFactor::Password, false);
        let req = Requirements {
            second_factor: ENROL,
            barrier: Some(Barrier::PasskeyRequired),
        };
        assert!(matches!(
            j.next(&req, T0),
            Err(JourneyError::Barred(Barrier::PasskeyRequired))
        ));
        assert!(matches!(
            j.enrolled(SecondFactorMethod::Totp, CODE_AMR, &req, T0),
            Err(JourneyError::Barred(Barrier::PasskeyRequired))
        ));
        assert_eq!(j.methods(), ["password"], "nothing was proven");
        assert_eq!(Barrier::PasskeyRequired.reason(), "passkey_required");
        // With a passkey, the passkey is the second factor like any other.
        let step = j.second_factor_proven(
            SecondFactorMethod::Passkey,
            &["hwk", "user"],
            &needs(VERIFY),
            T0,
        );
        assert_eq!(step.ok(), Some(Step::Finish));
    }

    #[test]
    fn a_passkey_as_the_second_factor_names_its_own_amr() {
        let mut j = journey(FirstFactor::Password, false);
        let req = needs(VERIFY);
        let step = j.second_factor_proven(
            SecondFactorMethod::Passkey,
            &["swk", "user", "mfa"],
            &req,
            T0,
        );
        assert_eq!(step.ok(), Some(Step::Finish));
        assert_eq!(j.methods(), ["password", "passkey"]);
        assert_eq!(j.amr(), ["pwd", "swk", "user", "mfa"]);
    }

    #[test]
    fn a_code_after_the_password_proves_two_factors() {
        let mut j = journey(FirstFactor::Password, false);
        let req = needs(VERIFY);
        assert_eq!(j.next(&req, T0).ok(), Some(Step::SecondFactor));
        let step =
            j.second_factor_proven(SecondFactorMethod::Totp, CODE_AMR, &req, T0.plus(secs(30)));
        assert_eq!(step.ok(), Some(Step::Finish));
        assert_eq!(j.methods(), ["password", "totp"]);
        assert_eq!(j.amr(), ["pwd", "otp", "mfa"]);
    }

    #[test]
    fn enrolment_then_a_password_change_then_the_session() {
        let mut j = journey(FirstFactor::Password, true);
        let req = needs(ENROL);
        assert_eq!(j.next(&req, T0).ok(), Some(Step::Enrol));
        let step = j.enrolled(SecondFactorMethod::Totp, CODE_AMR, &req, T0);
        assert_eq!(step.ok(), Some(Step::ChangePassword));
        // After enrolment the member has a factor: policy now says verify, but it is proven.
        let after = needs(VERIFY);
        assert_eq!(j.next(&after, T0).ok(), Some(Step::ChangePassword));
        assert_eq!(j.password_changed(&after, T0).ok(), Some(Step::Finish));
        assert_eq!(j.amr(), ["pwd", "otp", "mfa"]);
    }

    #[test]
    fn a_due_password_change_comes_after_the_second_factor() {
        let mut j = journey(FirstFactor::Password, true);
        let req = needs(VERIFY);
        assert_eq!(j.next(&req, T0).ok(), Some(Step::SecondFactor));
        assert!(matches!(
            j.password_changed(&req, T0),
            Err(JourneyError::OutOfOrder {
                current: Step::SecondFactor
            })
        ));
        assert_eq!(
            j.second_factor_proven(SecondFactorMethod::EmailCode, CODE_AMR, &req, T0)
                .ok(),
            Some(Step::ChangePassword)
        );
    }

    #[test]
    fn skipping_a_step_is_refused_and_changes_nothing() {
        let mut j = journey(FirstFactor::Password, false);
        let before = j.clone();
        let req = needs(VERIFY);
        assert!(matches!(
            j.enrolled(SecondFactorMethod::Totp, CODE_AMR, &req, T0),
            Err(JourneyError::OutOfOrder {
                current: Step::SecondFactor
            })
        ));
        assert!(matches!(
            j.password_changed(&req, T0),
            Err(JourneyError::OutOfOrder {
                current: Step::SecondFactor
            })
        ));
        assert_eq!(j, before);
        // Nothing is required: a code posted anyway is not the current step either.
        assert!(matches!(
            j.second_factor_proven(SecondFactorMethod::Totp, CODE_AMR, &needs(NONE), T0),
            Err(JourneyError::OutOfOrder {
                current: Step::Finish
            })
        ));
        assert_eq!(j, before);
    }

    #[test]
    fn replaying_a_done_step_is_refused() {
        let mut j = journey(FirstFactor::Password, true);
        let req = needs(VERIFY);
        let _ = j.second_factor_proven(SecondFactorMethod::Totp, CODE_AMR, &req, T0);
        let after = j.clone();
        assert!(matches!(
            j.second_factor_proven(SecondFactorMethod::Totp, CODE_AMR, &req, T0),
            Err(JourneyError::OutOfOrder {
                current: Step::ChangePassword
            })
        ));
        assert_eq!(j.password_changed(&req, T0).ok(), Some(Step::Finish));
        assert!(matches!(
            j.password_changed(&req, T0),
            Err(JourneyError::OutOfOrder {
                current: Step::Finish
            })
        ));
        assert_eq!(after.methods(), ["password", "totp"]);
        assert_eq!(
            j.methods(),
            ["password", "totp"],
            "proven once, listed once"
        );
    }

    #[test]
    fn an_expired_journey_answers_nothing_but_expired() {
        let mut j = journey(FirstFactor::Password, false);
        let req = needs(VERIFY);
        let last = T0.plus(JOURNEY_TTL).minus(secs(1));
        assert_eq!(j.next(&req, last).ok(), Some(Step::SecondFactor));
        let late = T0.plus(JOURNEY_TTL);
        assert!(matches!(j.next(&req, late), Err(JourneyError::Expired)));
        assert!(matches!(
            j.second_factor_proven(SecondFactorMethod::Totp, CODE_AMR, &req, late),
            Err(JourneyError::Expired)
        ));
        assert_eq!(
            j.methods(),
            ["password"],
            "an expired proof is not recorded"
        );
    }

    #[test]
    fn a_policy_tightened_mid_journey_asks_for_the_new_step() {
        // Started where no second factor was asked, with a password to change.
        let mut j = journey(FirstFactor::Password, true);
        assert_eq!(j.next(&needs(NONE), T0).ok(), Some(Step::ChangePassword));
        // An administrator now requires a second factor: set one up first.
        let tightened = needs(ENROL);
        assert!(matches!(
            j.password_changed(&tightened, T0),
            Err(JourneyError::OutOfOrder {
                current: Step::Enrol
            })
        ));
        assert_eq!(
            j.enrolled(SecondFactorMethod::Totp, CODE_AMR, &tightened, T0)
                .ok(),
            Some(Step::ChangePassword)
        );
    }

    #[test]
    fn a_policy_loosened_mid_journey_drops_the_step() {
        let j = journey(FirstFactor::Password, false);
        assert_eq!(j.next(&needs(ENROL), T0).ok(), Some(Step::Enrol));
        assert_eq!(j.next(&needs(NONE), T0).ok(), Some(Step::Finish));
    }

    #[test]
    fn a_factor_removed_mid_journey_turns_the_code_step_into_enrolment() {
        let mut j = journey(FirstFactor::Password, false);
        assert_eq!(j.next(&needs(VERIFY), T0).ok(), Some(Step::SecondFactor));
        assert!(matches!(
            j.second_factor_proven(SecondFactorMethod::Totp, CODE_AMR, &needs(ENROL), T0),
            Err(JourneyError::OutOfOrder {
                current: Step::Enrol
            })
        ));
    }

    #[test]
    fn a_barrier_set_mid_journey_stops_every_step() {
        for barrier in [
            Barrier::Disabled,
            Barrier::OnLeave,
            Barrier::IpNotAllowed {
                ip: "203.0.113.9".into(),
            },
        ] {
            let mut j = journey(FirstFactor::Password, true);
            let barred = Requirements {
                second_factor: VERIFY,
                barrier: Some(barrier.clone()),
            };
            let before = j.clone();
            assert!(matches!(j.next(&barred, T0), Err(JourneyError::Barred(b)) if b == barrier));
            assert!(matches!(
                j.second_factor_proven(SecondFactorMethod::Totp, CODE_AMR, &barred, T0),
                Err(JourneyError::Barred(_))
            ));
            assert_eq!(j, before);
        }
    }

    #[test]
    fn only_a_password_can_be_due_for_a_change() {
        for first in [
            FirstFactor::RecoveryLink,
            FirstFactor::Session {
                amr: vec!["pwd".into()],
            },
        ] {
            let j = journey(first, true);
            assert!(!j.password_change_due);
            assert_eq!(j.next(&needs(NONE), T0).ok(), Some(Step::Finish));
        }
    }

    #[test]
    fn a_step_up_keeps_what_the_session_proved_and_adds_the_factor() {
        let mut j = journey(
            FirstFactor::Session {
                amr: vec!["fed".into()],
            },
            false,
        );
        assert!(j.methods().is_empty());
        let req = needs(VERIFY);
        let _ = j.second_factor_proven(SecondFactorMethod::Totp, CODE_AMR, &req, T0);
        assert_eq!(j.amr(), ["fed", "otp", "mfa"]);
        assert_eq!(j.methods(), ["totp"]);
    }

    #[test]
    fn a_recovery_link_then_a_code() {
        let mut j = journey(FirstFactor::RecoveryLink, false);
        let req = needs(VERIFY);
        let _ = j.second_factor_proven(SecondFactorMethod::RecoveryCode, CODE_AMR, &req, T0);
        assert_eq!(j.methods(), ["recovery_link", "recovery_code"]);
        assert_eq!(j.amr(), ["otp", "mfa"]);
    }

    #[test]
    fn the_journey_survives_storage() {
        let mut j = journey(FirstFactor::Password, true);
        let _ = j.second_factor_proven(SecondFactorMethod::Totp, CODE_AMR, &needs(VERIFY), T0);
        let stored = serde_json::to_vec(&j).unwrap_or_default();
        let back: Option<Journey> = serde_json::from_slice(&stored).ok();
        assert_eq!(back.as_ref(), Some(&j));
    }

    /// Every combination of the organization's policy, the member's standing, the
    /// network and a due password change: the first step and the whole way to the session.
    #[test]
    fn every_policy_combination_reaches_the_session_through_the_steps_it_requires() {
        let office: IpAddr = [10, 0, 0, 7].into();
        let away: IpAddr = [198, 51, 100, 7].into();
        let skip = IpRange::parse("10.0.0.0/8")
            .ok()
            .into_iter()
            .collect::<Vec<_>>();
        for scope in [
            TwoFactorScope::Off,
            TwoFactorScope::Everybody,
            TwoFactorScope::Administrators,
        ] {
            for admin in [false, true] {
                for has_factor in [false, true] {
                    for ip in [office, away] {
                        for change_due in [false, true] {
                            let policy = SecondFactorPolicy {
                                scope,
                                skip_from: skip.clone(),
                            };
                            let sf = second_factor_step(&policy, admin, has_factor, Some(ip));
                            let required = ip != office
                                && (has_factor
                                    || scope == TwoFactorScope::Everybody
                                    || (scope == TwoFactorScope::Administrators && admin));
                            let case = format!(
                                "{scope:?} admin={admin} factor={has_factor} ip={ip} change={change_due}"
                            );
                            let mut j = journey(FirstFactor::Password, change_due);
                            let mut req = needs(sf);
                            let mut walked = Vec::new();
                            let mut now = T0;
                            loop {
                                let step = j.next(&req, now);
                                let Ok(step) = step else {
                                    panic!("{case}: {step:?}");
                                };
                                walked.push(step);
                                now = now.plus(secs(20));
                                let next = match step {
                                    Step::SecondFactor => j.second_factor_proven(
                                        SecondFactorMethod::Totp,
                                        CODE_AMR,
                                        &req,
                                        now,
                                    ),
                                    Step::Enrol => {
                                        let r = j.enrolled(
                                            SecondFactorMethod::Totp,
                                            CODE_AMR,
                                            &req,
                                            now,
                                        );
                                        // Set up now: from here policy says verify.
                                        req = needs(SecondFactorStep::Verify);
                                        r
                                    }
                                    Step::ChangePassword => j.password_changed(&req, now),
                                    Step::Finish => break,
                                };
                                assert!(next.is_ok(), "{case}: {next:?}");
                            }
                            let mut expected = Vec::new();
                            if required {
                                expected.push(if has_factor {
                                    Step::SecondFactor
                                } else {
                                    Step::Enrol
                                });
                            }
                            if change_due {
                                expected.push(Step::ChangePassword);
                            }
                            expected.push(Step::Finish);
                            assert_eq!(walked, expected, "{case}");
                            assert_eq!(j.amr().iter().any(|m| m == "mfa"), required, "{case}");
                        }
                    }
                }
            }
        }
    }
}
