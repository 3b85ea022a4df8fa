# Emails. Each body is built from whole paragraphs; links go on a line of their own.

duration-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
duration-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
email-code-subject = Your { $issuer } sign-in code
email-code-code = Your sign-in code is { $code }.
email-code-warning = It works once, for the next 10 minutes. If you did not try to sign in, change your password: someone knows it.
email-reset-subject = Set a new password
email-reset-intro = Someone asked to set a new password for { $email }.
email-reset-open = Open this link within { $duration } to choose one (it works once):
email-reset-ignore = If it was not you, ignore this message: your password stays as it is.
email-welcome-subject = Create your password
email-welcome-intro = You can now sign in with your email address, { $email }.
email-welcome-open = Open this link within { $duration } to create your password (it works once):
email-temporary-subject = Your temporary password
email-temporary-intro = An administrator set a temporary password for { $email }:
email-temporary-once = It works once: you will choose a new password right after signing in.
email-export-ready-subject = Your audit log export is ready
email-export-ready-intro = The export of the audit log of { $org } you asked for is ready.
email-export-ready-open = Download it within { $duration } (the link works once):
email-export-failed-subject = Your audit log export could not be made
email-export-failed = The export of the audit log of { $org } you asked for could not be made: { $why }

# --- Branding (organization display name) ---
email-sent-by = Sent by { $org }.

# Text-message codes and the allowed kinds of second factor
sms-code-body = { $code } is your { $issuer } sign-in code. It works for 10 minutes. Never share it.
