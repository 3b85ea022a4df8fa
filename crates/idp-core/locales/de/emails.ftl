# E-Mails. Jeder Text besteht aus ganzen Absätzen; Links stehen in einer eigenen Zeile.

email-code-subject = Ihr Anmeldecode für { $issuer }
email-code-code = Ihr Anmeldecode lautet { $code }.
email-code-warning = Er funktioniert einmal, in den nächsten 10 Minuten. Wenn Sie sich nicht anmelden wollten, ändern Sie Ihr Passwort: Jemand kennt es.
email-reset-subject = Neues Passwort festlegen
email-reset-intro = Jemand hat ein neues Passwort für { $email } angefordert.
email-reset-open = { $minutes ->
    [one] Öffnen Sie diesen Link innerhalb von { $minutes } Minute, um eines zu wählen (er funktioniert einmal):
   *[other] Öffnen Sie diesen Link innerhalb von { $minutes } Minuten, um eines zu wählen (er funktioniert einmal):
}
email-reset-ignore = Wenn Sie das nicht waren, ignorieren Sie diese Nachricht: Ihr Passwort bleibt, wie es ist.
email-welcome-subject = Passwort erstellen
email-welcome-intro = Sie können sich jetzt mit Ihrer E-Mail-Adresse { $email } anmelden.
email-welcome-open = { $minutes ->
    [one] Öffnen Sie diesen Link innerhalb von { $minutes } Minute, um Ihr Passwort zu erstellen (er funktioniert einmal):
   *[other] Öffnen Sie diesen Link innerhalb von { $minutes } Minuten, um Ihr Passwort zu erstellen (er funktioniert einmal):
}
email-temporary-subject = Ihr vorläufiges Passwort
email-temporary-intro = Ihre Administration hat ein vorläufiges Passwort für { $email } festgelegt:
email-temporary-once = Es funktioniert einmal: Direkt nach der Anmeldung wählen Sie ein neues Passwort.
email-export-ready-subject = Ihr Export des Audit-Protokolls ist fertig
email-export-ready-intro = Der Export des Audit-Protokolls von { $org }, den Sie angefordert haben, ist fertig.
email-export-ready-open = { $minutes ->
    [one] Laden Sie ihn innerhalb von { $minutes } Minute herunter (der Link funktioniert einmal):
   *[other] Laden Sie ihn innerhalb von { $minutes } Minuten herunter (der Link funktioniert einmal):
}
email-export-failed-subject = Ihr Export des Audit-Protokolls konnte nicht erstellt werden
email-export-failed = Der Export des Audit-Protokolls von { $org }, den Sie angefordert haben, konnte nicht erstellt werden: { $why }

# --- Branding (organization display name) ---
email-sent-by = Gesendet von { $org }.
