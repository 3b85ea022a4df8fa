# Pages a person reads while signing in, and the pieces every page shares.
# Keys: <page>-<what>. Variables are written { $name }.

## Shared

language-label = Language
page-suffix = idp
date = { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
} { $day }, { $year }
datetime = { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
} { $day }, { $year }, { $time } { $zone }
start-again = Start again
back-to-sign-in = Back to sign in
go-to-sign-in = Go to the sign-in page
continue = Continue
email-label = Email
throttled-seconds = Too many attempts. Wait { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}, then try again.
throttled-minutes = Too many attempts. Wait { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}, then try again.
too-many-sign-ins = Too many sign-ins at once. Try again in a moment.
error-title-503 = Temporarily unavailable
error-message-503 = This service cannot answer right now. Please try again in a few seconds.

## Sign-in

login-title = Sign in
login-continue-to = to continue to { $app }
login-with-provider = Continue with { $provider }
login-or-email = or with your email address
login-password = Password
login-submit = Sign in
login-forgot = Forgot your password, or locked out?
login-upstream-only = This organization signs in through Google or Microsoft only, and neither is available here right now. Ask your administrator for help.
login-wrong = The email address or password is not right. After too many tries the account locks: choose a new password below to unlock it.
login-locked = Your account is locked after too many wrong passwords. To unlock it, choose a new password: use “Forgot your password, or locked out?” below and we will email you a link.
login-on-leave = Your account is on leave of absence: signing in is paused until you are back.
login-ip-refused = Your organization does not allow signing in from this network ({ $ip }). Connect from an allowed network, or ask your administrator.
journey-stopped-title = Signing in cannot continue
journey-disabled = This account was disabled while you were signing in. Ask an administrator of your organization.

## Second factor

second-factor-title = Second step
second-factor-heading = Confirm it is you
codes-left = { $count ->
    [one] { $count } recovery code left
   *[other] { $count } recovery codes left
}
second-factor-codes-low = { $count ->
    [one] You have { $count } recovery code left. Create a new set on your security page after signing in.
   *[other] You have { $count } recovery codes left. Create a new set on your security page after signing in.
}
second-factor-recovery-label = Recovery code
second-factor-recovery-hint = One of the codes you saved when you set up your authenticator app. Each works once.
second-factor-email-sent = We sent a 6-digit code to your email address. It works for 10 minutes.
second-factor-email-label = Code from the email
second-factor-totp-label = Code from your authenticator app
second-factor-other-ways = Other ways
second-factor-use-totp = Use your authenticator app
second-factor-use-recovery = Use a recovery code
second-factor-send-another = Send another code
second-factor-email-me = Email me a code
second-factor-wrong-code = That code is not right. Check it and try again.
second-factor-wrong-code-left = That code is not right. { $count ->
    [one] { $count } try left
   *[other] { $count } tries left
} before sign-in with a second factor is locked for 24 hours.
second-factor-locked = Too many requests. Sign-in with a second factor is locked until { $until }. An administrator of your organization can lift it sooner by resetting your second factor.
second-factor-not-set-up = That method is not set up for this account.
second-factor-expired = The set-up expired. Start again.
second-factor-too-many-emails = Too many codes were sent. Wait a while before asking for another.
second-factor-wrong-password = The password is not right.
second-factor-forbidden = You do not have permission to do that.

## Setting up an authenticator app

enrol-title = Set up your authenticator app
enrol-required = Your organization asks for a second step at sign-in. Set up an authenticator app to continue.
enrol-step-open = Open an authenticator app, such as Google Authenticator, Microsoft Authenticator, FreeOTP or Authy, and add an account.
enrol-step-scan = Scan this QR code:
enrol-qr-label = QR code for your authenticator app
enrol-type-key = Or type this key:
enrol-open-here = Open in an authenticator app on this device
enrol-step-code = Type the 6-digit code the app shows.
enrol-code-label = 6-digit code
enrol-submit = Turn on
enrol-sign-in-title = Set up a second step
enrol-required-choose = Your organization asks for a second step at sign-in. Set up one of these to continue.
enrol-app-heading = Authenticator app
enrol-passkey-heading = Passkey
enrol-passkey-hint = Use your device's screen lock (PIN, fingerprint or face) or a security key.
enrol-email-heading = Codes by email
enrol-email-hint = Each time you sign in, a code is sent to { $email }.
enrol-email-submit = Send me codes by email
enrol-none-title = A second step is needed
enrol-none = Your organization asks for a second step at sign-in, but none of the kinds it allows can be set up here. Ask an administrator to set one up for you.

