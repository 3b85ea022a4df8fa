# The administrator console.

## Layout and what every page shares

console-page-title = { $title } · idp console
console-brand = idp console
console-skip = Skip to content
console-nav-label = Console
console-nav-orgs = Organizations
console-nav-clients = Applications
console-nav-keys = Signing keys
console-your-account = Your account
console-sign-out = Sign out
console-breadcrumb = Breadcrumb
console-org-tabs = Organization
console-tab-overview = Overview
console-tab-members = Members
console-tab-authentication = Authentication
console-tab-security = Security
console-tab-login-settings = Login settings
console-tab-federation = Federation
console-tab-administrators = Administrators
console-tab-audit = Audit log
console-search = Search
console-show-all = Show all
console-none = None.
console-col-org = Organization
console-col-members = Members
console-col-sub-orgs = Sub-organizations
console-col-actions = Actions
console-apply-filters = Apply filters
console-clear-filters = Clear filters
console-first-page = First page
console-next-page = Next page
console-on = On
console-off = Off
console-default = Default
console-as-parent = As the parent organization decides
console-revert = Revert to inherited
console-back-to-members = Back to the members
console-back-to-clients = Back to the applications

## Refusals and other messages

console-no-role-title = You do not administer anything
console-no-role-message = This console is for administrators. Your account does not hold any administrator role.
console-back-to-account = Back to your account
console-stale-title = This form has expired
console-stale-message = The form was open too long or did not come from this site, so nothing was changed. Go back, reload the page and try again.
console-back-to-page = Back to the page
console-refused-forbidden = Not allowed
console-refused-not-found = Not found
console-refused-unchanged = Nothing was changed
console-go-back = Go back
console-unknown-action-title = Unknown action
console-unknown-action-message = That action does not exist. Nothing was changed.
console-back-to-org = Back to the organization
console-back-to-member = Back to the member

## Organizations

console-orgs-title = Organizations
console-orgs-find = Find organizations
console-orgs-search-label = Search by name or slug
console-orgs-none = No organization matches.
console-orgs-tree = Organization tree
console-orgs-members-of = Members of { $org }
console-org-slug = Slug
console-org-kind = Kind
console-org-kind-root = Main organization
console-org-kind-sub = Sub-organization
console-org-direct-members = Direct members
console-org-child-counts = { $members ->
    [one] 1 member
   *[other] { $members } members
}, { $subs ->
    [one] 1 sub-organization
   *[other] { $subs } sub-organizations
}
console-org-create-heading = Create a sub-organization
console-org-child-name = Name of the sub-organization
console-org-child-slug = Slug (optional)
console-org-slug-hint = Lower-case letters, digits and hyphens; made from the name when empty.
console-org-create = Create sub-organization
console-org-rename = Rename
console-org-name = Organization name
console-org-move = Move
console-org-new-parent = New parent organization
console-org-delete-heading = Delete
console-org-empty = This organization has no members and no sub-organizations.
console-org-delete = Delete this organization
console-org-renamed = Renamed to { $name }.
console-org-created = { $name } created.
console-org-moved = Moved.
console-org-deleted = Organization deleted.

## Members

console-status-active = Active
console-status-on-leave = On leave
console-status-disabled = Disabled
console-badge-locked = Locked
console-badge-temporary-password = Temporary password
console-badge-second-factor-locked = Second factor locked
console-second-factor-app = Authenticator app
console-second-factor-email = Emailed code
console-second-factor-none = None
console-method-password = Password
console-never = Never
console-new-member = New member
console-import-members = Import members
console-export-excel = Export to Excel
console-export-csv = Export to CSV
console-members-find = Find members
console-members-search-label = Search name, email or id
console-col-status = Status
console-any-status = Any status
console-col-email-login = Email login
console-on-or-off = On or off
console-col-second-factor = Second factor
console-any = Any
console-sign-in-method = Sign-in method
console-last-sign-in-from = Last sign-in from
console-last-sign-in-until = Last sign-in until
console-order = Order
console-order-email = By email
console-order-newest = Newest first
console-per-page = Per page
console-include-sub-orgs = Include sub-organizations
console-only-never-signed-in = Only members who never signed in
console-members-more-than = More than { $count } members
console-members-count = { $count ->
    [one] 1 member
   *[other] { $count } members
}
console-select-page = Select every member on this page
console-col-name = Name
console-col-email = Email
console-col-methods = Sign-in methods
console-col-last-sign-in = Last sign-in
console-select-member = Select { $email }
console-no-name = (no name)
console-members-none = No member matches these filters.
console-act-legend = Act on members
console-scope-selected = The members selected above
console-scope-all-more = All matching members (more than { $count })
console-scope-all = { $count ->
    [one] The 1 matching member
   *[other] All { $count } matching members
}
console-action = Action
console-act-group-email = Email login actions
console-act-enable-email-login = Enable email login
console-act-disable-email-login = Disable email login
console-act-resend-reset = Resend password reset email
console-act-set-active = Set status: active
console-act-set-on-leave = Set status: on leave
console-act-set-disabled = Set status: disabled
console-act-reset-second-factor = Reset second factor
console-act-temporary-passwords = Issue temporary passwords
console-act-temporary-passwords-shown = Issue temporary passwords (shown once)
console-act-temporary-passwords-email = Issue temporary passwords by email
console-act-move = Move to another organization
console-move-to = Move to organization
console-move-choose = (choose when moving)
console-move-hint = Used only by the action "Move to another organization".
console-apply-to-members = Apply to members
console-choose-action-title = Choose an action
console-choose-action-message = Choose what to do with the members, then apply it.
console-none-selected-title = No member selected
console-none-selected-message = Select at least one member, or choose all matching members, then apply the action again. Nothing was changed.
console-temporary-password-issued-once = Temporary password issued; it works once.
console-results-heading = { $action }: results
console-results-summary = { $done } done, { $skipped } skipped.
console-results-passwords = Temporary passwords are shown only on this page. Hand each one to its member now.
console-results = Results
console-col-member = Member
console-col-result = Result
console-col-details = Details
console-result-done = Done
console-result-skipped = Skipped
console-email-address = Email address
console-new-member-email-login = Enable email and password login
console-new-member-hint = The member gets a welcome email with a link to create a password.
console-add-member = Add member
console-cancel = Cancel

