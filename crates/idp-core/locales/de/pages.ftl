# Seiten, die man beim Anmelden liest, und Texte, die alle Seiten teilen.

## Shared

language-label = Sprache
page-suffix = idp
date = { $day }. { $month ->
    [1] Jan.
    [2] Feb.
    [3] März
    [4] Apr.
    [5] Mai
    [6] Juni
    [7] Juli
    [8] Aug.
    [9] Sept.
    [10] Okt.
    [11] Nov.
   *[12] Dez.
} { $year }
datetime = { $day }. { $month ->
    [1] Jan.
    [2] Feb.
    [3] März
    [4] Apr.
    [5] Mai
    [6] Juni
    [7] Juli
    [8] Aug.
    [9] Sept.
    [10] Okt.
    [11] Nov.
   *[12] Dez.
} { $year }, { $time } { $zone }
start-again = Neu beginnen
back-to-sign-in = Zurück zur Anmeldung
go-to-sign-in = Zur Anmeldeseite
continue = Weiter
email-label = E-Mail-Adresse
throttled-seconds = Zu viele Versuche. Warten Sie { $count ->
    [one] { $count } Sekunde
   *[other] { $count } Sekunden
} und versuchen Sie es dann erneut.
throttled-minutes = Zu viele Versuche. Warten Sie { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
} und versuchen Sie es dann erneut.
too-many-sign-ins = Zu viele Anmeldungen gleichzeitig. Versuchen Sie es gleich noch einmal.
error-title-503 = Vorübergehend nicht verfügbar
error-message-503 = Der Dienst kann gerade nicht antworten. Bitte versuchen Sie es in ein paar Sekunden erneut.

## Sign-in

login-title = Anmelden
login-continue-to = um mit { $app } fortzufahren
login-with-provider = Weiter mit { $provider }
login-or-email = oder mit Ihrer E-Mail-Adresse
login-password = Passwort
login-submit = Anmelden
login-forgot = Passwort vergessen oder Konto gesperrt?
login-upstream-only = Diese Organisation meldet sich nur über Google oder Microsoft an, und beides ist hier gerade nicht verfügbar. Wenden Sie sich an Ihre Administration.
login-wrong = E-Mail-Adresse oder Passwort stimmen nicht. Nach zu vielen Versuchen wird das Konto gesperrt: Wählen Sie unten ein neues Passwort, um es zu entsperren.
login-locked = Ihr Konto ist nach zu vielen falschen Passwörtern gesperrt. Um es zu entsperren, wählen Sie über den Link unten ein neues Passwort; wir senden Ihnen dazu einen Link per E-Mail.
login-on-leave = Ihr Konto ist wegen einer Abwesenheit beurlaubt: Die Anmeldung ist bis zu Ihrer Rückkehr pausiert.
login-ip-refused = Ihre Organisation erlaubt keine Anmeldung aus diesem Netzwerk ({ $ip }). Verbinden Sie sich aus einem erlaubten Netzwerk, oder fragen Sie Ihre Administration.
journey-stopped-title = Die Anmeldung kann nicht fortgesetzt werden
journey-disabled = Dieses Konto wurde während Ihrer Anmeldung deaktiviert. Wenden Sie sich an die Administration Ihrer Organisation.

## Second factor

