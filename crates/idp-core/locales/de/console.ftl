# The administrator console.

## Layout and what every page shares

console-page-title = { $title } · idp-Konsole
console-brand = idp-Konsole
console-skip = Zum Inhalt springen
console-nav-label = Konsole
console-nav-orgs = Organisationen
console-nav-clients = Anwendungen
console-nav-keys = Signaturschlüssel
console-your-account = Ihr Konto
console-sign-out = Abmelden
console-breadcrumb = Pfadnavigation
console-org-tabs = Organisation
console-tab-overview = Übersicht
console-tab-members = Mitglieder
console-tab-authentication = Authentifizierung
console-tab-security = Sicherheit
console-tab-login-settings = Anmeldeeinstellungen
console-tab-federation = Föderation
console-tab-administrators = Administratoren
console-tab-audit = Audit-Protokoll
console-search = Suchen
console-show-all = Alle anzeigen
console-none = Keine.
console-col-org = Organisation
console-col-members = Mitglieder
console-col-sub-orgs = Unterorganisationen
console-col-actions = Aktionen
console-apply-filters = Filter anwenden
console-clear-filters = Filter zurücksetzen
console-first-page = Erste Seite
console-next-page = Nächste Seite
console-on = An
console-off = Aus
console-default = Standard
console-as-parent = Wie die übergeordnete Organisation entscheidet
console-revert = Auf geerbten Wert zurücksetzen
console-back-to-members = Zurück zu den Mitgliedern
console-back-to-clients = Zurück zu den Anwendungen

## Refusals and other messages

console-no-role-title = Sie verwalten nichts
console-no-role-message = Diese Konsole ist für Administratoren. Ihr Konto hat keine Administratorrolle.
console-back-to-account = Zurück zu Ihrem Konto
console-stale-title = Dieses Formular ist abgelaufen
console-stale-message = Das Formular war zu lange geöffnet oder kam nicht von dieser Website, daher wurde nichts geändert. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es noch einmal.
console-back-to-page = Zurück zur Seite
console-refused-forbidden = Nicht erlaubt
console-refused-not-found = Nicht gefunden
console-refused-unchanged = Es wurde nichts geändert
console-go-back = Zurück
console-unknown-action-title = Unbekannte Aktion
console-unknown-action-message = Diese Aktion gibt es nicht. Es wurde nichts geändert.
console-back-to-org = Zurück zur Organisation
console-back-to-member = Zurück zum Mitglied

## Organizations

console-orgs-title = Organisationen
console-orgs-find = Organisationen finden
console-orgs-search-label = Nach Name oder Kurzname suchen
console-orgs-none = Keine Organisation passt.
console-orgs-tree = Organisationsbaum
console-orgs-members-of = Mitglieder von { $org }
console-org-slug = Kurzname
console-org-kind = Art
console-org-kind-root = Hauptorganisation
console-org-kind-sub = Unterorganisation
console-org-direct-members = Direkte Mitglieder
console-org-child-counts = { $members ->
    [one] 1 Mitglied
   *[other] { $members } Mitglieder
}, { $subs ->
    [one] 1 Unterorganisation
   *[other] { $subs } Unterorganisationen
}
console-org-create-heading = Unterorganisation anlegen
console-org-child-name = Name der Unterorganisation
console-org-child-slug = Kurzname (optional)
console-org-slug-hint = Kleinbuchstaben, Ziffern und Bindestriche; leer gelassen wird er aus dem Namen gebildet.
console-org-create = Unterorganisation anlegen
console-org-rename = Umbenennen
console-org-name = Name der Organisation
console-org-move = Verschieben
console-org-new-parent = Neue übergeordnete Organisation
console-org-delete-heading = Löschen
console-org-empty = Diese Organisation hat weder Mitglieder noch Unterorganisationen.
console-org-delete = Diese Organisation löschen
console-org-renamed = In { $name } umbenannt.
console-org-created = { $name } angelegt.
console-org-moved = Verschoben.
console-org-deleted = Organisation gelöscht.

## Members

console-status-active = Aktiv
console-status-on-leave = Beurlaubt
console-status-disabled = Deaktiviert
console-badge-locked = Gesperrt
console-badge-temporary-password = Vorläufiges Passwort
console-badge-second-factor-locked = Zweiter Faktor gesperrt
console-second-factor-app = Authenticator-App
console-second-factor-email = Code per E-Mail
console-second-factor-none = Keiner
console-method-password = Passwort
console-never = Nie
console-new-member = Neues Mitglied
console-import-members = Mitglieder importieren
console-export-excel = Als Excel exportieren
console-export-csv = Als CSV exportieren
console-members-find = Mitglieder finden
console-members-search-label = Name, E-Mail-Adresse oder ID suchen
console-col-status = Status
console-any-status = Jeder Status
console-col-email-login = E-Mail-Anmeldung
console-on-or-off = An oder aus
console-col-second-factor = Zweiter Faktor
console-any = Alle
console-sign-in-method = Anmeldemethode
console-last-sign-in-from = Letzte Anmeldung ab
console-last-sign-in-until = Letzte Anmeldung bis
console-order = Reihenfolge
console-order-email = Nach E-Mail-Adresse
console-order-newest = Neueste zuerst
console-per-page = Pro Seite
console-include-sub-orgs = Unterorganisationen einbeziehen
console-only-never-signed-in = Nur Mitglieder, die sich nie angemeldet haben
console-members-more-than = Mehr als { $count } Mitglieder
console-members-count = { $count ->
    [one] 1 Mitglied
   *[other] { $count } Mitglieder
}
console-select-page = Alle Mitglieder dieser Seite auswählen
console-col-name = Name
console-col-email = E-Mail-Adresse
console-col-methods = Anmeldemethoden
console-col-last-sign-in = Letzte Anmeldung
console-select-member = { $email } auswählen
console-no-name = (ohne Namen)
console-members-none = Kein Mitglied passt zu diesen Filtern.
console-act-legend = Mit Mitgliedern arbeiten
console-scope-selected = Die oben ausgewählten Mitglieder
console-scope-all-more = Alle passenden Mitglieder (mehr als { $count })
console-scope-all = { $count ->
    [one] Das eine passende Mitglied
   *[other] Alle { $count } passenden Mitglieder
}
console-action = Aktion
console-act-group-email = Aktionen zur E-Mail-Anmeldung
console-act-enable-email-login = E-Mail-Anmeldung einschalten
console-act-disable-email-login = E-Mail-Anmeldung ausschalten
console-act-resend-reset = E-Mail zum Zurücksetzen des Passworts erneut senden
console-act-set-active = Status setzen: aktiv
console-act-set-on-leave = Status setzen: beurlaubt
console-act-set-disabled = Status setzen: deaktiviert
console-act-reset-second-factor = Zweiten Faktor zurücksetzen
console-act-temporary-passwords = Vorläufige Passwörter ausstellen
console-act-temporary-passwords-shown = Vorläufige Passwörter ausstellen (einmal angezeigt)
console-act-temporary-passwords-email = Vorläufige Passwörter per E-Mail ausstellen
console-act-move = In eine andere Organisation verschieben
console-move-to = In Organisation verschieben
console-move-choose = (beim Verschieben wählen)
console-move-hint = Nur für die Aktion „In eine andere Organisation verschieben“.
console-apply-to-members = Auf Mitglieder anwenden
console-choose-action-title = Wählen Sie eine Aktion
console-choose-action-message = Wählen Sie, was mit den Mitgliedern geschehen soll, und wenden Sie es dann an.
console-none-selected-title = Kein Mitglied ausgewählt
console-none-selected-message = Wählen Sie mindestens ein Mitglied oder alle passenden Mitglieder aus und wenden Sie die Aktion dann erneut an. Es wurde nichts geändert.
console-temporary-password-issued-once = Vorläufiges Passwort ausgestellt; es gilt nur einmal.
console-results-heading = { $action }: Ergebnisse
console-results-summary = { $done } erledigt, { $skipped } übersprungen.
console-results-passwords = Vorläufige Passwörter werden nur auf dieser Seite angezeigt. Geben Sie jedes jetzt an sein Mitglied weiter.
console-results = Ergebnisse
console-col-member = Mitglied
console-col-result = Ergebnis
console-col-details = Details
console-result-done = Erledigt
console-result-skipped = Übersprungen
console-email-address = E-Mail-Adresse
console-new-member-email-login = Anmeldung mit E-Mail-Adresse und Passwort einschalten
console-new-member-hint = Das Mitglied erhält eine Willkommens-E-Mail mit einem Link, um ein Passwort festzulegen.
console-add-member = Mitglied hinzufügen
console-cancel = Abbrechen