## A member's page

console-sign-ins = Sign-ins
console-last-ip = Last IP address
console-position = Position
console-phone = Phone
console-email-and-password = Email and password
console-never-used = never
console-app-added = Added { $added }; last used { $used }
console-not-set-up = Not set up
console-emailed-codes = Emailed codes
console-emailed-codes-on = On since { $since }; last used { $used }
console-recovery-codes-left = Recovery codes left
console-lock = Lock
console-not-locked = Not locked
console-locked-until = Locked until { $until }
console-locked-since = Locked since { $since }
console-never-expires = Never expires
console-password-temporary = Temporary: must be changed at next sign-in
console-password-set = Set
console-password-not-set = Not set
console-last-changed = Last changed
console-expires = Expires
console-failed-sign-ins = Failed sign-ins
console-everything = Everything
console-super-administrator = Super administrator
console-member-unlocked = Password lock lifted.
console-member-was-not-locked = The password was not locked.
console-member-session-ended = Session ended.
console-member-sessions-ended = Every session ended.
console-member-consent-withdrawn = Consent withdrawn.
console-member-profile-saved = Profile saved.
console-member-unlinked = Linked account removed.
console-temporary-password-issued = Temporary password issued. It is shown only now and works once.
console-nothing-to-do = Nothing to do.
console-temporary-password = Temporary password:
console-member-since = Member since
console-member-id = Member id
console-profile = Profile
console-save-profile = Save profile
console-set-status = Set status
console-never-signed-in = This member has never signed in.
console-unlink = Unlink { $provider } account
console-send-reset = Send password reset email
console-issue-temporary-password = Issue temporary password
console-email-temporary-password = Email a temporary password
console-unlock = Unlock password sign-in
console-sessions = Sessions
console-no-session = No live session.
console-col-device = Browser and device
console-col-ip = IP address
console-col-started = Started
console-col-last-active = Last active
console-end-session-label = End session started { $started }
console-end = End
console-end-all-sessions = End all sessions
console-consents = Applications consented
console-col-application = Application
console-col-allowed = Allowed to see
console-col-since = Since
console-withdraw-label = Withdraw consent to { $app }
console-withdraw = Withdraw
console-admin-roles = Administrator roles
console-recent-events = Recent audit events
console-col-when = When
console-col-activity = Activity
console-col-event = Event
console-col-by = By
console-col-detail = Detail
console-all-member-events = All of this member's audit events

## Settings pages: where a value comes from, confirmations