## Recovery codes

recovery-codes-title = Your recovery codes
recovery-codes-heading = Save your recovery codes
recovery-codes-explain = If you lose your phone, each of these codes lets you sign in once in place of a code from your authenticator app. This is the only time they are shown.
recovery-codes-download = Download as a text file
recovery-codes-saved = I saved them, continue
recovery-codes-file = Recovery codes. Each works once, in place of a code from your authenticator app.

## Consent

consent-title = Allow access
consent-heading = Allow { $app } to access your account?
consent-asks = Signed in as { $email }. { $app } asks to:
consent-allow = Allow
consent-deny = Deny
scope-openid = Know who you are (your account identifier)
scope-profile = See your name, username and language
scope-email = See your email address
scope-offline_access = Stay signed in to your account when you are not using it

## Signing out

logout-title = Sign out
logout-heading = Sign out?
logout-app-asks = { $app } asks to sign you out of idp.
logout-this-browser = Sign out of idp in this browser.
logout-submit = Sign out
logout-refused-title = Sign-out request not accepted
logout-hint-not-ours = The application sent a sign-out request this server did not issue (its id_token_hint). Go back to the application and sign out there again.
logout-client-mismatch = The sign-out request names two different applications (client_id and id_token_hint). Go back to the application and sign out there again.
logout-unregistered-redirect = The application asked to come back to an address it has not registered (post_logout_redirect_uri), so the sign-out was not done. Tell the application's owner.
logout-done-title = Signed out
logout-done-message = You are signed out of idp in this browser.

## Passwords

change-password-title = Choose a new password
change-password-expired = Your password was temporary or has expired. Choose a new one to continue.
change-password-new = New password
change-password-again = The same password again
change-password-submit = Save the new password
password-rules = { $classes ->
    [0] At least { $length } characters, not your name or address, and not a common password.
   *[other] At least { $length } characters, mixing { $classes } of lower case, upper case, digits and other characters, not your name or address, and not a common password.
}
password-too-short = Use at least { $count } characters.
password-too-long = Use at most { $count } characters.
password-too-few-classes = Mix at least { $count } of: lower-case letters, upper-case letters, digits, other characters.
password-personal = Do not use your email address or your name in your password.
password-common = That password is among the most common ones; choose another.
password-reused = Choose a password you have not used recently.
password-mismatch = The two passwords do not match.
passwords-differ = The two passwords differ.
forgot-title = Forgot your password
forgot-heading = Forgot your password?
forgot-sent = If an account signs in with that address, we sent it a link to choose a new password. Check your email.
forgot-submit = Email me a link
link-dead-title = This link no longer works
link-dead-message = The link is unknown, used or expired. Ask for a new one from the sign-in page (Forgot your password?).
password-saved-title = Your new password is saved
password-saved-message = You are signed out everywhere. Sign in again with the new password.
recovery-link-title = Sign in with a recovery link
recovery-link-dead-title = This sign-in link no longer works
account-disabled-title = This account is disabled
account-disabled-message = This account is disabled. Another super administrator can enable it again.
recovery-link-explain = This link was made on the server for an administrator who has no other way to sign in. It works once.
recovery-link-submit = Sign in with this link
recovery-link-dead = This link is unknown, already used or expired: a recovery link signs in once. Ask the server's operator for a new one ({ $command }), or sign in another way.

## Errors on the way

authorize-bad-link-title = This sign-in link does not work
authorize-client-gone = The application that sent you here is no longer registered.
signin-expired-title = This sign-in has expired
signin-expired-message = Go back to the application and start again.

## Error pages and the start page