second-factor-title = Zweiter Schritt
second-factor-heading = Bestätigen Sie, dass Sie es sind
codes-left = { $count ->
    [one] { $count } Wiederherstellungscode übrig
   *[other] { $count } Wiederherstellungscodes übrig
}
second-factor-codes-low = { $count ->
    [one] Sie haben noch { $count } Wiederherstellungscode. Erstellen Sie nach der Anmeldung auf Ihrer Sicherheitsseite einen neuen Satz.
   *[other] Sie haben noch { $count } Wiederherstellungscodes. Erstellen Sie nach der Anmeldung auf Ihrer Sicherheitsseite einen neuen Satz.
}
second-factor-recovery-label = Wiederherstellungscode
second-factor-recovery-hint = Einer der Codes, die Sie beim Einrichten Ihrer Authenticator-App gespeichert haben. Jeder funktioniert nur einmal.
second-factor-email-sent = Wir haben einen 6-stelligen Code an Ihre E-Mail-Adresse geschickt. Er gilt 10 Minuten.
second-factor-email-label = Code aus der E-Mail
second-factor-totp-label = Code aus Ihrer Authenticator-App
second-factor-other-ways = Andere Möglichkeiten
second-factor-use-totp = Authenticator-App verwenden
second-factor-use-recovery = Wiederherstellungscode verwenden
second-factor-send-another = Neuen Code senden
second-factor-email-me = Code per E-Mail senden
second-factor-wrong-code = Dieser Code stimmt nicht. Prüfen Sie ihn und versuchen Sie es erneut.
second-factor-wrong-code-left = Dieser Code ist nicht richtig. { $count ->
    [one] Noch { $count } Versuch,
   *[other] Noch { $count } Versuche,
} dann wird die Anmeldung mit zweitem Faktor für 24 Stunden gesperrt.
second-factor-locked = Zu viele Anfragen. Die Anmeldung mit zweitem Faktor ist bis { $until } gesperrt. Die Administration Ihrer Organisation kann die Sperre früher aufheben, indem sie Ihren zweiten Faktor zurücksetzt.
second-factor-not-set-up = Diese Methode ist für dieses Konto nicht eingerichtet.
second-factor-expired = Die Einrichtung ist abgelaufen. Beginnen Sie neu.
second-factor-too-many-emails = Es wurden zu viele Codes gesendet. Warten Sie eine Weile, bevor Sie einen neuen anfordern.
second-factor-wrong-password = Das Passwort stimmt nicht.
second-factor-forbidden = Dazu fehlt Ihnen die Berechtigung.

## Setting up an authenticator app

enrol-title = Authenticator-App einrichten
enrol-required = Ihre Organisation verlangt bei der Anmeldung einen zweiten Schritt. Richten Sie eine Authenticator-App ein, um fortzufahren.
enrol-step-open = Öffnen Sie eine Authenticator-App wie Google Authenticator, Microsoft Authenticator, FreeOTP oder Authy und fügen Sie ein Konto hinzu.
enrol-step-scan = Scannen Sie diesen QR-Code:
enrol-qr-label = QR-Code für Ihre Authenticator-App
enrol-type-key = Oder geben Sie diesen Schlüssel ein:
enrol-open-here = In einer Authenticator-App auf diesem Gerät öffnen
enrol-step-code = Geben Sie den 6-stelligen Code ein, den die App anzeigt.
enrol-code-label = 6-stelliger Code
enrol-submit = Einschalten
enrol-sign-in-title = Einen zweiten Schritt einrichten
enrol-required-choose = Ihre Organisation verlangt bei der Anmeldung einen zweiten Schritt. Richten Sie eine dieser Möglichkeiten ein, um fortzufahren.
enrol-app-heading = Authenticator-App
enrol-passkey-heading = Passkey
enrol-passkey-hint = Verwenden Sie die Bildschirmsperre Ihres Geräts (PIN, Fingerabdruck oder Gesicht) oder einen Sicherheitsschlüssel.
enrol-email-heading = Codes per E-Mail
enrol-email-hint = Bei jeder Anmeldung wird ein Code an { $email } gesendet.
enrol-email-submit = Codes per E-Mail erhalten
enrol-none-title = Ein zweiter Schritt ist nötig
enrol-none = Ihre Organisation verlangt bei der Anmeldung einen zweiten Schritt, aber keine der erlaubten Möglichkeiten kann hier eingerichtet werden. Bitten Sie eine Administratorin oder einen Administrator, eine für Sie einzurichten.

## Recovery codes

recovery-codes-title = Ihre Wiederherstellungscodes
recovery-codes-heading = Speichern Sie Ihre Wiederherstellungscodes
recovery-codes-explain = Wenn Sie Ihr Telefon verlieren, können Sie sich mit jedem dieser Codes einmal anstelle eines Codes aus Ihrer Authenticator-App anmelden. Sie werden nur dieses eine Mal angezeigt.
recovery-codes-download = Als Textdatei herunterladen
recovery-codes-saved = Gespeichert, weiter
recovery-codes-file = Wiederherstellungscodes. Jeder funktioniert einmal, anstelle eines Codes aus Ihrer Authenticator-App.

