# Emails. Each body is built from whole paragraphs; links go on a line of their own.

email-code-subject = Your { $issuer } sign-in code
email-code-code = Your sign-in code is { $code }.
email-code-warning = It works once, for the next 10 minutes. If you did not try to sign in, change your password: someone knows it.
email-reset-subject = Set a new password
email-reset-intro = Someone asked to set a new password for { $email }.
email-reset-open = { $minutes ->
    [one] Open this link within { $minutes } minute to choose one (it works once):
   *[other] Open this link within { $minutes } minutes to choose one (it works once):
}
email-reset-ignore = If it was not you, ignore this message: your password stays as it is.
email-welcome-subject = Create your password
email-welcome-intro = You can now sign in with your email address, { $email }.
email-welcome-open = { $minutes ->
    [one] Open this link within { $minutes } minute to create your password (it works once):
   *[other] Open this link within { $minutes } minutes to create your password (it works once):
}
email-temporary-subject = Your temporary password
email-temporary-intro = An administrator set a temporary password for { $email }:
email-temporary-once = It works once: you will choose a new password right after signing in.
email-export-ready-subject = Your audit log export is ready
email-export-ready-intro = The export of the audit log of { $org } you asked for is ready.
email-export-ready-open = { $minutes ->
    [one] Download it within { $minutes } minute (the link works once):
   *[other] Download it within { $minutes } minutes (the link works once):
}
email-export-failed-subject = Your audit log export could not be made
email-export-failed = The export of the audit log of { $org } you asked for could not be made: { $why }

# --- Branding (organization display name) ---
email-sent-by = Sent by { $org }.