error-title-400 = This request could not be handled
error-title-401 = Sign in first
error-title-403 = Not allowed
error-title-404 = Page not found
error-title-409 = This change clashes with another
error-title-410 = This link no longer works
error-title-413 = Too large
error-title-429 = Too many requests
error-title-500 = Something went wrong
error-message-400 = The page sent something that could not be used. Go back and try again.
error-message-401 = This page is only for people who are signed in.
error-message-403 = Your account is not allowed to do this. Ask your administrator if you think it should be.
error-message-404 = There is no page at this address. Check the address, or start again from the start page.
error-message-409 = Someone changed the same thing at the same time. Reload the page to see the latest version, then try again.
error-message-410 = This link was used already, has expired, or was never valid. Ask for a new one.
error-message-413 = What was sent is larger than this page accepts.
error-message-429 = Too many requests. Wait a moment, then try again.
error-message-500 = Something failed on our side. Try again in a moment; if it keeps happening, tell your administrator.
error-operation = Reference for your administrator: { $operation }
error-go-back = Go back and try again
error-try-again = Try again
error-start-page = Go to the start page
error-sign-in = Sign in
form-expired = This form expired or did not come from this site. Go back, reload the page and try again.
export-link-gone = This download link is unknown, used or expired. Ask for a new export in the console.
export-sign-in-first = Sign in as the administrator who asked for this export, then open the link again.
landing-title = Your account
landing-message = Sign in to see where you are signed in, your security settings and the applications you have allowed.
landing-sign-in = Sign in
bootstrap-open-console = Sign in to the console
password-saved-sign-in = Sign in
password-first-title = Choose your password
password-first-hint = This is the password you will sign in with, together with your email address.
password-first-saved-title = Your password is set
password-first-saved-message = Sign in with your email address and the password you just chose.

security-change-password = Change your password
security-done-password = Your new password is saved. You are still signed in here; every other session was signed out.
password-current = Current password
password-first-label = Password
password-first-submit = Save my password
password-back-to-security = Back to security settings
password-wrong-current = The current password is not right.
password-too-many-tries = Too many tries. Wait 15 minutes, then try again.
password-email-sign-in-off = This account does not sign in with a password, so there is none to change.

## Connecting a device

device-title = Connect a device
device-explain = Enter the code your TV, console or command-line tool shows.
device-code-label = Code from your device
device-code-hint = Eight letters, such as BCDF-GHJK. Upper or lower case and the dash do not matter.
device-code-wrong = That code is not right, or it has expired. Check the code your device shows.
device-confirm-title = Connect { $app }
device-confirm-heading = Connect { $app } to your account?
device-confirm-explain = Signed in as { $email }. Only allow this if you started it on your own device and it shows the code you entered.
device-confirm-asks = { $app } asks to:
device-expired-title = This code has expired
device-expired-message = Start again on your device to get a new code.
device-refused-title = This device cannot be connected
device-connected-title = Device connected
device-connected-message = You can go back to your device: it signs in within a few seconds.
device-denied-title = Request denied
device-denied-message = The device was not connected. You can close this page.

## First run

bootstrap-title = Set up idp
bootstrap-heading = Create the super administrator
bootstrap-explain = Nobody can administer this idp yet. This one-time page creates the main organization and its first administrator.
bootstrap-org-name = Organization name
bootstrap-your-name = Your name
bootstrap-password-again = Password again
bootstrap-submit = Create administrator
bootstrap-link-dead = The first-run link is unknown, already used or expired. Restart idp to print a new one if no administrator exists yet.
bootstrap-done-title = Super administrator created
bootstrap-done-message = You can now sign in with this email address and password.

## Account and security