## Consent

consent-title = Zugriff erlauben
consent-heading = { $app } Zugriff auf Ihr Konto erlauben?
consent-asks = Angemeldet als { $email }. { $app } möchte:
consent-allow = Erlauben
consent-deny = Ablehnen
scope-openid = Wissen, wer Sie sind (Ihre Konto-Kennung)
scope-profile = Ihren Namen, Benutzernamen und Ihre Sprache sehen
scope-email = Ihre E-Mail-Adresse sehen
scope-offline_access = Angemeldet bleiben, auch wenn Sie das Konto gerade nicht nutzen

## Signing out

logout-title = Abmelden
logout-heading = Abmelden?
logout-app-asks = { $app } möchte Sie von idp abmelden.
logout-this-browser = In diesem Browser von idp abmelden.
logout-submit = Abmelden
logout-refused-title = Abmeldeanfrage nicht angenommen
logout-hint-not-ours = Die Anwendung hat eine Abmeldeanfrage geschickt, die dieser Server nicht ausgestellt hat (ihr id_token_hint). Gehen Sie zurück zur Anwendung und melden Sie sich dort erneut ab.
logout-client-mismatch = Die Abmeldeanfrage nennt zwei verschiedene Anwendungen (client_id und id_token_hint). Gehen Sie zurück zur Anwendung und melden Sie sich dort erneut ab.
logout-unregistered-redirect = Die Anwendung wollte zu einer Adresse zurück, die sie nicht registriert hat (post_logout_redirect_uri), daher wurde nicht abgemeldet. Sagen Sie es den Verantwortlichen der Anwendung.
logout-done-title = Abgemeldet
logout-done-message = Sie sind in diesem Browser von idp abgemeldet.

## Passwords

change-password-title = Neues Passwort wählen
change-password-expired = Ihr Passwort war vorläufig oder ist abgelaufen. Wählen Sie ein neues, um fortzufahren.
change-password-new = Neues Passwort
change-password-again = Dasselbe Passwort noch einmal
change-password-submit = Neues Passwort speichern
password-rules = { $classes ->
    [0] Mindestens { $length } Zeichen, nicht Ihr Name oder Ihre Adresse und kein gängiges Passwort.
   *[other] Mindestens { $length } Zeichen, gemischt aus { $classes } der Arten Kleinbuchstaben, Großbuchstaben, Ziffern und andere Zeichen, nicht Ihr Name oder Ihre Adresse und kein gängiges Passwort.
}
password-too-short = Verwenden Sie mindestens { $count } Zeichen.
password-too-long = Verwenden Sie höchstens { $count } Zeichen.
password-too-few-classes = Mischen Sie mindestens { $count } der Arten: Kleinbuchstaben, Großbuchstaben, Ziffern, andere Zeichen.
password-personal = Verwenden Sie Ihre E-Mail-Adresse oder Ihren Namen nicht im Passwort.
password-common = Dieses Passwort gehört zu den häufigsten; wählen Sie ein anderes.
password-reused = Wählen Sie ein Passwort, das Sie in letzter Zeit nicht verwendet haben.
password-mismatch = Die beiden Passwörter stimmen nicht überein.
passwords-differ = Die beiden Passwörter sind verschieden.
forgot-title = Passwort vergessen
forgot-heading = Passwort vergessen?
forgot-sent = Falls sich ein Konto mit dieser Adresse anmeldet, haben wir ihm einen Link geschickt, mit dem Sie ein neues Passwort wählen können. Sehen Sie in Ihren E-Mails nach.
forgot-submit = Link per E-Mail senden
link-dead-title = Dieser Link funktioniert nicht mehr
link-dead-message = Der Link ist unbekannt, wurde schon verwendet oder ist abgelaufen. Fordern Sie auf der Anmeldeseite einen neuen an (Passwort vergessen?).
password-saved-title = Ihr neues Passwort ist gespeichert
password-saved-message = Sie sind überall abgemeldet. Melden Sie sich mit dem neuen Passwort wieder an.
recovery-link-title = Mit einem Wiederherstellungslink anmelden
recovery-link-dead-title = Dieser Anmeldelink funktioniert nicht mehr
account-disabled-title = Dieses Konto ist deaktiviert
account-disabled-message = Dieses Konto ist deaktiviert. Eine andere Hauptadministration kann es wieder aktivieren.
recovery-link-explain = Dieser Link wurde auf dem Server für eine Administratorin oder einen Administrator ohne andere Anmeldemöglichkeit erstellt. Er funktioniert einmal.
recovery-link-submit = Mit diesem Link anmelden
recovery-link-dead = Dieser Link ist unbekannt, wurde schon verwendet oder ist abgelaufen: Ein Wiederherstellungslink meldet nur einmal an. Bitten Sie den Betreiber des Servers um einen neuen ({ $command }), oder melden Sie sich anders an.