## A member's page

console-sign-ins = Anmeldungen
console-last-ip = Letzte IP-Adresse
console-position = Position
console-phone = Telefon
console-email-and-password = E-Mail-Adresse und Passwort
console-never-used = nie
console-app-added = Hinzugefügt am { $added }; zuletzt verwendet: { $used }
console-not-set-up = Nicht eingerichtet
console-emailed-codes = Codes per E-Mail
console-emailed-codes-on = An seit { $since }; zuletzt verwendet: { $used }
console-recovery-codes-left = Verbleibende Wiederherstellungscodes
console-lock = Sperre
console-not-locked = Nicht gesperrt
console-locked-until = Gesperrt bis { $until }
console-locked-since = Gesperrt seit { $since }
console-never-expires = Läuft nie ab
console-password-temporary = Vorläufig: muss bei der nächsten Anmeldung geändert werden
console-password-set = Festgelegt
console-password-not-set = Nicht festgelegt
console-last-changed = Zuletzt geändert
console-expires = Läuft ab
console-failed-sign-ins = Fehlgeschlagene Anmeldungen
console-everything = Alles
console-super-administrator = Superadministrator
console-member-unlocked = Passwortsperre aufgehoben.
console-member-was-not-locked = Das Passwort war nicht gesperrt.
console-member-session-ended = Sitzung beendet.
console-member-sessions-ended = Alle Sitzungen beendet.
console-member-consent-withdrawn = Einwilligung widerrufen.
console-member-profile-saved = Profil gespeichert.
console-member-unlinked = Verknüpftes Konto entfernt.
console-temporary-password-issued = Vorläufiges Passwort ausgestellt. Es wird nur jetzt angezeigt und gilt nur einmal.
console-nothing-to-do = Nichts zu tun.
console-temporary-password = Vorläufiges Passwort:
console-member-since = Mitglied seit
console-member-id = Mitglieds-ID
console-profile = Profil
console-save-profile = Profil speichern
console-set-status = Status setzen
console-never-signed-in = Dieses Mitglied hat sich noch nie angemeldet.
console-unlink = { $provider }-Konto trennen
console-send-reset = E-Mail zum Zurücksetzen des Passworts senden
console-issue-temporary-password = Vorläufiges Passwort ausstellen
console-email-temporary-password = Vorläufiges Passwort per E-Mail senden
console-unlock = Passwortanmeldung entsperren
console-sessions = Sitzungen
console-no-session = Keine aktive Sitzung.
console-col-device = Browser und Gerät
console-col-ip = IP-Adresse
console-col-started = Begonnen
console-col-last-active = Zuletzt aktiv
console-end-session-label = Sitzung vom { $started } beenden
console-end = Beenden
console-end-all-sessions = Alle Sitzungen beenden
console-consents = Erlaubte Anwendungen
console-col-application = Anwendung
console-col-allowed = Darf sehen
console-col-since = Seit
console-withdraw-label = Einwilligung für { $app } widerrufen
console-withdraw = Widerrufen
console-admin-roles = Administratorrollen
console-recent-events = Neueste Audit-Ereignisse
console-col-when = Wann
console-col-activity = Aktivität
console-col-event = Ereignis
console-col-by = Von
console-col-detail = Detail
console-all-member-events = Alle Audit-Ereignisse dieses Mitglieds

## Settings pages: where a value comes from, confirmations

console-source-here = Hier festgelegt
console-source-inherited = Geerbt von { $org }
console-source-inherited-parent = Von einer übergeordneten Organisation geerbt
console-confirm-passwords = { $count ->
    [one] Dies löscht alle gespeicherten Passwörter und zweiten Faktoren von 1 Mitglied; geben Sie zum Fortfahren 1 (oder den Namen der Organisation) in das Bestätigungsfeld ein.
   *[other] Dies löscht alle gespeicherten Passwörter und zweiten Faktoren von { $count } Mitgliedern; geben Sie zum Fortfahren { $count } (oder den Namen der Organisation) in das Bestätigungsfeld ein.
}
console-confirm-second-factors = { $count ->
    [one] Dies löscht alle eingerichteten zweiten Faktoren von 1 Mitglied; geben Sie zum Fortfahren 1 (oder den Namen der Organisation) in das Bestätigungsfeld ein.
   *[other] Dies löscht alle eingerichteten zweiten Faktoren von { $count } Mitgliedern; geben Sie zum Fortfahren { $count } (oder den Namen der Organisation) in das Bestätigungsfeld ein.
}

## Login settings