signed-in-as = Signed in as { $email }.
unknown-browser = Unknown browser
browser-on-system = { $browser } on { $system }
account-title = Your account
account-console = Administrator console
account-security-link = Security: second factor and recovery codes
account-name = Name
account-job-title = Job title
account-phone = Phone
account-sessions = Where you are signed in
account-device = Browser and device
account-ip = IP address
account-started = Started
account-last-active = Last active
account-this-browser = (this browser)
account-sign-out = Sign out
account-methods = Sign-in methods
method-native = Email and password
method-google = Google
method-entra = Microsoft
account-method = Method
account-last-sign-in = Last sign-in
account-sign-ins = Sign-ins
account-last-ip = Last IP
account-consents = Applications you allowed
account-application = Application
account-allowed = Allowed to see
account-since = Since
account-withdraw = Withdraw
account-actions = Actions
account-sign-out-device = Sign out { $device }
account-withdraw-from = Withdraw what { $app } was allowed
account-no-methods = No sign-in recorded yet.
account-no-consents = You have not allowed any application to see your details yet.
security-unlink-provider = Unlink your { $provider } account
account-sign-out-all = Sign out everywhere on this browser
account-preferences = Language and time zone
account-language = Language
account-language-browser = As my browser asks
account-time-zone = Time zone
account-time-zone-hint = A name such as Europe/Berlin or Asia/Seoul. Leave it empty to use your browser's time zone.
account-save = Save
account-saved = Your language and time zone are saved.
account-bad-zone = { $zone } is not a time zone name like Europe/Berlin or Asia/Seoul.
security-title = Security
security-never = never
security-locked = Second-factor sign-in is locked after too many wrong codes until { $until }. An administrator can lift it sooner.
security-password-changed = Password last changed
security-last-sign-in = Last sign-in
security-when-from = { $when } from { $ip }
security-last-reset = Second factor last reset
security-linked = Linked accounts
security-linked-hint = These accounts sign you in; their own second factor protects them.
security-account = Account
security-linked-on = Linked
security-sign-ins = Sign-ins
security-unlink = Unlink
security-methods = Second-factor methods
security-method = Method
security-state = State
security-added = Added
security-last-used = Last used
security-on = On
security-off = Off
security-method-totp = Authenticator app
security-method-email = Codes by email
security-method-recovery = Recovery codes
security-codes-left = { $count ->
    [one] { $count } recovery code left.
   *[other] { $count } recovery codes left.
}
security-new-codes = Create new recovery codes
security-remove-totp = Remove the authenticator app
security-your-password = Your password
security-remove-totp-submit = Remove the authenticator app and its recovery codes
security-set-up-totp = Set up an authenticator app
security-email-stop = Stop offering codes by email
security-email-start = Offer a code by email at sign-in
security-reset = Turn off every second factor
security-reset-submit = Reset my second factor
security-done-removed = The authenticator app and its recovery codes are removed.
security-done-reset = Every second-factor method is turned off.
security-done-email-on = Codes by email are on.
security-done-email-off = Codes by email are off.
security-done-unlinked = The account is unlinked: it no longer signs you in here.

# --- Branding (organization logo and support contact in the page layout) ---
brand-logo-alt = { $org } logo
brand-support = Need help? Contact support:

## Sign-in with Google or Microsoft that did not work (routes/federated.rs)

federation-failed-title = Sign-in with { $provider } did not work
federation-unreachable = { $provider } is not answering right now. Try again in a few minutes, or sign in another way.
federation-bad-answer = { $provider } answered in a way we could not use. Try again later, or sign in another way.
federation-invalid-token = The sign-in from { $provider } could not be verified, so it was refused. Start again.
federation-consent-granted-title = Consent granted
federation-consent-granted = Microsoft Entra ID recorded your organization's consent (tenant { $tenant }). Its members can now sign in with Microsoft without being asked one by one. You can close this page.
federation-consent-refused-title = Consent was not granted
federation-consent-refused = Microsoft Entra ID did not record the consent ({ $error }). Open the link again and accept, signed in as an administrator of your organization's tenant.
federation-invalid-state = This sign-in has expired, was already used, or did not start in this browser. Start again from the sign-in page.
federation-cancelled = { $provider } sign-in was cancelled or refused (access_denied). You can start again.
federation-consent-required = { $provider } needs you to agree before it shares who you are ({ $code }). Start again and accept, or ask your administrator to grant consent for your organization.
federation-upstream-error-described = { $provider } did not sign you in ({ $code }): { $description }
federation-upstream-error = { $provider } did not sign you in ({ $code }).
federation-no-code = The answer from the provider carried no authorization code. Start again.
federation-provider-not-allowed = Your organization does not allow signing in with { $provider }.
federation-email-not-verified = { $provider } has not verified this email address, so it cannot be used to sign in here.
federation-domain-not-allowed = Your organization does not accept Google accounts from { $domain }.
federation-tenant-not-allowed = Your organization does not accept Microsoft accounts from this directory (tenant { $tenant }).
federation-no-account = No account here matches this { $provider } sign-in, and accounts are not created on first sign-in. Ask your administrator to add you.
federation-disabled = This account is disabled. Ask your administrator.

