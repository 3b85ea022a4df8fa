# E-Mails. Jeder Text besteht aus ganzen Absätzen; Links stehen in einer eigenen Zeile.

# Durations read after "innerhalb von", hence the dative plural.
duration-days = { $count ->
    [one] { $count } Tag
   *[other] { $count } Tagen
}
duration-hours = { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
}
duration-minutes = { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
}
email-code-subject = Ihr Anmeldecode für { $issuer }
email-code-code = Ihr Anmeldecode lautet { $code }.
email-code-warning = Er funktioniert einmal, in den nächsten 10 Minuten. Wenn Sie sich nicht anmelden wollten, ändern Sie Ihr Passwort: Jemand kennt es.
email-reset-subject = Neues Passwort festlegen
email-reset-intro = Jemand hat ein neues Passwort für { $email } angefordert.
email-reset-open = Öffnen Sie diesen Link innerhalb von { $duration }, um eines zu wählen (er funktioniert einmal):
email-reset-ignore = Wenn Sie das nicht waren, ignorieren Sie diese Nachricht: Ihr Passwort bleibt, wie es ist.
email-welcome-subject = Passwort erstellen
email-welcome-intro = Sie können sich jetzt mit Ihrer E-Mail-Adresse { $email } anmelden.
email-welcome-open = Öffnen Sie diesen Link innerhalb von { $duration }, um Ihr Passwort zu erstellen (er funktioniert einmal):
email-temporary-subject = Ihr vorläufiges Passwort
email-temporary-intro = Ihre Administration hat ein vorläufiges Passwort für { $email } festgelegt:
email-temporary-once = Es funktioniert einmal: Direkt nach der Anmeldung wählen Sie ein neues Passwort.
email-export-ready-subject = Ihr Export des Audit-Protokolls ist fertig
email-export-ready-intro = Der Export des Audit-Protokolls von { $org }, den Sie angefordert haben, ist fertig.
email-export-ready-open = Laden Sie ihn innerhalb von { $duration } herunter (der Link funktioniert einmal):
email-export-failed-subject = Ihr Export des Audit-Protokolls konnte nicht erstellt werden
email-export-failed = Der Export des Audit-Protokolls von { $org }, den Sie angefordert haben, konnte nicht erstellt werden: { $why }

# --- Branding (organization display name) ---
email-sent-by = Gesendet von { $org }.

# Text-message codes and the allowed kinds of second factor
sms-code-body = { $code } ist Ihr Anmeldecode für { $issuer }. Er gilt 10 Minuten. Geben Sie ihn nie weiter.