console-login-settings-of = Anmeldeeinstellungen von { $org }
console-setting-password-min-length = Mindestlänge des Passworts
console-setting-character-classes = Erforderliche Zeichenarten
console-setting-password-expiry = Ablauf des Passworts
console-setting-password-history = Frühere Passwörter, die nicht wiederverwendet werden dürfen
console-setting-lockout = Konto sperren nach
console-setting-idle-timeout = Abmelden nach Inaktivität von
console-setting-session-lifetime = Sitzungsdauer
console-setting-no-idle-limit = keine Inaktivitätsgrenze
console-setting-no-limit = keine Grenze
console-setting-none-required = keine erforderlich
console-setting-any-reused = alle dürfen wiederverwendet werden
console-setting-never-locks = sperrt nie
console-amount-characters = { $count ->
    [one] 1 Zeichen
   *[other] { $count } Zeichen
}
console-amount-classes = { $count ->
    [one] 1 Zeichenart
   *[other] { $count } Zeichenarten
}
console-amount-passwords = { $count ->
    [one] 1 Passwort
   *[other] { $count } Passwörter
}
console-amount-failures = { $count ->
    [one] 1 fehlgeschlagener Anmeldung
   *[other] { $count } fehlgeschlagenen Anmeldungen
}
console-amount-minutes = { $count ->
    [one] 1 Minute
   *[other] { $count } Minuten
}
console-amount-hours = { $count ->
    [one] 1 Stunde
   *[other] { $count } Stunden
}
console-amount-days = { $count ->
    [one] 1 Tag
   *[other] { $count } Tage
}
console-unit-characters = Zeichen
console-unit-classes = Zeichenarten
console-unit-passwords = Passwörter
console-unit-failures = fehlgeschlagene Anmeldungen
console-unit-minutes = Minuten
console-unit-hours = Stunden
console-unit-days = Tage
console-leave-may-now = dürfen sich anmelden
console-leave-may-not-now = dürfen sich nicht anmelden
console-language-english-default = Englisch, sofern der Leser nichts anderes wünscht
console-nothing-to-change = Nichts zu ändern.
console-login-settings-saved = Anmeldeeinstellungen gespeichert.
console-setting-reverted = Einstellung auf den geerbten Wert zurückgesetzt.
console-durations-hint = Zeiträume können mit einer englischen Einheit eingegeben werden, etwa 2 weeks, 8 hours oder 30 minutes. Lassen Sie ein Feld leer, um den geerbten Wert zu verwenden.
console-col-setting = Einstellung
console-col-value = Wert
console-col-applies-now = Gilt jetzt
console-col-source = Herkunft
console-revert-label = { $setting } auf geerbten Wert zurücksetzen
console-leave-label = Beurlaubte Mitglieder
console-leave-may = Dürfen sich anmelden
console-leave-may-not = Dürfen sich nicht anmelden
console-leave-revert-label = Beurlaubte Mitglieder auf geerbten Wert zurücksetzen
console-language-label = Sprache der Seiten und E-Mails
console-language-default = Standard (Englisch)
console-language-hint = für Leser, deren Browser keine Sprache verlangt, die idp anbietet
console-language-revert-label = Auf geerbten Wert zurücksetzen: Sprache der Seiten und E-Mails
console-save-login-settings = Anmeldeeinstellungen speichern

## Security

console-security-of = Sicherheit von { $org }
console-two-factor-off = Nicht verwenden
console-two-factor-everybody = Alle
console-two-factor-admins = Nur Administratoren
console-list-inherited = Diese Organisation hat keine eigene Liste; es gilt die von { $org } geerbte.
console-list-inherited-parent = Diese Organisation hat keine eigene Liste; es gilt die von einer übergeordneten Organisation geerbte.
console-unknown-address = unbekannt
console-current-address-note = aktuelle Zugriffs-IP
console-address-added = Ihre Adresse { $ip } wurde der Liste unten hinzugefügt. Speichern Sie die Liste, damit sie gilt.
console-two-factor-saved = Geltungsbereich der Zwei-Faktor-Authentifizierung gespeichert.
console-two-factor-saved-cleared = { $count ->
    [one] Geltungsbereich der Zwei-Faktor-Authentifizierung gespeichert. Die zweiten Faktoren von 1 Mitglied wurden gelöscht.
   *[other] Geltungsbereich der Zwei-Faktor-Authentifizierung gespeichert. Die zweiten Faktoren von { $count } Mitgliedern wurden gelöscht.
}
console-exempt-saved = { $count ->
    [one] Vom zweiten Faktor befreite IPs gespeichert: 1 Eintrag.
   *[other] Vom zweiten Faktor befreite IPs gespeichert: { $count } Einträge.
}
console-allow-saved = { $count ->
    [one] Erlaubte Zugriffs-IPs gespeichert: 1 Eintrag.
   *[other] Erlaubte Zugriffs-IPs gespeichert: { $count } Einträge.
}
console-allow-off = Erlaubte Zugriffs-IPs ausgeschaltet.
console-your-address = Ihre aktuelle Zugriffsadresse:
console-two-factor-heading = Zwei-Faktor-Authentifizierung
console-now = Jetzt:
console-two-factor-who = Wer einen zweiten Faktor nachweisen muss
console-two-factor-off-warning = { $count ->
    [one] Wenn Sie die Zwei-Faktor-Authentifizierung ausschalten, werden alle zweiten Faktoren (Authenticator-Apps, Codes per E-Mail, Wiederherstellungscodes) des 1 Mitglieds gelöscht, das hier und darunter einen eingerichtet hat.
   *[other] Wenn Sie die Zwei-Faktor-Authentifizierung ausschalten, werden alle zweiten Faktoren (Authenticator-Apps, Codes per E-Mail, Wiederherstellungscodes) der { $count } Mitglieder gelöscht, die hier und darunter einen eingerichtet haben.
}
console-two-factor-confirm = Geben Sie beim Ausschalten zur Bestätigung { $count } oder den Namen der Organisation ein
console-two-factor-save = Geltungsbereich speichern
console-allow-heading = Erlaubte Zugriffs-IPs
console-allow-legend = Anmeldung nur von diesen Adressen erlauben
console-allow-on = Erlaubnisliste an
console-allow-off-choice = Erlaubnisliste aus
console-allow-entries = Adressen oder CIDR-Bereiche, eine pro Zeile, jeweils gefolgt von einer Notiz (bis zu 100)
console-for-example = Zum Beispiel:
console-allow-example = 203.0.113.0/24 Hauptsitz
console-add-current = + Aktuelle Zugriffs-IP hinzufügen
console-allow-super-admin = Auch für den Superadministrator
console-allow-clients-legend = Anmeldungen, die die Liste beschränkt
console-allow-all-clients = Alle Anwendungen
console-allow-chosen-clients = Nur die unten ausgewählten Anwendungen
console-allow-no-clients = In dieser Organisation und darüber ist keine Anwendung registriert.
console-allow-lockout-confirm = Mir ist bewusst, dass meine eigene Adresse nicht auf der Liste steht: trotzdem speichern
console-allow-save = Erlaubte Zugriffs-IPs speichern
console-exempt-heading = Vom zweiten Faktor befreite IPs
console-exempt-legend = Von diesen Adressen keinen zweiten Faktor verlangen
console-exempt-on = Befreiungen an
console-exempt-off = Befreiungen aus
console-exempt-entries = Befreite Adressen oder CIDR-Bereiche, eine pro Zeile, jeweils gefolgt von einer Notiz (bis zu 100)
console-exempt-add-current-label = + Aktuelle Zugriffs-IP zur Befreiungsliste hinzufügen
console-exempt-save = Befreite IPs speichern