## Errors on the way

authorize-bad-link-title = Dieser Anmeldelink funktioniert nicht
authorize-client-gone = Die Anwendung, die Sie hierher geschickt hat, ist nicht mehr registriert.
signin-expired-title = Diese Anmeldung ist abgelaufen
signin-expired-message = Gehen Sie zurück zur Anwendung und beginnen Sie neu.

## Error pages and the start page

error-title-400 = Diese Anfrage konnte nicht bearbeitet werden
error-title-401 = Bitte zuerst anmelden
error-title-403 = Nicht erlaubt
error-title-404 = Seite nicht gefunden
error-title-409 = Diese Änderung kollidiert mit einer anderen
error-title-410 = Dieser Link funktioniert nicht mehr
error-title-413 = Zu groß
error-title-429 = Zu viele Anfragen
error-title-500 = Etwas ist schiefgelaufen
error-message-400 = Die Seite hat etwas gesendet, das nicht verwendet werden konnte. Gehen Sie zurück und versuchen Sie es erneut.
error-message-401 = Diese Seite ist nur für angemeldete Personen.
error-message-403 = Ihr Konto darf das nicht. Wenn Sie meinen, es sollte, fragen Sie Ihre Administration.
error-message-404 = Unter dieser Adresse gibt es keine Seite. Prüfen Sie die Adresse oder beginnen Sie auf der Startseite neu.
error-message-409 = Jemand hat dasselbe gleichzeitig geändert. Laden Sie die Seite neu, um den aktuellen Stand zu sehen, und versuchen Sie es dann erneut.
error-message-410 = Dieser Link wurde schon verwendet, ist abgelaufen oder war nie gültig. Fordern Sie einen neuen an.
error-message-413 = Das Gesendete ist größer, als diese Seite annimmt.
error-message-429 = Zu viele Anfragen. Warten Sie einen Moment und versuchen Sie es dann erneut.
error-message-500 = Auf unserer Seite ist ein Fehler aufgetreten. Versuchen Sie es gleich noch einmal; wenn es wieder passiert, informieren Sie Ihre Administration.
error-operation = Referenz für Ihre Administration: { $operation }
error-go-back = Zurück und erneut versuchen
error-try-again = Erneut versuchen
error-start-page = Zur Startseite
error-sign-in = Anmelden
form-expired = Dieses Formular ist abgelaufen oder stammt nicht von dieser Website. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.
export-link-gone = Dieser Download-Link ist unbekannt, schon verwendet oder abgelaufen. Fordern Sie in der Konsole einen neuen Export an.
export-sign-in-first = Melden Sie sich als die Person an, die diesen Export angefordert hat, und öffnen Sie den Link dann erneut.
landing-title = Ihr Konto
landing-message = Melden Sie sich an, um zu sehen, wo Sie angemeldet sind, Ihre Sicherheitseinstellungen und die Anwendungen, denen Sie Zugriff erlaubt haben.
landing-sign-in = Anmelden
bootstrap-open-console = In der Konsole anmelden
password-saved-sign-in = Anmelden
password-first-title = Passwort festlegen
password-first-hint = Mit diesem Passwort und Ihrer E-Mail-Adresse melden Sie sich an.
password-first-saved-title = Ihr Passwort ist festgelegt
password-first-saved-message = Melden Sie sich mit Ihrer E-Mail-Adresse und dem eben gewählten Passwort an.