# Passkeys
passkey-error-disabled = Passkeys are not available on this server.
passkey-error-expired = The passkey request expired. Start again.
passkey-error-name = Give the passkey a name of 1 to 64 characters.
passkey-error-too-many = You have as many passkeys as allowed. Remove one first.
passkey-error-not-found = That passkey is not in your list.
passkey-error-unknown = That passkey is not registered here.
passkey-error-excluded = That passkey is registered already.
passkey-error-cross-origin = The passkey answered for another site.
passkey-error-challenge = The passkey's answer does not belong to this request. Start again.
passkey-error-signature = The passkey's answer could not be verified.
passkey-error-user-not-verified = The passkey did not check that it is you (PIN, fingerprint or face). Try again and confirm on your device.
passkey-error-counter = This passkey may have been copied: its counter went backwards. Use another method and tell an administrator.
passkey-error-not-allowed = Your organization does not allow signing in with a passkey alone. Sign in with your email and password.
security-passkeys = Passkeys
security-passkeys-hint = A passkey signs you in with your device’s screen lock (PIN, fingerprint or face) instead of a code.
security-no-passkeys = You have no passkeys yet.
security-passkey-name = Passkey name
security-add-passkey = Add a passkey
security-remove-passkey = Remove
security-remove-passkey-named = Remove the passkey { $name }
security-done-passkey-added = The passkey was added.
security-done-passkey-removed = The passkey was removed.
passkey-needs-script = Passkeys need JavaScript and a browser that supports them. Turn JavaScript on or use another method.
passkey-cancelled = The passkey was not used: the browser or the device stopped. Try again or use another method.
security-remove-passkey-password = Your password to remove { $name }
second-factor-use-passkey = Use a passkey
login-with-passkey = Sign in with a passkey
# Text-message codes and the allowed kinds of second factor
phone-no-country-code = Type the number with its country code, starting with + (for example +82 10 1234 5678).
phone-not-a-number = A phone number holds only digits, spaces, dashes, dots and brackets.
phone-wrong-length = That number is too short or too long to be a phone number.
second-factor-too-many-texts = Too many text messages were sent. Wait a while before asking for another.
second-factor-text-not-sent = The text message could not be sent. Try again later, or have a code sent by email.
second-factor-not-allowed = Your organization does not allow that kind of second factor.
second-factor-phone-in-use = A phone number is set up already. Remove it before adding another.
second-factor-sms-sent = We sent a code by text message to { $number }. It works for 10 minutes.
second-factor-sms-label = Code from the text message
second-factor-sms-send = Send a code by text message
second-factor-sms-send-another = Send another text message
security-method-sms = Text-message codes
security-done-phone-sent = We sent a code to your phone. Type it below to confirm the number.
security-done-phone-verified = Your phone number is confirmed. You can now receive sign-in codes by text message.
security-done-phone-removed = Your phone number was removed.
security-phone-verified = Codes go to { $number }.
security-phone-waiting = { $number } is waiting to be confirmed with the code we sent to it.
security-phone-code = Code from the text message
security-phone-verify = Confirm the number
security-phone-resend = Send the code again
security-phone-remove = Remove the phone number
security-phone-hint = Text messages are a weaker second factor than an authenticator app: a number can be taken over. Use them where nothing else works for you.
security-phone-label = Mobile phone number, with country code
security-phone-add = Send a code to this number
passkey-error-not-offered = Your organization does not use passkeys. Use another method.

journey-passkey-required = Administrators of your organization must use a passkey as their second factor, and you have none. Ask another administrator to turn that rule off for a moment (or take your administrator role), then add a passkey on your security page.
passkey-error-model = Your organization does not accept passkeys from this kind of authenticator. Use another one.