## Authentication

console-authentication-of = Authentifizierung von { $org }
console-auth-unknown-action = Wählen Sie, ob die Authentifizierung mit E-Mail-Adresse und Passwort ein- oder ausgeschaltet werden soll. Es wurde nichts geändert.
console-back-to-authentication = Zurück zur Authentifizierung
console-auth-enabled = { $count ->
    [one] Die Authentifizierung mit E-Mail-Adresse und Passwort ist an. 1 Mitglied hat einen Link zum Festlegen eines Passworts erhalten.
   *[other] Die Authentifizierung mit E-Mail-Adresse und Passwort ist an. { $count } Mitglieder haben einen Link zum Festlegen eines Passworts erhalten.
}
console-auth-disabled = { $count ->
    [one] Die Authentifizierung mit E-Mail-Adresse und Passwort ist aus. Gespeicherte Passwörter und zweite Faktoren von 1 Mitglied wurden gelöscht.
   *[other] Die Authentifizierung mit E-Mail-Adresse und Passwort ist aus. Gespeicherte Passwörter und zweite Faktoren von { $count } Mitgliedern wurden gelöscht.
}
console-auth-heading = Authentifizierung mit E-Mail-Adresse und Passwort
console-auth-is-on = Die Authentifizierung mit E-Mail-Adresse und Passwort ist an
console-auth-is-off = Die Authentifizierung mit E-Mail-Adresse und Passwort ist aus
console-change-it-there = Dort ändern
console-auth-root-only = Nur die Hauptorganisation schaltet die Authentifizierung mit E-Mail-Adresse und Passwort ein oder aus, für alle Organisationen darunter.
console-auth-members-link = Mitglieder mit eingeschalteter E-Mail-Anmeldung
console-auth-impact = Was das Ausschalten bewirkt
console-auth-impact-passwords = { $count ->
    [one] 1 Mitglied verliert sein gespeichertes Passwort und damit jeden zweiten Faktor.
   *[other] { $count } Mitglieder verlieren ihr gespeichertes Passwort und damit jeden zweiten Faktor.
}
console-auth-impact-second-factors = { $count ->
    [one] 1 Mitglied verliert eine Authenticator-App, Codes per E-Mail oder Wiederherstellungscodes.
   *[other] { $count } Mitglieder verlieren eine Authenticator-App, Codes per E-Mail oder Wiederherstellungscodes.
}
console-auth-impact-links = { $count ->
    [one] 1 Mitglied hat einen noch nicht genutzten Link zum Festlegen eines Passworts; diese Links funktionieren dann nicht mehr.
   *[other] { $count } Mitglieder haben einen noch nicht genutzten Link zum Festlegen eines Passworts; diese Links funktionieren dann nicht mehr.
}
console-auth-impact-upstream = Mitglieder melden sich danach nur noch mit Google oder Microsoft an.
console-auth-confirm = Geben Sie zur Bestätigung { $count } oder den Namen der Organisation ({ $org }) ein
console-auth-disable = Authentifizierung mit E-Mail-Adresse und Passwort ausschalten
console-auth-enable-hint = Beim Einschalten erhält jedes Mitglied einen Link zum Festlegen eines Passworts.
console-auth-enable = Authentifizierung mit E-Mail-Adresse und Passwort einschalten

## Federation

console-federation-of = Föderation von { $org }
console-fed-google = Mit Google anmelden
console-fed-entra = Mit Microsoft anmelden
console-fed-jit = Mitglied bei der ersten Anmeldung anlegen (Just-in-Time-Bereitstellung)
console-fed-domains = Erlaubte Google-Workspace-Domains, eine pro Zeile
console-fed-domains-hint = In der Hauptorganisation akzeptiert ein leeres Feld jede bestätigte Google-Adresse.
console-fed-tenants = Erlaubte Entra-Mandanten-IDs, eine pro Zeile
console-fed-tenants-hint = Mandanten-IDs sind GUIDs und stehen in der Übersicht des Entra Admin Centers.
console-fed-tenant = Mandant { $tenant }
console-fed-any-tenant = Mandant einer beliebigen Organisation (der des Administrators)
console-federation-saved = Föderationseinstellungen gespeichert.
console-now-on = Jetzt an
console-now-off = Jetzt aus
console-fed-follow-parent = Leer lassen, um der übergeordneten Organisation zu folgen.
console-federation-save = Föderationseinstellungen speichern
console-fed-consent-heading = Administratorzustimmung für Microsoft Entra ID
console-fed-consent-intro = Senden Sie einen dieser Links an den Entra-Administrator des Kunden: Wer ihn öffnet, erteilt diesem Identitätsanbieter die Zustimmung für die ganze Organisation, sodass die Mitglieder nicht einzeln gefragt werden.
console-fed-consent-link = Link zur Administratorzustimmung: { $tenant }
console-fed-entra-missing = Die Anmeldung mit Microsoft ist auf diesem Server nicht eingerichtet (federation.entra), daher gibt es noch keinen Zustimmungslink.

## Signing keys

console-key-current = Aktuell (signiert jetzt)
console-key-next = Nächster (veröffentlicht, signiert nach der nächsten Rotation)
console-key-retired = Ausgemustert (prüft, was er signiert hat)
console-keys-super-only = Nur der Superadministrator verwaltet Signaturschlüssel.
console-back-to-orgs = Zurück zu den Organisationen
console-keys-not-rotated = Es wurde nichts rotiert
console-keys-choose-alg = Wählen Sie einen der aufgeführten Algorithmen oder alle.
console-back-to-keys = Zurück zu den Signaturschlüsseln
console-key-promoted = { $alg } signiert jetzt mit { $kid }
console-keys-rotated = Rotiert: { $list }.
console-keys-hint = Ein nächster Schlüssel wird veröffentlicht, bevor er signiert, sodass vertrauende Anwendungen ihn schon haben, wenn er aktuell wird; ein ausgemusterter Schlüssel bleibt veröffentlicht, bis jedes von ihm signierte Token abgelaufen ist.
console-keys-published = Veröffentlichte Schlüssel
console-col-alg = Algorithmus
console-col-kid = Schlüssel-ID
console-col-state = Zustand
console-col-created = Erstellt
console-col-signing-since = Signiert seit
console-col-retired = Ausgemustert
console-col-leaves = Verlässt den Schlüsselsatz
console-rotate = Rotieren
console-rotate-explain = Beim Rotieren wird jeder nächste Schlüssel zum aktuellen, der aktuelle wird ausgemustert und ein neuer nächster Schlüssel veröffentlicht. Andere Server übernehmen das innerhalb von { $seconds } Sekunden.
console-all-algs = Alle Algorithmen