security-change-password = Passwort ändern
security-done-password = Ihr neues Passwort ist gespeichert. Hier bleiben Sie angemeldet; alle anderen Sitzungen wurden abgemeldet.
password-current = Aktuelles Passwort
password-first-label = Passwort
password-first-submit = Passwort speichern
password-back-to-security = Zurück zu den Sicherheitseinstellungen
password-wrong-current = Das aktuelle Passwort ist nicht richtig.
password-too-many-tries = Zu viele Versuche. Warten Sie 15 Minuten und versuchen Sie es dann erneut.
password-email-sign-in-off = Dieses Konto meldet sich nicht mit einem Passwort an, daher gibt es keines zu ändern.

## Connecting a device

device-title = Gerät verbinden
device-explain = Geben Sie den Code ein, den Ihr Fernseher, Ihre Konsole oder Ihr Kommandozeilenwerkzeug anzeigt.
device-code-label = Code von Ihrem Gerät
device-code-hint = Acht Buchstaben, etwa BCDF-GHJK. Groß- und Kleinschreibung und der Bindestrich spielen keine Rolle.
device-code-wrong = Dieser Code stimmt nicht oder ist abgelaufen. Prüfen Sie den Code, den Ihr Gerät anzeigt.
device-confirm-title = { $app } verbinden
device-confirm-heading = { $app } mit Ihrem Konto verbinden?
device-confirm-explain = Angemeldet als { $email }. Erlauben Sie dies nur, wenn Sie es selbst auf Ihrem eigenen Gerät gestartet haben und es den eingegebenen Code anzeigt.
device-confirm-asks = { $app } möchte:
device-expired-title = Dieser Code ist abgelaufen
device-expired-message = Beginnen Sie auf Ihrem Gerät neu, um einen neuen Code zu erhalten.
device-refused-title = Dieses Gerät kann nicht verbunden werden
device-connected-title = Gerät verbunden
device-connected-message = Sie können zu Ihrem Gerät zurückkehren: Es meldet sich in wenigen Sekunden an.
device-denied-title = Anfrage abgelehnt
device-denied-message = Das Gerät wurde nicht verbunden. Sie können diese Seite schließen.

## First run

bootstrap-title = idp einrichten
bootstrap-heading = Hauptadministrator anlegen
bootstrap-explain = Noch kann niemand dieses idp verwalten. Diese einmalige Seite legt die Hauptorganisation und ihre erste Administration an.
bootstrap-org-name = Name der Organisation
bootstrap-your-name = Ihr Name
bootstrap-password-again = Passwort wiederholen
bootstrap-submit = Administrator anlegen
bootstrap-link-dead = Der Link für die Ersteinrichtung ist unbekannt, wurde schon verwendet oder ist abgelaufen. Starten Sie idp neu, um einen neuen auszugeben, falls es noch keine Administration gibt.
bootstrap-done-title = Hauptadministrator angelegt
bootstrap-done-message = Sie können sich jetzt mit dieser E-Mail-Adresse und diesem Passwort anmelden.

## Account and security