console-source-here = Set here
console-source-inherited = Inherited from { $org }
console-source-inherited-parent = Inherited from a parent organization
console-confirm-passwords = { $count ->
    [one] This deletes every stored password and second factor of 1 member; type 1 (or the organization's name) in the confirmation box to go ahead.
   *[other] This deletes every stored password and second factor of { $count } members; type { $count } (or the organization's name) in the confirmation box to go ahead.
}
console-confirm-second-factors = { $count ->
    [one] This deletes every enrolled second factor of 1 member; type 1 (or the organization's name) in the confirmation box to go ahead.
   *[other] This deletes every enrolled second factor of { $count } members; type { $count } (or the organization's name) in the confirmation box to go ahead.
}

## Login settings

console-login-settings-of = Login settings of { $org }
console-setting-password-min-length = Minimum password length
console-setting-character-classes = Character classes required
console-setting-password-expiry = Password expiry
console-setting-password-history = Earlier passwords that may not be reused
console-setting-lockout = Lock the account after
console-setting-idle-timeout = Sign out after being idle for
console-setting-session-lifetime = Session lifetime
console-setting-no-idle-limit = no idle limit
console-setting-no-limit = no limit
console-setting-none-required = none required
console-setting-any-reused = any may be reused
console-setting-never-locks = never locks
console-amount-characters = { $count ->
    [one] 1 character
   *[other] { $count } characters
}
console-amount-classes = { $count ->
    [one] 1 character class
   *[other] { $count } character classes
}
console-amount-passwords = { $count ->
    [one] 1 password
   *[other] { $count } passwords
}
console-amount-failures = { $count ->
    [one] 1 failed sign-in
   *[other] { $count } failed sign-ins
}
console-amount-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
console-amount-hours = { $count ->
    [one] 1 hour
   *[other] { $count } hours
}
console-amount-days = { $count ->
    [one] 1 day
   *[other] { $count } days
}
console-unit-characters = characters
console-unit-classes = character classes
console-unit-passwords = passwords
console-unit-failures = failed sign-ins
console-unit-minutes = minutes
console-unit-hours = hours
console-unit-days = days
console-leave-may-now = may sign in
console-leave-may-not-now = may not sign in
console-language-english-default = English, unless the reader asks otherwise
console-nothing-to-change = Nothing to change.
console-login-settings-saved = Login settings saved.
console-setting-reverted = Setting reverted to the inherited value.
console-durations-hint = Durations may be typed with a unit, like 2 weeks, 8 hours or 30 minutes. Leave a box empty to use the inherited value.
console-col-setting = Setting
console-col-value = Value
console-col-applies-now = Applies now
console-col-source = Where it comes from
console-revert-label = Revert { $setting } to inherited
console-leave-label = Members on leave of absence
console-leave-may = May sign in
console-leave-may-not = May not sign in
console-leave-revert-label = Revert members on leave of absence to inherited
console-language-label = Language of pages and emails
console-language-default = Default (English)
console-language-hint = for readers whose browser asks for no language idp ships
console-language-revert-label = Revert to inherited: language of pages and emails
console-save-login-settings = Save login settings

## Security

console-security-of = Security of { $org }
console-two-factor-off = Do not use
console-two-factor-everybody = Everybody
console-two-factor-admins = Administrators only
console-list-inherited = This organization has no list of its own; the list that applies is inherited from { $org }.
console-list-inherited-parent = This organization has no list of its own; the list that applies is inherited from a parent organization.
console-unknown-address = unknown
console-current-address-note = current access IP
console-address-added = Your address { $ip } was added to the list below. Save the list to apply it.
console-two-factor-saved = Two-factor scope saved.
console-two-factor-saved-cleared = { $count ->
    [one] Two-factor scope saved. The second factors of 1 member were deleted.
   *[other] Two-factor scope saved. The second factors of { $count } members were deleted.
}
console-exempt-saved = { $count ->
    [one] Second-factor exempt IPs saved: 1 entry.
   *[other] Second-factor exempt IPs saved: { $count } entries.
}
console-allow-saved = { $count ->
    [one] Allowed access IPs saved: 1 entry.
   *[other] Allowed access IPs saved: { $count } entries.
}
console-allow-off = Allowed access IPs turned off.
console-your-address = Your current access address:
console-two-factor-heading = Two-factor authentication
console-now = Now:
console-two-factor-who = Who must prove a second factor
console-two-factor-off-warning = { $count ->
    [one] Turning two-factor authentication off deletes every second factor (authenticator apps, emailed codes, recovery codes) of the 1 member who set one up here and below.
   *[other] Turning two-factor authentication off deletes every second factor (authenticator apps, emailed codes, recovery codes) of the { $count } members who set one up here and below.
}
console-two-factor-confirm = When turning it off, type { $count } or the organization's name to confirm
console-two-factor-save = Save two-factor scope
console-allow-heading = Allowed access IPs
console-allow-legend = Restrict sign-in to these addresses
console-allow-on = Allow-list on
console-allow-off-choice = Allow-list off
console-allow-entries = Addresses or CIDR ranges, one a line, each followed by a note (up to 100)
console-for-example = For example:
console-allow-example = 203.0.113.0/24 Head office
console-add-current = + Add current access IP
console-allow-super-admin = Apply to super administrator
console-allow-clients-legend = Sign-ins the list restricts
console-allow-all-clients = All applications
console-allow-chosen-clients = Only the applications chosen below
console-allow-no-clients = No application is registered in this organization or above it.
console-allow-lockout-confirm = I understand my own address is not on the list: save it anyway
console-allow-save = Save allowed access IPs
console-exempt-heading = Second-factor exempt IPs
console-exempt-legend = Do not ask for a second factor from these addresses
console-exempt-on = Exemptions on
console-exempt-off = Exemptions off
console-exempt-entries = Exempt addresses or CIDR ranges, one a line, each followed by a note (up to 100)
console-exempt-add-current-label = + Add current access IP to the exempt list
console-exempt-save = Save second-factor exempt IPs

## Authentication

console-authentication-of = Authentication of { $org }
console-auth-unknown-action = Choose to enable or disable email and password authentication. Nothing was changed.
console-back-to-authentication = Back to authentication
console-auth-enabled = { $count ->
    [one] Email and password authentication is on. 1 member was sent a link to set a password.
   *[other] Email and password authentication is on. { $count } members were sent a link to set a password.
}
console-auth-disabled = { $count ->
    [one] Email and password authentication is off. Stored passwords and second factors of 1 member were deleted.
   *[other] Email and password authentication is off. Stored passwords and second factors of { $count } members were deleted.
}
console-auth-heading = Email and password authentication
console-auth-is-on = Email and password authentication is on
console-auth-is-off = Email and password authentication is off
console-change-it-there = Change it there
console-auth-root-only = Only the main organization turns email and password authentication on or off, for every organization under it.
console-auth-members-link = Members with email login on
console-auth-impact = What turning it off does
console-auth-impact-passwords = { $count ->
    [one] 1 member loses their stored password, and with it any second factor.
   *[other] { $count } members lose their stored password, and with it any second factor.
}
console-auth-impact-second-factors = { $count ->
    [one] 1 member loses an authenticator app, emailed codes or recovery codes.
   *[other] { $count } members lose an authenticator app, emailed codes or recovery codes.
}
console-auth-impact-links = { $count ->
    [one] 1 member has a link to set a password not used yet; those links stop working.
   *[other] { $count } members have a link to set a password not used yet; those links stop working.
}
console-auth-impact-upstream = Members then sign in with Google or Microsoft only.
console-auth-confirm = To confirm, type { $count } or the organization's name ({ $org })
console-auth-disable = Disable email and password authentication
console-auth-enable-hint = Turning it on sends every member a link to set a password.
console-auth-enable = Enable email and password authentication

## Federation

console-federation-of = Federation of { $org }
console-fed-google = Sign in with Google
console-fed-entra = Sign in with Microsoft
console-fed-jit = Create a member at first sign-in (just-in-time provisioning)
console-fed-domains = Allowed Google Workspace domains, one a line
console-fed-domains-hint = On the main organization, empty accepts any verified Google address.
console-fed-tenants = Allowed Entra tenant ids, one a line
console-fed-tenants-hint = Tenant ids are GUIDs, shown in the Entra admin center's overview.
console-fed-tenant = Tenant { $tenant }
console-fed-any-tenant = Any organization's tenant (the administrator's own)
console-federation-saved = Federation settings saved.
console-now-on = Now on
console-now-off = Now off
console-fed-follow-parent = Leave it empty to follow the parent organization.
console-federation-save = Save federation settings
console-fed-consent-heading = Microsoft Entra ID administrator consent
console-fed-consent-intro = Send one of these links to the customer's Entra administrator: opening it grants this identity provider consent for their whole organization, so members are not asked one by one.
console-fed-consent-link = Admin consent link: { $tenant }
console-fed-entra-missing = Sign-in with Microsoft is not configured on this server (federation.entra), so there is no consent link yet.

## Signing keys

console-key-current = Current (signs now)
console-key-next = Next (published, signs after the next rotation)
console-key-retired = Retired (verifies what it signed)
console-keys-super-only = Only the super administrator manages signing keys.
console-back-to-orgs = Back to the organizations
console-keys-not-rotated = Nothing was rotated
console-keys-choose-alg = Choose one of the algorithms listed, or all of them.
console-back-to-keys = Back to the signing keys
console-key-promoted = { $alg } now signs with { $kid }
console-keys-rotated = Rotated: { $list }.
console-keys-hint = A next key is published before it signs, so relying applications already hold it when it becomes current; a retired key stays published until every token it signed has expired.
console-keys-published = Published keys
console-col-alg = Algorithm
console-col-kid = Key id
console-col-state = State
console-col-created = Created
console-col-signing-since = Signing since
console-col-retired = Retired
console-col-leaves = Leaves the key set
console-rotate = Rotate
console-rotate-explain = Rotating makes each next key current, retires the current one and publishes a fresh next key. Other servers pick it up within { $seconds } seconds.
console-all-algs = All algorithms

## Registration tokens

console-tokens-title = Registration tokens
console-token-never-expires = never (until revoked)
console-token-revoked = Token { $id } revoked.
console-token-bad-lifetime = Write the lifetime as a number of seconds, or with m, h or d (90m, 7d), up to 366 days; leave it empty for a token that lasts until revoked.
console-tokens-intro = A registration token lets a developer's tool register applications in one organization at /register (dynamic client registration).
console-tokens-off = Dynamic registration is off on this server: tokens work once an operator sets [registration] enabled = true.
console-token-shown = Registration token, shown only now: hand it to the developer.
console-token = Registration token
console-token-lifetime = Lifetime (such as 7d or 12h; empty: until revoked)
console-token-issue = Issue a token
console-tokens-none = No registration token was issued yet.
console-col-token-id = Token id
console-col-issued = Issued
console-token-usable = Usable
console-token-unusable = Expired or revoked
console-revoke = Revoke

## Administrators

console-area-allowed-ips = Allowed IPs
console-administrators-of = Administrators of { $org }
console-admins-choose-area = Choose at least one area.
console-admins-gone = That administrator no longer exists.
console-admins-granted = Granted to { $email }: { $areas }.
console-admins-revoked = Revoked from { $email }: { $areas }.
console-admins-not-held = You do not hold { $area } over this organization, so you cannot grant or revoke it.
console-admins-not-an-address = "{ $email }" is not an email address.
console-admins-no-member = No member with address { $email } in this organization tree; add them as a member first.
console-admins-super-hint = A super administrator may do everything everywhere, whether listed here or not.
console-admins-none = Nobody administers this organization yet.
console-col-administrator = Administrator
console-col-areas = Areas
console-col-over = Over
console-admins-here = Here
console-admins-from = from { $email }
console-admins-revoke-label = Revoke the chosen areas from { $email }
console-admins-change-on = Change it on { $org }
console-admins-grant-heading = Grant areas
console-admins-member-email = Member's email
console-admins-areas-legend = Areas over this organization and its sub-organizations
console-admins-grant = Grant

## Audit log

console-audit-of = Audit log of { $org }
console-audit-not-a-member = "{ $member }" is not an email address or a member id.
console-audit-no-member = No member with address { $email } in this organization or below.
console-audit-not-under = "{ $within }" is not an organization under { $org }.
console-audit-bad-cursor = The page position in the address is not one this console gave out; start from the first page.
console-audit-not-downloaded = Nothing was downloaded
console-back-to-audit = Back to the audit log
console-audit-choose-format = Choose a file format
console-audit-choose-format-message = Choose CSV or Excel, then ask for the download again. Nothing was started.
console-audit-not-started = Nothing was started
console-audit-export-started = The export is being prepared. A one-time download link will be emailed to { $email }.
console-activity-sign-in = Sign in
console-activity-personal-info-access = Personal info access
console-activity-permission-change = Permission change
console-activity-security-settings-change = Security settings change
console-activity-second-factor-reset = Second factor reset
console-activity-temporary-password = Temporary password
console-activity-password-reset = Password reset
console-activity-account-lock = Account lock
console-activity-consent = Consent
console-activity-token-revocation = Token revocation
console-activity-client-change = Client change
console-activity-organization-change = Organization change
console-activity-member-change = Member change
console-activity-audit-access = Audit access
console-activity-retention = Retention
console-event-view = View
console-event-create = Create
console-event-edit = Edit
console-event-delete = Delete
console-event-download = Download
console-info-authentication-token = Authentication token
console-info-personal = Personal
console-info-hr = HR
console-info-contact = Contact
console-info-security-settings = Security settings
console-info-permission = Permission
console-info-other = Other
console-actor-member = Member
console-actor-system = System
console-audit-retention = Events are kept for { $days } days (this organization's retention period), then deleted. Reading this log is itself recorded.
console-audit-filter = Filter audit events
console-audit-and-below = { $org } and all below
console-audit-activity-type = Activity type
console-audit-any-activity = Any activity
console-audit-member = Member (id or email)
console-audit-any-event = Any event
console-audit-info-type = Information type
console-audit-any-info = Any information
console-audit-from = From
console-audit-until = Until (inclusive)
console-audit-events = Events, newest first
console-audit-none = No event matches these filters.
console-col-information = Information
console-col-concerned = Member concerned
console-audit-download = Download
console-audit-download-now = Download these events now:
console-audit-download-csv = Download CSV
console-audit-download-excel = Download Excel
console-audit-too-many = More than 1,000 events match: use the background download below.
console-audit-file-format = File format
console-audit-background-hint = The file is prepared in the background and a one-time download link is emailed to { $email }.
console-audit-download-filtered = Download filtered results

## Applications

console-client-public = Public
console-client-confidential = Confidential
console-client-register-title = Register an application
console-client-registered = { $name } registered.
console-client-deleted = { $name } deleted.
console-client-secret-rotated = New secret issued; the old one no longer works.
console-client-saved = Changes saved.
console-clients-none = No application is registered yet.
console-client-type = Type
console-client-grants = Grants
console-client-redirects = Redirect URIs
console-client-id = Client id
console-client-secret-shown = Client secret, shown only now: copy it into the application's configuration.
console-client-secret = Client secret
console-client-name = Application name
console-client-redirects-field = Redirect URIs (one per line)
console-client-logout-redirects = Post-logout redirect URIs (one per line)
console-client-confidential-choice = Confidential (a server that keeps a secret)
console-client-public-choice = Public (a browser or mobile app, with PKCE)
console-grant-code = Authorization code
console-grant-refresh = Refresh token
console-grant-client-credentials = Client credentials
console-grant-device = Device code (TVs, command-line tools)
console-client-alg = ID token signing algorithm
console-client-access-minutes = Access token lifetime in minutes
console-client-id-minutes = ID token lifetime in minutes
console-client-refresh-days = Refresh token lifetime in days
console-client-lifetime-hint = Leave a lifetime empty to use the deployment's.
console-client-skip-consent = Skip the consent page (an application of your own)
console-client-require-par = Require pushed authorization requests (the application sends each request to /par first)
console-client-require-dpop = Require DPoP: every token request must prove possession of the application's key, so its tokens cannot be used if stolen
console-client-backchannel = Back-channel logout URI
console-client-backchannel-hint = Where the application is told that a session it signed into has ended (https). Leave empty to tell it nothing.
console-client-subject = Subject identifier
console-client-subject-public = Public (the member's id)
console-client-subject-pairwise = Pairwise (an id of its own per sector, so applications cannot link members)
console-client-sector = Sector identifier URI
console-client-sector-hint = Optional, for pairwise: a JSON list of every redirect URI, read when you save; its host is the sector.
console-client-profile = Security profile
console-client-profile-standard = Standard
console-client-profile-fapi = FAPI 2.0 (registered keys, pushed requests, DPoP and PKCE required; no RS256)
console-save-changes = Save changes
console-client-register = Register application
console-client-secret-removal = Secret and removal
console-client-rotate = Rotate secret
console-client-delete = Delete application

## Importing members

console-import-create = Create
console-import-update = Update
console-import-unchanged = Unchanged
console-import-error = Error
console-import-change = { $field }: { $old } → { $new }
console-import-none = (none)
console-import-summary = Preview of { $file }: { $create } to create, { $update } to update, { $unchanged } unchanged, { $warnings ->
    [one] 1 warning
   *[other] { $warnings } warnings
}, { $errors ->
    [one] 1 error
   *[other] { $errors } errors
}.
console-import-choose-file = Choose a members file (.xlsx or .csv) to import.
console-import-preview-title = Import members: preview
console-import-not-applied = Nothing was applied
console-back-to-import = Back to the import
console-import-unknown = No such import
console-import-interrupted = interrupted
console-import-previewed = previewed
console-import-queued = queued
console-import-running = running
console-import-done = done
console-import-failed = failed
console-import-job-title = Member import
console-import-progress = Import { $status }: { $processed } of { $total } changes processed, { $applied } applied, { $conflicts } not applied because the member changed since the preview.
console-import-intro = Upload an Excel workbook or a CSV file in the shape of the export. Nothing changes until you apply the preview.
console-import-file = Members file (.xlsx or .csv)
console-import-preview = Preview import
console-import-preview-label = Import preview
console-col-row = Row
console-col-changes = Changes
console-col-messages = Messages
console-import-apply = Apply import
console-import-fix-errors = Fix the errors in the file and upload it again; nothing can be applied while there are errors.
console-import-another = Upload another file
console-import-refresh = Refresh to follow the progress.
console-import-file-label = File

## Branding tab

console-tab-branding = Branding
console-brand-shown-as = shown to members as { $name }
console-branding-title = Branding of { $org }
console-branding-intro = What members see on this organization's sign-in pages and in its emails. Sub-organizations inherit each value unless they set their own. Leave a box empty to use the inherited value.
console-branding-name = Display name
console-branding-name-hint = the organization's name on its sign-in pages and in its emails, 1 to 80 characters
console-branding-colour = Primary colour
console-branding-colour-hint = written #rrggbb, like #2353c8; button text is white or near-black, whichever reads better
console-branding-support = Support contact
console-branding-support-hint = an email address or an https:// address, shown on sign-in and error pages
console-branding-no-name = none: the organization's name, { $org }
console-branding-no-colour = none: idp's own colours
console-branding-none = none
console-branding-no-logo = No logo is set here or above.
console-branding-logo-here = Set here.
console-branding-save = Save branding
console-branding-logo = Logo
console-branding-logo-file = Logo file (PNG, JPEG, WebP or GIF, at most { $kb } KB)
console-branding-logo-hint = The file's type is read from its contents. SVG logos are not accepted.
console-branding-upload = Upload logo
console-branding-remove-logo = Remove this organization's logo
console-branding-nothing = Nothing to change.
console-branding-saved = Branding saved.
console-branding-logo-saved = Logo saved.
console-branding-logo-removed = Logo removed.
console-branding-no-own-logo = This organization has no logo of its own.
console-branding-choose-file = Choose a logo file (PNG, JPEG, WebP or GIF) to upload.
console-branding-logo-too-large = The logo is larger than 256 KB. Upload a smaller file.
console-brand-bad-colour = The primary colour must be written #rrggbb (six hexadecimal digits after #, like #2353c8), not "{ $value }".
console-brand-bad-name = The display name must be 1 to 80 characters, without control characters.
console-brand-bad-support = The support contact must be an email address or an https:// address, not "{ $value }".
console-brand-svg = SVG logos are not accepted; upload a PNG, JPEG, WebP or GIF.
console-brand-too-large = The logo is { $kb } KB; a logo may be at most 256 KB.
console-brand-empty = The logo file is empty; upload a PNG, JPEG, WebP or GIF.
console-brand-not-an-image = This file is not a PNG, JPEG, WebP or GIF image, whatever its name says; upload one of those.
console-branding-revert-label = { console-revert }: { $setting }

## Refused policy settings and form values (idp-core's refusals; setting names and
## values stay as the administrator sent them)

console-policy-not-an-object = The policy settings must be an object of name and value pairs.
console-policy-unknown-setting = { $name } is not a policy setting; the settings are: { $settings }.
console-policy-not-one-of = { $name } must be one of: { $choices }; not { $value }.
console-policy-not-whole-number = { $name } must be a whole number of 0 or more, not { $value }.
console-policy-not-true-or-false = { $name } must be true or false, not { $value }.
console-policy-not-a-list = { $name } must be a list, not { $value }.
console-policy-refused-value = { $name } cannot be { $value }.
console-policy-unreadable = The policy settings cannot be read.
console-policy-out-of-range = { $name } must be between { $min } and { $max }.
console-policy-root-only = email_password_login is set on the main organization only.
console-policy-bad-domain = google_hosted_domains holds "{ $value }", which is not a domain name in lower case, like example.com.
console-policy-bad-tenant = entra_allowed_tenants holds "{ $value }", which is not a tenant id (a GUID).
console-input-not-a-number = { $label }: "{ $text }" is not a number; type a whole number, like 30 or 30 { $unit }.
console-input-not-whole = { $label } is counted in whole { $unit }; "{ $text }" is not a whole number of { $unit }.
console-input-out-of-range = { $label } must be between { $min } and { $max } { $unit }.
console-input-bad-domain = Allowed Google domains: "{ $value }" is not a domain name in lower case, like example.com.
console-input-bad-tenant = Allowed Entra tenants: "{ $value }" is not a tenant id (a GUID).

## Administration refusals (idp-core's AdminError)

console-refusal-unknown-org = No organization with id or slug "{ $ref }".
console-refusal-unknown-member = No member with address "{ $email }" in that organization.
console-refusal-unknown-member-id = No member with id "{ $id }".
console-refusal-unknown-client = No client with id "{ $id }".
console-refusal-duplicate-slug = An organization with slug "{ $slug }" already exists.
console-refusal-duplicate-email = { $email } is already a member of this organization.
# $permission is the area's API name; $area its name in the console.
console-refusal-forbidden = You do not have the { $permission } permission for this organization.
console-refusal-would-lock-you-out = Your own address { $ip } is not on this list: saving it would lock you out; confirm to save it anyway.
console-refusal-keys-super-admin-only = Only the super administrator manages signing keys.
console-refusal-password-length = Passwords must be { $min } to { $max } characters long.
console-refusal-email-login-off = Email and password sign-in is off for { $org }; turn it on under Authentication first.
console-refusal-move-target-missing = Choose the organization to move the members to.
console-refusal-too-many = One action can change at most { $limit } members; narrow the selection.
console-refusal-bootstrap-link-invalid = The first-run link is unknown, used or expired.
console-refusal-already-bootstrapped = A super administrator already exists.
console-refusal-cannot-delete-root = The main organization cannot be deleted.
console-refusal-stale-by = Changed by { $who } at { $at }, reload and try again.
console-refusal-stale = Changed at { $at }, reload and try again.
console-refusal-totp-import-cli-only = An authenticator secret can be imported only with the idp command.
console-refusal-member-name = A name must be at most { $max } characters, without control characters.
console-refusal-super-admin-only = Only a super administrator can delete a super administrator.
console-refusal-cannot-delete-yourself = You cannot delete yourself.
console-refusal-last-super-admin = This is the last super administrator; make another one first.
console-refusal-unknown-registration-token = No registration token with id "{ $id }".

## Audit log filters that cannot be used

console-filter-bad-from = From must be an RFC 3339 time or a date.
console-filter-bad-until = Until must be an RFC 3339 time or a date.
console-filter-unknown-activity = Unknown activity type "{ $value }".
console-filter-unknown-event = Unknown event "{ $value }".
console-filter-unknown-info = Unknown information type "{ $value }".

## Member list filters that cannot be used

console-members-filter-page-size = Show 25, 50, 100 or 500 members per page.
console-members-filter-search-too-long = The search is longer than { $max } characters.
console-members-filter-bad-cursor = The page link is damaged; start again from the first page.
console-members-filter-bad-date = The date "{ $text }" is not a date such as 2026-12-31.
console-members-filter-empty-range = The sign-in range ends before it starts.

## What a bulk action did to each member ($status: active, on_leave, disabled)

console-bulk-status-set = Status set to { $status ->
    [on_leave] on leave
    [disabled] disabled
   *[active] active
}.
console-bulk-email-login-on = Email login on; welcome email sent.
console-bulk-email-login-off = Email login off; password and pending links removed.
console-bulk-reset-email-sent = Password reset email sent.
console-bulk-second-factor-reset = Second factor reset.
console-bulk-moved-to = Moved to { $org }.
console-bulk-temporary-password-emailed = Temporary password emailed.
console-bulk-member-gone = This member no longer exists.
console-bulk-org-gone = The member's organization no longer exists.
# $permission is the area's API name; $area its name in the console.
console-bulk-not-permitted = You do not hold the { $permission } permission over { $org }.
console-bulk-already-status = Already { $status ->
    [on_leave] on leave
    [disabled] disabled
   *[active] active
}.
console-bulk-own-status = You cannot change the status of your own account.
console-bulk-email-login-already-on = Email login is already on.
console-bulk-email-login-off-for = Email and password sign-in is off for { $org }.
console-bulk-email-login-already-off = Email login is already off.
console-bulk-own-email-login = You cannot turn off your own email login.
console-bulk-no-email-login = This member does not sign in with email and password.
console-bulk-no-second-factor = This member has no second factor.
console-bulk-already-in = Already in { $org }.
console-passkey-sign-in-label = Sign-in with a passkey alone
console-passkey-sign-in-allowed = Allowed
console-passkey-sign-in-not-allowed = Not allowed
console-passkey-sign-in-allowed-now = allowed
console-passkey-sign-in-not-allowed-now = not allowed
console-passkey-sign-in-revert-label = Revert sign-in with a passkey alone to inherited
console-passkeys = Passkeys
console-passkey-named = Passkey “{ $name }”

# Text-message codes and the allowed kinds of second factor
console-phone-verified = { $number }, confirmed { $since }; last used { $used }
console-phone-unverified = { $number }, not confirmed yet
console-policy-no-second-factor = Allow at least one kind of second factor.
console-policy-second-factor-twice = The second-factor kind { $kind } is listed twice.
console-kind-totp = Authenticator app
console-kind-passkey = Passkey
console-kind-email-code = Code by email
console-kind-sms-code = Code by text message
console-kinds-heading = Kinds of second factor allowed
console-kinds-legend = Members may prove their second factor with
console-kinds-sms-restricted = Codes by text message are a restricted authenticator (NIST SP 800-63B §5.1.3.3): a phone number can be ported or redirected without its owner knowing. Allow them only where members have nothing better, and keep another kind allowed.
console-kinds-save = Save allowed kinds
console-kinds-saved = Allowed kinds of second factor saved.
console-second-factor-sms = Text-message code

console-policy-bad-aaguid = passkey_aaguids holds "{ $value }", which is not an authenticator model's AAGUID (a UUID).
console-policy-passkey-required-not-allowed = Administrators cannot be required to use a passkey where passkeys are not among the allowed second factors.
console-admins-passkey-label = Administrators must use a passkey
console-admins-passkey-required = Required
console-admins-passkey-not-required = Not required
console-admins-passkey-required-now = required
console-admins-passkey-not-required-now = not required
console-admins-passkey-revert-label = Revert administrators must use a passkey to inherited
console-counter-regression-label = A passkey whose counter went backwards
console-counter-regression-refuse = Refused
console-counter-regression-allow = Allowed (recorded)
console-counter-regression-revert-label = Revert a passkey whose counter went backwards to inherited
console-aaguids-label = Authenticator models (AAGUIDs) passkeys may come from
console-aaguids-hint = One per line; empty: any model. Without attestation the model is the authenticator's own claim.
console-aaguids-any = any model
console-aaguids-revert-label = Revert authenticator models to inherited
console-input-bad-aaguid = Authenticator models: "{ $value }" is not an authenticator model's AAGUID (a UUID).