## Registration tokens

console-tokens-title = Registrierungstoken
console-token-never-expires = nie (bis zum Widerruf)
console-token-revoked = Token { $id } widerrufen.
console-token-bad-lifetime = Geben Sie die Gültigkeit als Anzahl Sekunden oder mit m, h oder d an (90m, 7d), höchstens 366 Tage; lassen Sie sie leer für ein Token, das bis zum Widerruf gilt.
console-tokens-intro = Mit einem Registrierungstoken kann das Werkzeug eines Entwicklers unter /register Anwendungen in einer Organisation registrieren (dynamische Client-Registrierung).
console-tokens-off = Die dynamische Registrierung ist auf diesem Server aus: Tokens funktionieren, sobald ein Betreiber [registration] enabled = true setzt.
console-token-shown = Registrierungstoken, nur jetzt angezeigt: Geben Sie es an den Entwickler weiter.
console-token = Registrierungstoken
console-token-lifetime = Gültigkeit (etwa 7d oder 12h; leer: bis zum Widerruf)
console-token-issue = Token ausstellen
console-tokens-none = Es wurde noch kein Registrierungstoken ausgestellt.
console-col-token-id = Token-ID
console-col-issued = Ausgestellt
console-token-usable = Verwendbar
console-token-unusable = Abgelaufen oder widerrufen
console-revoke = Widerrufen

## Administrators

console-area-allowed-ips = Erlaubte IPs
console-administrators-of = Administratoren von { $org }
console-admins-choose-area = Wählen Sie mindestens einen Bereich.
console-admins-gone = Diesen Administrator gibt es nicht mehr.
console-admins-granted = { $email } erteilt: { $areas }.
console-admins-revoked = { $email } entzogen: { $areas }.
console-admins-not-held = Sie haben { $area } für diese Organisation nicht und können es daher weder erteilen noch entziehen.
console-admins-not-an-address = „{ $email }“ ist keine E-Mail-Adresse.
console-admins-no-member = In diesem Organisationsbaum gibt es kein Mitglied mit der Adresse { $email }; fügen Sie es zuerst als Mitglied hinzu.
console-admins-super-hint = Ein Superadministrator darf überall alles, ob er hier aufgeführt ist oder nicht.
console-admins-none = Diese Organisation verwaltet noch niemand.
console-col-administrator = Administrator
console-col-areas = Bereiche
console-col-over = Für
console-admins-here = Hier
console-admins-from = von { $email }
console-admins-revoke-label = Ausgewählte Bereiche von { $email } entziehen
console-admins-change-on = Ändern bei { $org }
console-admins-grant-heading = Bereiche erteilen
console-admins-member-email = E-Mail-Adresse des Mitglieds
console-admins-areas-legend = Bereiche für diese Organisation und ihre Unterorganisationen
console-admins-grant = Erteilen

## Audit log

console-audit-of = Audit-Protokoll von { $org }
console-audit-not-a-member = „{ $member }“ ist weder eine E-Mail-Adresse noch eine Mitglieds-ID.
console-audit-no-member = In dieser Organisation und darunter gibt es kein Mitglied mit der Adresse { $email }.
console-audit-not-under = „{ $within }“ ist keine Organisation unterhalb von { $org }.
console-audit-bad-cursor = Die Seitenposition in der Adresse stammt nicht von dieser Konsole; beginnen Sie mit der ersten Seite.
console-audit-not-downloaded = Es wurde nichts heruntergeladen
console-back-to-audit = Zurück zum Audit-Protokoll
console-audit-choose-format = Wählen Sie ein Dateiformat
console-audit-choose-format-message = Wählen Sie CSV oder Excel und fordern Sie den Download dann erneut an. Es wurde nichts gestartet.
console-audit-not-started = Es wurde nichts gestartet
console-audit-export-started = Der Export wird vorbereitet. Ein einmaliger Download-Link wird per E-Mail an { $email } gesendet.
console-activity-sign-in = Anmeldung
console-activity-personal-info-access = Zugriff auf persönliche Daten
console-activity-permission-change = Berechtigungsänderung
console-activity-security-settings-change = Änderung der Sicherheitseinstellungen
console-activity-second-factor-reset = Zurücksetzen des zweiten Faktors
console-activity-temporary-password = Vorläufiges Passwort
console-activity-password-reset = Zurücksetzen des Passworts
console-activity-account-lock = Kontosperre
console-activity-consent = Einwilligung
console-activity-token-revocation = Widerruf von Tokens
console-activity-client-change = Änderung einer Anwendung
console-activity-organization-change = Änderung einer Organisation
console-activity-member-change = Änderung eines Mitglieds
console-activity-audit-access = Zugriff auf das Audit-Protokoll
console-activity-retention = Aufbewahrung
console-event-view = Ansehen
console-event-create = Anlegen
console-event-edit = Bearbeiten
console-event-delete = Löschen
console-event-download = Herunterladen
console-info-authentication-token = Authentifizierungstoken
console-info-personal = Persönliche Daten
console-info-hr = Personaldaten
console-info-contact = Kontaktdaten
console-info-security-settings = Sicherheitseinstellungen
console-info-permission = Berechtigungen
console-info-other = Sonstiges
console-actor-member = Mitglied
console-actor-system = System
console-audit-retention = Ereignisse werden { $days } Tage lang aufbewahrt (die Aufbewahrungsfrist dieser Organisation) und dann gelöscht. Das Lesen dieses Protokolls wird selbst protokolliert.
console-audit-filter = Audit-Ereignisse filtern
console-audit-and-below = { $org } und alles darunter
console-audit-activity-type = Art der Aktivität
console-audit-any-activity = Jede Aktivität
console-audit-member = Mitglied (ID oder E-Mail-Adresse)
console-audit-any-event = Jedes Ereignis
console-audit-info-type = Art der Information
console-audit-any-info = Jede Information
console-audit-from = Von
console-audit-until = Bis (einschließlich)
console-audit-events = Ereignisse, neueste zuerst
console-audit-none = Kein Ereignis passt zu diesen Filtern.
console-col-information = Information
console-col-concerned = Betroffenes Mitglied
console-audit-download = Herunterladen
console-audit-download-now = Diese Ereignisse jetzt herunterladen:
console-audit-download-csv = CSV herunterladen
console-audit-download-excel = Excel herunterladen
console-audit-too-many = Mehr als 1.000 Ereignisse passen: Nutzen Sie den Download im Hintergrund unten.
console-audit-file-format = Dateiformat
console-audit-background-hint = Die Datei wird im Hintergrund vorbereitet, und ein einmaliger Download-Link wird per E-Mail an { $email } gesendet.
console-audit-download-filtered = Gefilterte Ergebnisse herunterladen

## Applications