signed-in-as = Angemeldet als { $email }.
unknown-browser = Unbekannter Browser
browser-on-system = { $browser } unter { $system }
account-title = Ihr Konto
account-console = Administrationskonsole
account-security-link = Sicherheit: zweiter Faktor und Wiederherstellungscodes
account-name = Name
account-job-title = Position
account-phone = Telefon
account-sessions = Wo Sie angemeldet sind
account-device = Browser und Gerät
account-ip = IP-Adresse
account-started = Begonnen
account-last-active = Zuletzt aktiv
account-this-browser = (dieser Browser)
account-sign-out = Abmelden
account-methods = Anmeldemethoden
method-native = E-Mail-Adresse und Passwort
method-google = Google-Konto
method-entra = Microsoft-Konto
account-method = Methode
account-last-sign-in = Letzte Anmeldung
account-sign-ins = Anmeldungen
account-last-ip = Letzte IP
account-consents = Anwendungen, denen Sie Zugriff erlaubt haben
account-application = Anwendung
account-allowed = Darf sehen
account-since = Seit
account-withdraw = Widerrufen
account-actions = Aktionen
account-sign-out-device = { $device } abmelden
account-withdraw-from = Freigabe für { $app } widerrufen
account-no-methods = Noch keine Anmeldung aufgezeichnet.
account-no-consents = Sie haben noch keiner Anwendung erlaubt, Ihre Angaben zu sehen.
security-unlink-provider = Verknüpfung mit Ihrem { $provider }-Konto aufheben
account-sign-out-all = In diesem Browser überall abmelden
account-preferences = Sprache und Zeitzone
account-language = Sprache
account-language-browser = Wie mein Browser es wünscht
account-time-zone = Zeitzone
account-time-zone-hint = Ein Name wie Europe/Berlin oder Europe/Vienna. Leer lassen, um die Zeitzone Ihres Browsers zu verwenden.
account-save = Speichern
account-saved = Ihre Sprache und Zeitzone sind gespeichert.
account-bad-zone = { $zone } ist kein Zeitzonenname wie Europe/Berlin oder Asia/Seoul.
security-title = Sicherheit
security-never = nie
security-locked = Die Anmeldung mit zweitem Faktor ist nach zu vielen falschen Codes bis { $until } gesperrt. Ihre Administration kann die Sperre früher aufheben.
security-password-changed = Passwort zuletzt geändert
security-last-sign-in = Letzte Anmeldung
security-when-from = { $when } von { $ip }
security-last-reset = Zweiter Faktor zuletzt zurückgesetzt
security-linked = Verknüpfte Konten
security-linked-hint = Mit diesen Konten melden Sie sich an; sie sind durch ihren eigenen zweiten Faktor geschützt.
security-account = Konto
security-linked-on = Verknüpft
security-sign-ins = Anmeldungen
security-unlink = Verknüpfung lösen
security-methods = Methoden für den zweiten Faktor
security-method = Methode
security-state = Status
security-added = Hinzugefügt
security-last-used = Zuletzt verwendet
security-on = An
security-off = Aus
security-method-totp = Authenticator-App
security-method-email = Codes per E-Mail
security-method-recovery = Wiederherstellungscodes
security-codes-left = { $count ->
    [one] Noch { $count } Wiederherstellungscode übrig.
   *[other] Noch { $count } Wiederherstellungscodes übrig.
}
security-new-codes = Neue Wiederherstellungscodes erstellen
security-remove-totp = Authenticator-App entfernen
security-your-password = Ihr Passwort
security-remove-totp-submit = Authenticator-App und ihre Wiederherstellungscodes entfernen
security-set-up-totp = Authenticator-App einrichten
security-email-stop = Keine Codes mehr per E-Mail anbieten
security-email-start = Bei der Anmeldung einen Code per E-Mail anbieten
security-reset = Jeden zweiten Faktor ausschalten
security-reset-submit = Meinen zweiten Faktor zurücksetzen
security-done-removed = Die Authenticator-App und ihre Wiederherstellungscodes sind entfernt.
security-done-reset = Alle Methoden für den zweiten Faktor sind ausgeschaltet.
security-done-email-on = Codes per E-Mail sind eingeschaltet.
security-done-email-off = Codes per E-Mail sind ausgeschaltet.
security-done-unlinked = Die Verknüpfung ist gelöst: Mit diesem Konto melden Sie sich hier nicht mehr an.

# --- Branding (organization logo and support contact in the page layout) ---
brand-logo-alt = Logo von { $org }
brand-support = Brauchen Sie Hilfe? Wenden Sie sich an den Support:

## Sign-in with Google or Microsoft that did not work (routes/federated.rs)