console-client-public = Öffentlich
console-client-confidential = Vertraulich
console-client-register-title = Anwendung registrieren
console-client-registered = { $name } registriert.
console-client-deleted = { $name } gelöscht.
console-client-secret-rotated = Neues Geheimnis ausgestellt; das alte funktioniert nicht mehr.
console-client-saved = Änderungen gespeichert.
console-clients-none = Es ist noch keine Anwendung registriert.
console-client-type = Typ
console-client-grants = Grants
console-client-redirects = Weiterleitungs-URIs
console-client-id = Client-ID
console-client-secret-shown = Client-Geheimnis, nur jetzt angezeigt: Kopieren Sie es in die Konfiguration der Anwendung.
console-client-secret = Client-Geheimnis
console-client-name = Name der Anwendung
console-client-redirects-field = Weiterleitungs-URIs (eine pro Zeile)
console-client-logout-redirects = Weiterleitungs-URIs nach der Abmeldung (eine pro Zeile)
console-client-confidential-choice = Vertraulich (ein Server, der ein Geheimnis bewahrt)
console-client-public-choice = Öffentlich (eine Browser- oder Mobil-App, mit PKCE)
console-grant-code = Autorisierungscode
console-grant-refresh = Aktualisierungstoken
console-grant-client-credentials = Client-Anmeldedaten
console-grant-device = Gerätecode (Fernseher, Kommandozeilenwerkzeuge)
console-client-alg = Signaturalgorithmus des ID-Tokens
console-client-access-minutes = Gültigkeit des Zugriffstokens in Minuten
console-client-id-minutes = Gültigkeit des ID-Tokens in Minuten
console-client-refresh-days = Gültigkeit des Aktualisierungstokens in Tagen
console-client-lifetime-hint = Lassen Sie eine Gültigkeit leer, um die der Installation zu verwenden.
console-client-skip-consent = Einwilligungsseite überspringen (eine eigene Anwendung)
console-client-require-par = Pushed Authorization Requests verlangen (die Anwendung sendet jede Anfrage zuerst an /par)
console-client-require-dpop = DPoP verlangen: Jede Token-Anfrage muss den Besitz des Schlüssels der Anwendung nachweisen, sodass gestohlene Tokens nicht verwendet werden können
console-client-backchannel = URI für Back-Channel-Abmeldung
console-client-backchannel-hint = Hier erfährt die Anwendung, dass eine Sitzung, in der sie angemeldet wurde, beendet ist (https). Leer lassen, um ihr nichts mitzuteilen.
console-client-subject = Subjektkennung
console-client-subject-public = Öffentlich (die ID des Mitglieds)
console-client-subject-pairwise = Paarweise (eine eigene ID pro Sektor, sodass Anwendungen Mitglieder nicht verknüpfen können)
console-client-sector = URI der Sektorkennung
console-client-sector-hint = Optional, für paarweise Kennungen: eine JSON-Liste aller Weiterleitungs-URIs, die beim Speichern gelesen wird; ihr Host ist der Sektor.
console-client-profile = Sicherheitsprofil
console-client-profile-standard = Standard
console-client-profile-fapi = FAPI 2.0 (registrierte Schlüssel, Pushed Requests, DPoP und PKCE verlangt; kein RS256)
console-save-changes = Änderungen speichern
console-client-register = Anwendung registrieren
console-client-secret-removal = Geheimnis und Löschen
console-client-rotate = Geheimnis rotieren
console-client-delete = Anwendung löschen

## Importing members

console-import-create = Anlegen
console-import-update = Aktualisieren
console-import-unchanged = Unverändert
console-import-error = Fehler
console-import-change = { $field }: { $old } → { $new }
console-import-none = (keiner)
console-import-summary = Vorschau von { $file }: { $create } anzulegen, { $update } zu aktualisieren, { $unchanged } unverändert, { $warnings ->
    [one] 1 Warnung
   *[other] { $warnings } Warnungen
}, { $errors } Fehler.
console-import-choose-file = Wählen Sie eine Mitgliederdatei (.xlsx oder .csv) zum Importieren.
console-import-preview-title = Mitglieder importieren: Vorschau
console-import-not-applied = Es wurde nichts übernommen
console-back-to-import = Zurück zum Import
console-import-unknown = Diesen Import gibt es nicht
console-import-interrupted = unterbrochen
console-import-previewed = in der Vorschau
console-import-queued = in der Warteschlange
console-import-running = läuft
console-import-done = fertig
console-import-failed = fehlgeschlagen
console-import-job-title = Mitgliederimport
console-import-progress = Import { $status }: { $processed } von { $total } Änderungen verarbeitet, { $applied } übernommen, { $conflicts } nicht übernommen, weil sich das Mitglied seit der Vorschau geändert hat.
console-import-intro = Laden Sie eine Excel-Arbeitsmappe oder CSV-Datei im Aufbau des Exports hoch. Nichts ändert sich, bevor Sie die Vorschau übernehmen.
console-import-file = Mitgliederdatei (.xlsx oder .csv)
console-import-preview = Import-Vorschau anzeigen
console-import-preview-label = Import-Vorschau
console-col-row = Zeile
console-col-changes = Änderungen
console-col-messages = Meldungen
console-import-apply = Import übernehmen
console-import-fix-errors = Beheben Sie die Fehler in der Datei und laden Sie sie erneut hoch; solange es Fehler gibt, kann nichts übernommen werden.
console-import-another = Andere Datei hochladen
console-import-refresh = Neu laden, um den Fortschritt zu verfolgen.
console-import-file-label = Datei

## Branding tab

console-tab-branding = Branding
console-brand-shown-as = für Mitglieder angezeigt als { $name }
console-branding-title = Branding von { $org }
console-branding-intro = Was Mitglieder auf den Anmeldeseiten und in den E-Mails dieser Organisation sehen. Unterorganisationen erben jeden Wert, sofern sie keinen eigenen festlegen. Lassen Sie ein Feld leer, um den geerbten Wert zu verwenden.
console-branding-name = Anzeigename
console-branding-name-hint = der Name der Organisation auf ihren Anmeldeseiten und in ihren E-Mails, 1 bis 80 Zeichen
console-branding-colour = Hauptfarbe
console-branding-colour-hint = geschrieben als #rrggbb, etwa #2353c8; Schaltflächentext ist weiß oder fast schwarz, je nachdem, was besser lesbar ist
console-branding-support = Support-Kontakt
console-branding-support-hint = eine E-Mail-Adresse oder eine https://-Adresse, angezeigt auf Anmelde- und Fehlerseiten
console-branding-no-name = keiner: der Name der Organisation, { $org }
console-branding-no-colour = keine: die Farben von idp
console-branding-none = keiner
console-branding-no-logo = Weder hier noch darüber ist ein Logo festgelegt.
console-branding-logo-here = Hier festgelegt.
console-branding-save = Branding speichern
console-branding-logo = Logo
console-branding-logo-file = Logodatei (PNG, JPEG, WebP oder GIF, höchstens { $kb } KB)
console-branding-logo-hint = Der Dateityp wird aus dem Inhalt gelesen. SVG-Logos werden nicht angenommen.
console-branding-upload = Logo hochladen
console-branding-remove-logo = Logo dieser Organisation entfernen
console-branding-nothing = Nichts zu ändern.
console-branding-saved = Branding gespeichert.
console-branding-logo-saved = Logo gespeichert.
console-branding-logo-removed = Logo entfernt.
console-branding-no-own-logo = Diese Organisation hat kein eigenes Logo.
console-branding-choose-file = Wählen Sie eine Logodatei (PNG, JPEG, WebP oder GIF) zum Hochladen.
console-branding-logo-too-large = Das Logo ist größer als 256 KB. Laden Sie eine kleinere Datei hoch.
console-brand-bad-colour = Die Hauptfarbe muss als #rrggbb geschrieben werden (sechs Hexadezimalziffern nach #, etwa #2353c8), nicht "{ $value }".
console-brand-bad-name = Der Anzeigename muss 1 bis 80 Zeichen lang sein, ohne Steuerzeichen.
console-brand-bad-support = Der Support-Kontakt muss eine E-Mail-Adresse oder eine https://-Adresse sein, nicht "{ $value }".
console-brand-svg = SVG-Logos werden nicht angenommen; laden Sie ein PNG, JPEG, WebP oder GIF hoch.
console-brand-too-large = Das Logo hat { $kb } KB; ein Logo darf höchstens 256 KB groß sein.
console-brand-empty = Die Logodatei ist leer; laden Sie ein PNG, JPEG, WebP oder GIF hoch.
console-brand-not-an-image = Diese Datei ist kein PNG-, JPEG-, WebP- oder GIF-Bild, was auch immer ihr Name sagt; laden Sie eines davon hoch.
console-branding-revert-label = { console-revert }: { $setting }

## Refused policy settings and form values (idp-core's refusals; setting names and
## values stay as the administrator sent them)

console-policy-not-an-object = Die Richtlinieneinstellungen müssen ein Objekt aus Namen und Werten sein.
console-policy-unknown-setting = { $name } ist keine Richtlinieneinstellung; die Einstellungen sind: { $settings }.
console-policy-not-one-of = { $name } muss einer dieser Werte sein: { $choices }; nicht { $value }.
console-policy-not-whole-number = { $name } muss eine ganze Zahl ab 0 sein, nicht { $value }.
console-policy-not-true-or-false = { $name } muss true oder false sein, nicht { $value }.
console-policy-not-a-list = { $name } muss eine Liste sein, nicht { $value }.
console-policy-refused-value = { $name } kann nicht { $value } sein.
console-policy-unreadable = Die Richtlinieneinstellungen können nicht gelesen werden.
console-policy-out-of-range = { $name } muss zwischen { $min } und { $max } liegen.
console-policy-root-only = email_password_login kann nur für die Hauptorganisation festgelegt werden.
console-policy-bad-domain = google_hosted_domains enthält „{ $value }“; das ist kein Domainname in Kleinbuchstaben wie example.com.
console-policy-bad-tenant = entra_allowed_tenants enthält „{ $value }“; das ist keine Mandanten-ID (eine GUID).
console-input-not-a-number = { $label }: „{ $text }“ ist keine Zahl. Geben Sie eine ganze Zahl ein, etwa 30 oder 30 { $unit }.
console-input-not-whole = „{ $label }“ wird in ganzen { $unit } gezählt; „{ $text }“ ergibt keine ganze Zahl von { $unit }.
console-input-out-of-range = „{ $label }“ muss zwischen { $min } und { $max } { $unit } liegen.
console-input-bad-domain = Erlaubte Google-Domains: „{ $value }“ ist kein Domainname in Kleinbuchstaben wie example.com.
console-input-bad-tenant = Erlaubte Entra-Mandanten: „{ $value }“ ist keine Mandanten-ID (eine GUID).

## Administration refusals (idp-core's AdminError)

console-refusal-unknown-org = Es gibt keine Organisation mit der ID oder dem Kürzel „{ $ref }“.
console-refusal-unknown-member = In dieser Organisation gibt es kein Mitglied mit der Adresse „{ $email }“.
console-refusal-unknown-member-id = Es gibt kein Mitglied mit der ID „{ $id }“.
console-refusal-unknown-client = Es gibt keine Anwendung mit der ID „{ $id }“.
console-refusal-duplicate-slug = Eine Organisation mit dem Kürzel „{ $slug }“ gibt es bereits.
console-refusal-duplicate-email = { $email } ist bereits Mitglied dieser Organisation.
# $permission is the area's API name; $area its name in the console.
console-refusal-forbidden = Sie haben für diese Organisation keine Berechtigung für den Bereich „{ $area }“.
console-refusal-would-lock-you-out = Ihre eigene Adresse { $ip } steht nicht auf dieser Liste: Wenn Sie sie speichern, sperren Sie sich aus. Bestätigen Sie, um sie trotzdem zu speichern.
console-refusal-keys-super-admin-only = Nur der Superadministrator verwaltet die Signaturschlüssel.
console-refusal-password-length = Passwörter müssen { $min } bis { $max } Zeichen lang sein.
console-refusal-email-login-off = Die Anmeldung mit E-Mail und Passwort ist für { $org } ausgeschaltet; schalten Sie sie zuerst unter „Authentifizierung“ ein.
console-refusal-move-target-missing = Wählen Sie die Organisation, in die die Mitglieder verschoben werden sollen.
console-refusal-too-many = Eine Aktion kann höchstens { $limit } Mitglieder ändern; grenzen Sie die Auswahl ein.
console-refusal-bootstrap-link-invalid = Der Link für die Ersteinrichtung ist unbekannt, schon benutzt oder abgelaufen.
console-refusal-already-bootstrapped = Es gibt bereits einen Superadministrator.
console-refusal-cannot-delete-root = Die Hauptorganisation kann nicht gelöscht werden.
console-refusal-stale-by = { $who } hat dies am { $at } geändert. Laden Sie die Seite neu und versuchen Sie es noch einmal.
console-refusal-stale = Dies wurde am { $at } geändert. Laden Sie die Seite neu und versuchen Sie es noch einmal.
console-refusal-totp-import-cli-only = Ein Authenticator-Geheimnis lässt sich nur mit dem Befehl idp importieren.
console-refusal-member-name = Ein Name darf höchstens { $max } Zeichen lang sein und keine Steuerzeichen enthalten.
console-refusal-super-admin-only = Nur ein Superadministrator kann einen Superadministrator löschen.
console-refusal-cannot-delete-yourself = Sie können sich nicht selbst löschen.
console-refusal-last-super-admin = Dies ist der letzte Superadministrator; ernennen Sie zuerst einen weiteren.
console-refusal-unknown-registration-token = Es gibt kein Registrierungstoken mit der ID „{ $id }“.