federation-failed-title = Die Anmeldung mit { $provider } hat nicht geklappt
federation-unreachable = { $provider } antwortet gerade nicht. Versuchen Sie es in ein paar Minuten noch einmal oder melden Sie sich auf anderem Weg an.
federation-bad-answer = { $provider } hat eine Antwort gegeben, die wir nicht verwenden können. Versuchen Sie es später noch einmal oder melden Sie sich auf anderem Weg an.
federation-invalid-token = Die Anmeldung über { $provider } konnte nicht geprüft werden und wurde deshalb abgelehnt. Beginnen Sie von vorn.
federation-consent-granted-title = Zustimmung erteilt
federation-consent-granted = Microsoft Entra ID hat die Zustimmung Ihrer Organisation gespeichert (Mandant { $tenant }). Ihre Mitglieder können sich jetzt mit Microsoft anmelden, ohne einzeln gefragt zu werden. Sie können diese Seite schließen.
federation-consent-refused-title = Die Zustimmung wurde nicht erteilt
federation-consent-refused = Microsoft Entra ID hat die Zustimmung nicht gespeichert ({ $error }). Öffnen Sie den Link erneut und stimmen Sie zu, angemeldet als Administrator des Mandanten Ihrer Organisation.
federation-invalid-state = Diese Anmeldung ist abgelaufen, wurde schon verwendet oder wurde nicht in diesem Browser begonnen. Beginnen Sie auf der Anmeldeseite von vorn.
federation-cancelled = Die Anmeldung mit { $provider } wurde abgebrochen oder abgelehnt (access_denied). Sie können von vorn beginnen.
federation-consent-required = { $provider } braucht Ihre Zustimmung, bevor es mitteilt, wer Sie sind ({ $code }). Beginnen Sie von vorn und stimmen Sie zu, oder bitten Sie Ihren Administrator, die Zustimmung für Ihre Organisation zu erteilen.
federation-upstream-error-described = { $provider } hat Sie nicht angemeldet ({ $code }): { $description }
federation-upstream-error = { $provider } hat Sie nicht angemeldet ({ $code }).
federation-no-code = Die Antwort des Anbieters enthielt keinen Autorisierungscode. Beginnen Sie von vorn.
federation-provider-not-allowed = Ihre Organisation erlaubt keine Anmeldung mit { $provider }.
federation-email-not-verified = { $provider } hat diese E-Mail-Adresse nicht bestätigt, daher kann sie hier nicht zur Anmeldung verwendet werden.
federation-domain-not-allowed = Ihre Organisation akzeptiert keine Google-Konten von { $domain }.
federation-tenant-not-allowed = Ihre Organisation akzeptiert keine Microsoft-Konten aus diesem Verzeichnis (Mandant { $tenant }).
federation-no-account = Zu dieser Anmeldung mit { $provider } gibt es hier kein Konto, und Konten werden bei der ersten Anmeldung nicht angelegt. Bitten Sie Ihren Administrator, Sie hinzuzufügen.
federation-disabled = Dieses Konto ist deaktiviert. Wenden Sie sich an Ihren Administrator.

# Passkeys
passkey-error-disabled = Passkeys sind auf diesem Server nicht verfügbar.
passkey-error-expired = Die Passkey-Anfrage ist abgelaufen. Beginnen Sie von vorn.
passkey-error-name = Geben Sie dem Passkey einen Namen mit 1 bis 64 Zeichen.
passkey-error-too-many = Sie haben bereits so viele Passkeys wie erlaubt. Entfernen Sie zuerst einen.
passkey-error-not-found = Dieser Passkey ist nicht in Ihrer Liste.
passkey-error-unknown = Dieser Passkey ist hier nicht registriert.
passkey-error-excluded = Dieser Passkey ist bereits registriert.
passkey-error-cross-origin = Der Passkey hat für eine andere Website geantwortet.
passkey-error-challenge = Die Antwort des Passkeys gehört nicht zu dieser Anfrage. Beginnen Sie von vorn.
passkey-error-signature = Die Antwort des Passkeys konnte nicht geprüft werden.
passkey-error-user-not-verified = Der Passkey hat nicht geprüft, dass Sie es sind (PIN, Fingerabdruck oder Gesicht). Versuchen Sie es erneut und bestätigen Sie auf Ihrem Gerät.
passkey-error-counter = Dieser Passkey wurde möglicherweise kopiert: Sein Zähler ist zurückgegangen. Verwenden Sie eine andere Methode und informieren Sie eine Administratorin oder einen Administrator.
passkey-error-not-allowed = Ihre Organisation erlaubt die Anmeldung nur mit einem Passkey nicht. Melden Sie sich mit E-Mail und Passwort an.
security-passkeys = Passkeys
security-passkeys-hint = Mit einem Passkey melden Sie sich mit der Bildschirmsperre Ihres Geräts (PIN, Fingerabdruck oder Gesicht) statt mit einem Code an.
security-no-passkeys = Sie haben noch keine Passkeys.
security-passkey-name = Name des Passkeys
security-add-passkey = Passkey hinzufügen
security-remove-passkey = Entfernen
security-remove-passkey-named = Passkey { $name } entfernen
security-done-passkey-added = Der Passkey wurde hinzugefügt.
security-done-passkey-removed = Der Passkey wurde entfernt.
passkey-needs-script = Passkeys brauchen JavaScript und einen Browser, der sie unterstützt. Schalten Sie JavaScript ein oder verwenden Sie eine andere Methode.
passkey-cancelled = Der Passkey wurde nicht verwendet: Browser oder Gerät haben abgebrochen. Versuchen Sie es erneut oder verwenden Sie eine andere Methode.
security-remove-passkey-password = Ihr Passwort, um { $name } zu entfernen
second-factor-use-passkey = Passkey verwenden
login-with-passkey = Mit einem Passkey anmelden
# Text-message codes and the allowed kinds of second factor
phone-no-country-code = Geben Sie die Nummer mit Ländervorwahl ein, beginnend mit + (zum Beispiel +49 151 23456789).
phone-not-a-number = Eine Telefonnummer enthält nur Ziffern, Leerzeichen, Bindestriche, Punkte und Klammern.
phone-wrong-length = Diese Nummer ist zu kurz oder zu lang für eine Telefonnummer.
second-factor-too-many-texts = Es wurden zu viele SMS gesendet. Warten Sie eine Weile, bevor Sie eine neue anfordern.
second-factor-text-not-sent = Die SMS konnte nicht gesendet werden. Versuchen Sie es später erneut oder lassen Sie sich einen Code per E-Mail senden.
second-factor-not-allowed = Ihre Organisation erlaubt diese Art von zweitem Faktor nicht.
second-factor-phone-in-use = Es ist bereits eine Telefonnummer eingerichtet. Entfernen Sie sie, bevor Sie eine andere hinzufügen.
second-factor-sms-sent = Wir haben einen Code per SMS an { $number } gesendet. Er gilt 10 Minuten.
second-factor-sms-label = Code aus der SMS
second-factor-sms-send = Code per SMS senden
second-factor-sms-send-another = Weitere SMS senden
security-method-sms = Codes per SMS
security-done-phone-sent = Wir haben einen Code an Ihr Telefon gesendet. Geben Sie ihn unten ein, um die Nummer zu bestätigen.
security-done-phone-verified = Ihre Telefonnummer ist bestätigt. Sie können Anmeldecodes jetzt per SMS erhalten.
security-done-phone-removed = Ihre Telefonnummer wurde entfernt.
security-phone-verified = Codes gehen an { $number }.
security-phone-waiting = { $number } wartet auf die Bestätigung mit dem gesendeten Code.
security-phone-code = Code aus der SMS
security-phone-verify = Nummer bestätigen
security-phone-resend = Code erneut senden
security-phone-remove = Telefonnummer entfernen
security-phone-hint = SMS sind ein schwächerer zweiter Faktor als eine Authenticator-App: Eine Nummer kann übernommen werden. Nutzen Sie sie, wenn nichts anderes für Sie funktioniert.
security-phone-label = Mobilnummer mit Ländervorwahl
security-phone-add = Code an diese Nummer senden
passkey-error-not-offered = Ihre Organisation verwendet keine Passkeys. Verwenden Sie eine andere Methode.

journey-passkey-required = Administratorinnen und Administratoren Ihrer Organisation müssen einen Passkey als zweiten Faktor verwenden, und Sie haben keinen. Bitten Sie eine andere Administratorin oder einen anderen Administrator, diese Regel kurz auszuschalten (oder Ihnen die Administrationsrolle zu entziehen), und fügen Sie dann auf Ihrer Sicherheitsseite einen Passkey hinzu.
passkey-error-model = Ihre Organisation akzeptiert keine Passkeys von dieser Art Authentifikator. Verwenden Sie einen anderen.