## Audit log filters that cannot be used

console-filter-bad-from = „Von“ muss ein Datum oder eine Zeit nach RFC 3339 sein.
console-filter-bad-until = „Bis“ muss ein Datum oder eine Zeit nach RFC 3339 sein.
console-filter-unknown-activity = Unbekannte Aktivitätsart „{ $value }“.
console-filter-unknown-event = Unbekanntes Ereignis „{ $value }“.
console-filter-unknown-info = Unbekannte Informationsart „{ $value }“.

## Member list filters that cannot be used

console-members-filter-page-size = Zeigen Sie 25, 50, 100 oder 500 Mitglieder pro Seite an.
console-members-filter-search-too-long = Die Suche ist länger als { $max } Zeichen.
console-members-filter-bad-cursor = Der Seitenlink ist beschädigt; beginnen Sie wieder auf der ersten Seite.
console-members-filter-bad-date = „{ $text }“ ist kein Datum wie 2026-12-31.
console-members-filter-empty-range = Der Anmeldezeitraum endet, bevor er beginnt.

## What a bulk action did to each member ($status: active, on_leave, disabled)

console-bulk-status-set = Status auf { $status ->
    [on_leave] „beurlaubt“
    [disabled] „deaktiviert“
   *[active] „aktiv“
} gesetzt.
console-bulk-email-login-on = Anmeldung per E-Mail eingeschaltet; Willkommens-E-Mail gesendet.
console-bulk-email-login-off = Anmeldung per E-Mail ausgeschaltet; Passwort und offene Links entfernt.
console-bulk-reset-email-sent = E-Mail zum Zurücksetzen des Passworts gesendet.
console-bulk-second-factor-reset = Zweiter Faktor zurückgesetzt.
console-bulk-moved-to = Nach { $org } verschoben.
console-bulk-temporary-password-emailed = Vorläufiges Passwort per E-Mail gesendet.
console-bulk-member-gone = Dieses Mitglied gibt es nicht mehr.
console-bulk-org-gone = Die Organisation des Mitglieds gibt es nicht mehr.
# $permission is the area's API name; $area its name in the console.
console-bulk-not-permitted = Sie haben für { $org } keine Berechtigung für den Bereich „{ $area }“.
console-bulk-already-status = Bereits { $status ->
    [on_leave] beurlaubt
    [disabled] deaktiviert
   *[active] aktiv
}.
console-bulk-own-status = Sie können den Status Ihres eigenen Kontos nicht ändern.
console-bulk-email-login-already-on = Die Anmeldung per E-Mail ist bereits eingeschaltet.
console-bulk-email-login-off-for = Die Anmeldung mit E-Mail und Passwort ist für { $org } ausgeschaltet.
console-bulk-email-login-already-off = Die Anmeldung per E-Mail ist bereits ausgeschaltet.
console-bulk-own-email-login = Sie können Ihre eigene Anmeldung per E-Mail nicht ausschalten.
console-bulk-no-email-login = Dieses Mitglied meldet sich nicht mit E-Mail und Passwort an.
console-bulk-no-second-factor = Dieses Mitglied hat keinen zweiten Faktor.
console-bulk-already-in = Bereits in { $org }.
console-passkey-sign-in-label = Anmeldung nur mit Passkey
console-passkey-sign-in-allowed = Erlaubt
console-passkey-sign-in-not-allowed = Nicht erlaubt
console-passkey-sign-in-allowed-now = erlaubt
console-passkey-sign-in-not-allowed-now = nicht erlaubt
console-passkey-sign-in-revert-label = Anmeldung nur mit Passkey auf den geerbten Wert zurücksetzen
console-passkeys = Passkeys
console-passkey-named = Passkey „{ $name }“

# Text-message codes and the allowed kinds of second factor
console-phone-verified = { $number }, bestätigt am { $since }; zuletzt verwendet: { $used }
console-phone-unverified = { $number }, noch nicht bestätigt
console-policy-no-second-factor = Erlauben Sie mindestens eine Art von zweitem Faktor.
console-policy-second-factor-twice = Die Art des zweiten Faktors { $kind } ist doppelt aufgeführt.
console-kind-totp = Authenticator-App
console-kind-passkey = Passkey
console-kind-email-code = Code per E-Mail
console-kind-sms-code = Code per SMS
console-kinds-heading = Erlaubte Arten des zweiten Faktors
console-kinds-legend = Mitglieder dürfen ihren zweiten Faktor nachweisen mit
console-kinds-sms-restricted = Codes per SMS sind ein eingeschränkter Authentifikator (NIST SP 800-63B §5.1.3.3): Eine Nummer kann ohne Wissen ihres Inhabers portiert oder umgeleitet werden. Erlauben Sie sie nur, wo Mitglieder nichts Besseres haben, und lassen Sie eine weitere Art erlaubt.
console-kinds-save = Erlaubte Arten speichern
console-kinds-saved = Erlaubte Arten des zweiten Faktors gespeichert.
console-second-factor-sms = Code per SMS

console-policy-bad-aaguid = passkey_aaguids enthält „{ $value }“; das ist keine AAGUID eines Authentifikator-Modells (eine UUID).
console-policy-passkey-required-not-allowed = Administratorinnen und Administratoren können nicht zu einem Passkey verpflichtet werden, wenn Passkeys nicht zu den erlaubten zweiten Faktoren gehören.
console-admins-passkey-label = Administration muss einen Passkey verwenden
console-admins-passkey-required = Verpflichtend
console-admins-passkey-not-required = Nicht verpflichtend
console-admins-passkey-required-now = verpflichtend
console-admins-passkey-not-required-now = nicht verpflichtend
console-admins-passkey-revert-label = Passkey-Pflicht für die Administration auf den geerbten Wert zurücksetzen
console-counter-regression-label = Passkey, dessen Zähler zurückgegangen ist
console-counter-regression-refuse = Abgelehnt
console-counter-regression-allow = Erlaubt (protokolliert)
console-counter-regression-revert-label = Umgang mit zurückgegangenem Passkey-Zähler auf den geerbten Wert zurücksetzen
console-aaguids-label = Authentifikator-Modelle (AAGUIDs), von denen Passkeys stammen dürfen
console-aaguids-hint = Eine pro Zeile; leer: jedes Modell. Ohne Attestierung ist das Modell nur die Angabe des Authentifikators selbst.
console-aaguids-any = jedes Modell
console-aaguids-revert-label = Authentifikator-Modelle auf den geerbten Wert zurücksetzen
console-input-bad-aaguid = Authentifikator-Modelle: „{ $value }“ ist keine AAGUID eines Authentifikator-Modells (eine UUID).
