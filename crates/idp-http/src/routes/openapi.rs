//! The schemas of the administration API, written by hand next to
//! `admin_api::OPERATIONS`: each operation's query parameters, request body and answer,
//! and the named schemas they refer to. Enumerations are read from the domain's own
//! lists (`ALL`), so a new value is documented when it is added. An operation missing
//! here is described with a bare object, which the document's test refuses.

use idp_core::audit::{ActivityType, ActorKind, EventKind, InfoType};
use idp_core::audit_jobs::ExportFormat;
use idp_core::authz::Permission;
use idp_core::client::{ClientAuthMethod, GrantType, SecurityProfile, SigningAlg, SubjectType};
use idp_core::i18n::Language;
use idp_core::members::{
    DEFAULT_PAGE_SIZE, MAX_SEARCH_CHARS, MemberSort, MethodFilter, PAGE_SIZES, SecondFactorKind,
};
use idp_core::policy::TwoFactorScope;
use idp_core::records::UserStatus;
use serde_json::{Map, Value, json};

/// How one operation is described.
pub struct Shape {
    /// Query parameters (OpenAPI parameter objects).
    pub query: Vec<Value>,
    /// The JSON request body's schema, if it takes one.
    pub request: Option<Value>,
    /// The content of a request body that is a file, not JSON (media type to `{schema}`).
    pub upload: Option<Value>,
    /// The success status.
    pub status: &'static str,
    /// The success answer's content (media type to `{schema}`).
    pub content: Value,
}

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn json_of(schema: Value) -> Value {
    json!({"application/json": {"schema": schema}})
}

fn words<T: Copy>(all: &[T], text: fn(T) -> &'static str) -> Value {
    json!({"type": "string", "enum": all.iter().map(|v| text(*v)).collect::<Vec<_>>()})
}

/// A closed object: these properties, the `required` ones always there.
fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties,
           "additionalProperties": false})
}

fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

fn nullable(schema: Value) -> Value {
    json!({"oneOf": [schema, {"type": "null"}]})
}

fn string(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

fn time() -> Value {
    json!({"type": "string", "format": "date-time"})
}

fn query(name: &str, schema: Value, required: bool, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": required, "schema": schema,
           "description": description})
}

/// The filter of the audit log's search and downloads.
fn audit_filter() -> Vec<Value> {
    vec![
        query(
            "org",
            json!({"type": "string"}),
            true,
            "organization id or slug; its sub-organizations are included",
        ),
        query(
            "member",
            json!({"type": "string"}),
            false,
            "only events about this member (id)",
        ),
        query(
            "activity",
            words(ActivityType::ALL, ActivityType::as_str),
            false,
            "activity type",
        ),
        query(
            "event",
            words(EventKind::ALL, EventKind::as_str),
            false,
            "event",
        ),
        query(
            "info_type",
            words(InfoType::ALL, InfoType::as_str),
            false,
            "information type",
        ),
        query(
            "from",
            time(),
            false,
            "at or after (RFC 3339, or a date for its midnight UTC)",
        ),
        query("until", time(), false, "before (RFC 3339, or a date)"),
    ]
}

/// The members page's filters (`idp_core::members::MemberQuery`); blank means any.
fn member_filter() -> Vec<Value> {
    let day = || json!({"type": "string", "format": "date"});
    vec![
        query(
            "q",
            json!({"type": "string", "maxLength": MAX_SEARCH_CHARS}),
            false,
            "text anywhere in the name or address (any case), or a whole member id",
        ),
        query("status", r("MemberStatus"), false, "member status"),
        query(
            "email_login",
            json!({"type": "string", "enum": ["on", "off"]}),
            false,
            "email and password sign-in enabled or not",
        ),
        query(
            "second_factor",
            words(SecondFactorKind::ALL, SecondFactorKind::as_str),
            false,
            "the second factor set up",
        ),
        query(
            "method",
            words(MethodFilter::ALL, MethodFilter::as_str),
            false,
            "a way the member signs in",
        ),
        query(
            "signed_in_from",
            day(),
            false,
            "last sign-in on or after this day (UTC)",
        ),
        query(
            "signed_in_until",
            day(),
            false,
            "last sign-in on or before this day (UTC)",
        ),
        query(
            "signed_in",
            json!({"type": "string", "enum": ["never"]}),
            false,
            "never: members who have never signed in",
        ),
        query(
            "subtree",
            json!({"type": "string", "enum": ["true", "false"]}),
            false,
            "include the sub-organizations' members",
        ),
        query(
            "sort",
            words(MemberSort::ALL, MemberSort::as_str),
            false,
            "order (default email)",
        ),
        query(
            "per_page",
            json!({"type": "integer", "enum": PAGE_SIZES, "default": DEFAULT_PAGE_SIZE}),
            false,
            "members per page",
        ),
        query(
            "after",
            json!({"type": "string"}),
            false,
            "next_cursor of the previous page (with the same sort)",
        ),
    ]
}

fn binary(media: &str) -> Value {
    json!({media: {"schema": {"type": "string", "format": "binary"}}})
}

fn ok(content: Value) -> (&'static str, Value) {
    ("200", content)
}

/// The description of the operation `method path`.
pub fn shape(method: &str, path: &str) -> Shape {
    let mut q = vec![];
    let mut upload = None;
    let (request, (status, content)) = match (method, path) {
        ("get", "/admin/api/openapi.json") => (None, ok(json_of(r("OpenApiDocument")))),
        ("get", "/admin/api/orgs/{org}/policy") => (None, ok(json_of(r("PolicyView")))),
        ("patch", "/admin/api/orgs/{org}/policy") => {
            (Some(r("PolicyPatch")), ok(json_of(r("PolicyUpdate"))))
        }
        ("put", "/admin/api/orgs/{org}/allow-list") => {
            (Some(r("IpListBody")), ok(json_of(r("IpListSaved"))))
        }
        ("put", "/admin/api/orgs/{org}/second-factor-skip-list") => (
            Some(object(
                &["entries"],
                json!({"entries": array(r("IpListEntry"))}),
            )),
            ok(json_of(r("IpListSaved"))),
        ),
        ("post", "/admin/api/orgs/{org}/email-login") => (
            Some(object(
                &["emails", "enabled"],
                json!({"emails": array(json!({"type": "string", "format": "email"})),
                       "enabled": {"type": "boolean"}}),
            )),
            ok(json_of(object(
                &["enabled", "members"],
                json!({"enabled": {"type": "boolean"},
                       "members": array(string("member id"))}),
            ))),
        ),
        ("post", "/admin/api/orgs/{org}/admins" | "/admin/api/orgs/{org}/admins/revoke") => (
            Some(object(
                &["email", "permissions"],
                json!({"email": {"type": "string", "format": "email"},
                       "permissions": array(r("Permission"))}),
            )),
            ok(json_of(object(
                &["member_id", "permissions"],
                json!({"member_id": {"type": "string"},
                       "permissions": array(r("Permission"))}),
            ))),
        ),
        ("get", "/admin/api/audit/events") => {
            q = audit_filter();
            q.push(query(
                "limit",
                json!({"type": "integer", "minimum": 1, "maximum": 500}),
                false,
                "events per page (default 100)",
            ));
            q.push(query(
                "cursor",
                json!({"type": "string"}),
                false,
                "next_cursor of the previous page",
            ));
            (
                None,
                ok(json_of(object(
                    &["events", "next_cursor"],
                    json!({"events": array(r("AuditEvent")),
                           "next_cursor": nullable(string("pass as cursor for the next page; null on the last"))}),
                ))),
            )
        }
        ("get", "/admin/api/audit/export.csv") => {
            q = audit_filter();
            (None, ok(binary("text/csv")))
        }
        ("get", "/admin/api/audit/export.xlsx") => {
            q = audit_filter();
            (
                None,
                ok(binary(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )),
            )
        }
        ("post", "/admin/api/audit/exports") => {
            q = audit_filter();
            q.push(query(
                "format",
                words(ExportFormat::ALL, ExportFormat::as_str),
                false,
                "file format (default csv)",
            ));
            (
                None,
                (
                    "202",
                    json_of(object(
                        &["job_id", "format", "link_sent_to"],
                        json!({"job_id": {"type": "string"},
                               "format": words(ExportFormat::ALL, ExportFormat::as_str),
                               "link_sent_to": {"type": "string", "format": "email"}}),
                    )),
                ),
            )
        }
        ("get", "/admin/api/audit/exports/download") => {
            q = vec![query(
                "token",
                json!({"type": "string"}),
                true,
                "the one-time token from the emailed link",
            )];
            let mut both = binary("text/csv");
            if let (Value::Object(all), Value::Object(xlsx)) = (
                &mut both,
                binary("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ) {
                all.extend(xlsx);
            }
            (None, ok(both))
        }
        ("get", "/admin/api/orgs/{org}/members") => (
            None,
            ok(json_of(object(
                &["members"],
                json!({"members": array(r("Member"))}),
            ))),
        ),
        ("get" | "patch", "/admin/api/members/{id}") => (
            (method == "patch").then(|| r("MemberPatch")),
            ok(json_of(r("Member"))),
        ),
        ("put", "/admin/api/members/{id}/status") => (
            Some(object(&["status"], json!({"status": r("MemberStatus")}))),
            ok(json_of(object(
                &["before", "after"],
                json!({"before": r("MemberStatus"), "after": r("MemberStatus")}),
            ))),
        ),
        ("post", "/admin/api/members/{id}/temporary-password") => (
            Some(object(
                &[],
                json!({"send_by_email": {"type": "boolean", "default": false,
                         "description": "email it to the member instead of answering it"}}),
            )),
            ok(json_of(object(
                &["member_id"],
                json!({"member_id": {"type": "string"},
                       "temporary_password": string("shown once; absent when emailed"),
                       "sent_by_email": {"type": "boolean"}}),
            ))),
        ),
        ("post", "/admin/api/members/{id}/password-reset") => (
            None,
            ok(json_of(object(
                &["member_id", "sent"],
                json!({"member_id": {"type": "string"}, "sent": {"type": "boolean"}}),
            ))),
        ),
        ("post", "/admin/api/members/{id}/second-factor/reset") => (
            None,
            ok(json_of(object(
                &["member_id", "second_factor"],
                json!({"member_id": {"type": "string"},
                       "second_factor": {"type": "string", "enum": ["reset"]}}),
            ))),
        ),
        ("get", "/admin/api/orgs/{org}/members/search") => {
            q = member_filter();
            (
                None,
                ok(json_of(object(
                    &["members", "total", "next_cursor"],
                    json!({"members": array(r("MemberRow")),
                           "total": {"type": "integer", "description": "members matching in all"},
                           "next_cursor": nullable(string("pass as after for the next page; null on the last"))}),
                ))),
            )
        }
        ("get", "/admin/api/orgs") => {
            q = vec![query(
                "q",
                json!({"type": "string"}),
                false,
                "keep organizations whose name or slug contains this (any case), with their ancestors",
            )];
            (
                None,
                ok(json_of(object(
                    &["organizations"],
                    json!({"organizations": array(r("OrgNode"))}),
                ))),
            )
        }
        ("post", "/admin/api/orgs") => (
            Some(object(
                &["parent", "name"],
                json!({"parent": string("parent organization id or slug"),
                       "name": {"type": "string", "minLength": 1, "maxLength": 200},
                       "slug": {"type": "string", "pattern": "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
                                "description": "made from the name when absent"}}),
            )),
            ("201", json_of(r("Organization"))),
        ),
        ("patch", "/admin/api/orgs/{org}") => (
            Some(object(
                &[],
                json!({"name": {"type": "string", "minLength": 1, "maxLength": 200},
                       "parent": string("move under this organization (id or slug) of the same main organization, with everything below")}),
            )),
            ok(json_of(r("Organization"))),
        ),
        (
            "delete",
            "/admin/api/orgs/{org}" | "/admin/api/members/{id}" | "/admin/api/clients/{id}",
        ) => (None, ok(json_of(r("Deleted")))),
        ("post", "/admin/api/orgs/{org}/members") => (
            Some(object(
                &["email"],
                json!({"email": {"type": "string", "format": "email"},
                       "name": {"type": "string", "maxLength": 200},
                       "email_login": {"type": "boolean", "default": false,
                                       "description": "enable email and password sign-in and send the welcome email"}}),
            )),
            (
                "201",
                json_of(object(
                    &["member", "welcome_email_sent"],
                    json!({"member": r("Member"), "welcome_email_sent": {"type": "boolean"}}),
                )),
            ),
        ),
        ("get", "/admin/api/clients") => {
            q = vec![query(
                "org",
                json!({"type": "string"}),
                false,
                "only this organization's subtree (id or slug); absent: every client you may manage",
            )];
            (
                None,
                ok(json_of(object(
                    &["clients"],
                    json!({"clients": array(r("Client"))}),
                ))),
            )
        }
        ("post", "/admin/api/clients") => (
            Some(r("NewClient")),
            (
                "201",
                json_of(object(
                    &["client", "client_secret"],
                    json!({"client": r("Client"),
                           "client_secret": nullable(string("shown once; null for a public client or one with keys"))}),
                )),
            ),
        ),
        ("patch", "/admin/api/clients/{id}") => (Some(r("ClientPatch")), ok(json_of(r("Client")))),
        ("post", "/admin/api/clients/{id}/secret") => (
            None,
            ok(json_of(object(
                &["client_id", "client_secret"],
                json!({"client_id": {"type": "string"},
                       "client_secret": string("shown once; the old secret stops working")}),
            ))),
        ),
        ("get", "/admin/api/orgs/{org}/registration-tokens") => (
            None,
            ok(json_of(object(
                &["registration_tokens"],
                json!({"registration_tokens": array(r("RegistrationToken"))}),
            ))),
        ),
        ("post", "/admin/api/orgs/{org}/registration-tokens") => (
            Some(object(
                &[],
                json!({"expires_in_secs": {"type": "integer", "minimum": 1,
                       "description": "lifetime in seconds; absent: until revoked"}}),
            )),
            (
                "201",
                json_of(object(
                    &["registration_token", "token"],
                    json!({"registration_token": r("RegistrationToken"),
                           "token": string("the initial access token, shown once: send it as Authorization: Bearer to /register")}),
                )),
            ),
        ),
        ("delete", "/admin/api/registration-tokens/{id}") => {
            (None, ok(json_of(r("RegistrationToken"))))
        }
        ("get", "/admin/api/orgs/{org}/members/export") => {
            q = vec![
                query(
                    "format",
                    words(ExportFormat::ALL, ExportFormat::as_str),
                    false,
                    "file format (default xlsx)",
                ),
                query(
                    "subtree",
                    json!({"type": "boolean"}),
                    false,
                    "with the members of sub-organizations (default false)",
                ),
                query(
                    "q",
                    json!({"type": "string"}),
                    false,
                    "text in the name or address, or the whole id",
                ),
                query(
                    "status",
                    words(UserStatus::ALL, UserStatus::as_str),
                    false,
                    "member status",
                ),
                query(
                    "email_login",
                    json!({"type": "string", "enum": ["on", "off"]}),
                    false,
                    "email sign-in on or off",
                ),
                query(
                    "second_factor",
                    json!({"type": "string", "enum": ["app", "email_code", "none"]}),
                    false,
                    "second factor set up",
                ),
                query(
                    "method",
                    json!({"type": "string", "enum": ["password", "google", "microsoft"]}),
                    false,
                    "a way the member has signed in",
                ),
                query(
                    "signed_in_from",
                    json!({"type": "string", "format": "date"}),
                    false,
                    "last sign-in on or after this day (UTC)",
                ),
                query(
                    "signed_in_until",
                    json!({"type": "string", "format": "date"}),
                    false,
                    "last sign-in on or before this day (UTC)",
                ),
                query(
                    "signed_in",
                    json!({"type": "string", "enum": ["never"]}),
                    false,
                    "never: only members who have never signed in",
                ),
                query(
                    "sort",
                    json!({"type": "string", "enum": ["email", "newest"]}),
                    false,
                    "row order (default email)",
                ),
            ];
            let mut content = binary("text/csv");
            if let (Some(map), Value::Object(xlsx)) = (
                content.as_object_mut(),
                binary("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ) {
                map.extend(xlsx);
            }
            (None, ok(content))
        }
        ("post", "/admin/api/orgs/{org}/members/import") => {
            q = vec![query(
                "file_name",
                json!({"type": "string"}),
                false,
                "the file's name, for the report and the audit log, when the body is the file itself (not a form)",
            )];
            (None, ok(json_of(r("ImportPreview"))))
        }
        ("post", "/admin/api/orgs/{org}/members/import/apply") => (
            Some(object(
                &["import_id", "digest"],
                json!({"import_id": {"type": "string"},
                       "digest": string("SHA-256 of the previewed file, hex, as the preview answered it")}),
            )),
            (
                "202",
                json_of(object(
                    &["import_id", "job", "status"],
                    json!({"import_id": {"type": "string"}, "job": r("ImportJob"),
                           "status": string("where to follow the job")}),
                )),
            ),
        ),
        ("get", "/admin/api/import-jobs/{id}") => (None, ok(json_of(r("ImportJob")))),
        ("get" | "patch", "/admin/api/orgs/{org}/branding") => (
            (method == "patch").then(|| r("BrandingPatch")),
            ok(json_of(r("Branding"))),
        ),
        ("put", "/admin/api/orgs/{org}/logo") => {
            let mut content = binary("image/*");
            if let Some(map) = content.as_object_mut() {
                map.insert(
                    "multipart/form-data".into(),
                    json!({"schema": object(&["file"], json!({"file": {"type": "string", "format": "binary"}}))}),
                );
            }
            upload = Some(content);
            (
                None,
                ok(json_of(object(
                    &["logo", "logo_url"],
                    json!({"logo": r("Logo"),
                           "logo_url": string("where pages show it, versioned by its digest")}),
                ))),
            )
        }
        ("delete", "/admin/api/orgs/{org}/logo") => (
            None,
            ok(json_of(object(
                &["removed"],
                json!({"removed": {"type": "boolean", "description": "false: it had no logo of its own"}}),
            ))),
        ),
        ("get", "/admin/api/import-jobs/{id}/report") => {
            let mut content = binary("text/csv");
            if let (Some(map), Value::Object(xlsx)) = (
                content.as_object_mut(),
                binary("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ) {
                map.extend(xlsx);
            }
            (None, ok(content))
        }
        // Undocumented: refused by the document's test.
        _ => (
            matches!(method, "post" | "put" | "patch").then(|| json!({"type": "object"})),
            ok(json_of(json!({"type": "object"}))),
        ),
    };
    Shape {
        query: q,
        request,
        upload,
        status,
        content,
    }
}

/// What a path parameter names.
pub fn path_parameter(path: &str, name: &str) -> &'static str {
    match name {
        "org" => "organization id or slug",
        "id" if path.starts_with("/admin/api/clients/") => "client id",
        "id" if path.starts_with("/admin/api/registration-tokens/") => "registration token id",
        "id" => "member id",
        _ => "",
    }
}

fn policy_settings(nullable_values: bool) -> Value {
    let n = |v: Value| if nullable_values { nullable(v) } else { v };
    let int = |min: u32, d: &str| n(json!({"type": "integer", "minimum": min, "description": d}));
    let list = |d: &str| n(json!({"type": "array", "items": {"type": "string"}, "description": d}));
    let flag = |d: &str| n(json!({"type": "boolean", "description": d}));
    object(
        &[],
        json!({
            "email_password_login": flag("email and password sign-in at all (main organization only)"),
            "two_factor_scope": n(r("TwoFactorScope")),
            "password_min_length": int(1, "characters"),
            "password_character_classes": int(1, "of lower case, upper case, digits, other"),
            "password_expiry_days": int(0, "0: never"),
            "password_history": int(0, "earlier passwords that may not be used again"),
            "lockout_after_failures": int(0, "0: never"),
            "idle_timeout_minutes": int(1, "minutes"),
            "session_lifetime_hours": int(1, "hours"),
            "leave_of_absence_sign_in": flag("members on leave may sign in"),
            "ip_allow_list_super_admin": flag("the allow-list binds the super administrator too"),
            "ip_allow_list_clients": list("client ids whose sign-ins the allow-list restricts; empty: all"),
            "audit_retention_days": int(1, "days"),
            "google_sign_in": flag("sign-in with Google"),
            "google_hosted_domains": list("Google Workspace domains accepted; empty: any"),
            "entra_sign_in": flag("sign-in with Microsoft Entra ID"),
            "entra_allowed_tenants": list("Entra tenant ids accepted"),
            "just_in_time_provisioning": flag("an upstream sign-in matching no member creates one"),
            "passkey_sign_in": flag("members may sign in with a passkey alone"),
            "default_language": n(r("Language")),
            "brand_display_name": n(string("the organization's name on its pages and emails, 1 to 80 characters")),
            "brand_primary_color": n(json!({"type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "description": "#rrggbb"})),
            "brand_support_contact": n(string("an email address or an https URL, shown on its pages")),
            "allowed_second_factors": n(json!({"type": "array", "items": r("FactorKind"), "minItems": 1,
                "description": "kinds of second factor members may use; sms_code is a restricted authenticator (NIST SP 800-63B 5.1.3.3)"})),
            "admins_require_passkey": flag("members who administer anything must prove a passkey as their second factor"),
            "passkey_counter_regression": n(r("CounterRegression")),
            "passkey_aaguids": list("authenticator models (AAGUIDs, UUIDs) passkeys may be added from; empty: any. Without attestation the AAGUID is the authenticator's own claim"),
        }),
    )
}

fn effective_policy() -> Value {
    let int = || json!({"type": "integer", "minimum": 0});
    let secs = || nullable(json!({"type": "integer", "minimum": 0, "description": "seconds"}));
    let flag = || json!({"type": "boolean"});
    let list = || array(json!({"type": "string"}));
    let props = json!({
        "email_password_login": flag(), "two_factor_scope": r("TwoFactorScope"),
        "password_min_length": int(), "password_character_classes": int(),
        "password_expiry_secs": secs(), "password_history": int(),
        "lockout_after_failures": nullable(int()), "idle_timeout_secs": secs(),
        "session_lifetime_secs": secs(), "leave_of_absence_sign_in": flag(),
        "ip_allow_list_super_admin": flag(), "ip_allow_list_clients": list(),
        "audit_retention_secs": int(), "google_sign_in": flag(),
        "google_hosted_domains": list(), "entra_sign_in": flag(),
        "entra_allowed_tenants": list(), "just_in_time_provisioning": flag(),
        "passkey_sign_in": flag(),
        "default_language": nullable(r("Language")),
        "allowed_second_factors": array(r("FactorKind")),
        "admins_require_passkey": flag(),
        "passkey_counter_regression": r("CounterRegression"),
        "passkey_aaguids": list(),
    });
    let required: Vec<String> = props
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    json!({"type": "object", "required": required, "properties": props,
           "additionalProperties": false})
}

/// The named schemas operations refer to.
pub fn components() -> Value {
    let org_props = json!({
        "id": {"type": "string"}, "parent_id": nullable(json!({"type": "string"})),
        "slug": {"type": "string"}, "name": {"type": "string"},
        "path": string("the ids from the main organization down, '/a/b/'"),
        "created_at": time(), "updated_at": time(),
    });
    let mut node_props = org_props.clone();
    if let Value::Object(m) = &mut node_props {
        m.insert(
            "depth".into(),
            json!({"type": "integer", "minimum": 0, "description": "below the highest organization shown"}),
        );
        m.insert(
            "members".into(),
            json!({"type": "integer", "minimum": 0, "description": "direct members"}),
        );
        m.insert(
            "sub_orgs".into(),
            json!({"type": "integer", "minimum": 0, "description": "direct sub-organizations"}),
        );
    }
    let org_required = [
        "id",
        "parent_id",
        "slug",
        "name",
        "path",
        "created_at",
        "updated_at",
    ];
    let mut node_required = org_required.to_vec();
    node_required.extend(["depth", "members", "sub_orgs"]);
    let ttl = || {
        nullable(
            json!({"type": "integer", "minimum": 1, "description": "seconds; null: the deployment's"}),
        )
    };
    let uris = || array(json!({"type": "string", "format": "uri"}));
    let logout_uri = || {
        nullable(json!({"type": "string", "format": "uri",
               "description": "Back-Channel Logout: where logout tokens are POSTed (https, or http on loopback)"}))
    };
    // fapi2: held to the FAPI 2.0 Security Profile (private_key_jwt, PKCE, PAR, DPoP, no RS256).
    let profile = || words(SecurityProfile::ALL, SecurityProfile::as_str);
    let sector_uri = || {
        nullable(json!({"type": "string", "format": "uri",
               "description": "a JSON array listing every redirect URI, read at registration; its host is the pairwise sector"}))
    };
    let grants = || array(words(GrantType::ALL, GrantType::as_str));
    let alg = || words(SigningAlg::ALL, SigningAlg::as_str);
    let scopes = || array(json!({"type": "string"}));
    let par = || json!({"type": "boolean", "description": "authorization requests count only when pushed to /par (RFC 9126)"});
    let signed = || json!({"type": "boolean", "description": "authorization requests count only as request objects signed with the client's jwks (RFC 9101)"});
    let dpop = || {
        json!({"type": "boolean", "default": false,
               "description": "RFC 9449: every token request must carry a DPoP proof"})
    };
    let mut schemas = Map::new();
    for (name, schema) in [
        (
            "Error",
            object(
                &["error"],
                json!({"error": string("what is wrong, in a sentence"),
                       "operation_id": string("for a 500: the id its log line carries")}),
            ),
        ),
        (
            "Conflict",
            object(
                &["error"],
                json!({"error": string("what conflicts, in a sentence"),
                       "confirm": {"type": "integer", "description": "send back as confirm to go ahead"},
                       "your_address": string("the address that the list would lock out"),
                       "confirm_own_address": {"type": "boolean"},
                       "updated_at": time(),
                       "updated_by": nullable(string("who made the later change"))}),
            ),
        ),
        ("Permission", words(Permission::ALL, Permission::as_str)),
        ("MemberStatus", words(UserStatus::ALL, UserStatus::as_str)),
        (
            "TwoFactorScope",
            words(TwoFactorScope::ALL, TwoFactorScope::as_str),
        ),
        ("Language", words(Language::ALL, Language::as_str)),
        (
            "FactorKind",
            words(
                idp_core::policy::FactorKind::ALL,
                idp_core::policy::FactorKind::as_str,
            ),
        ),
        (
            "CounterRegression",
            words(
                idp_core::policy::CounterRegression::ALL,
                idp_core::policy::CounterRegression::as_str,
            ),
        ),
        (
            "Deleted",
            object(&["deleted"], json!({"deleted": string("the id removed")})),
        ),
        (
            "RegistrationToken",
            object(
                &[
                    "id",
                    "org_id",
                    "created_at",
                    "expires_at",
                    "revoked_at",
                    "usable",
                ],
                json!({"id": {"type": "string"}, "org_id": {"type": "string"},
                       "created_at": {"type": "string", "format": "date-time"},
                       "expires_at": nullable(json!({"type": "string", "format": "date-time"})),
                       "revoked_at": nullable(json!({"type": "string", "format": "date-time"})),
                       "usable": {"type": "boolean", "description": "neither expired nor revoked"}}),
            ),
        ),
        (
            "ImportPreview",
            object(
                &[
                    "import_id",
                    "digest",
                    "applicable",
                    "report",
                    "report_file",
                    "status",
                ],
                json!({
                    "import_id": {"type": "string"},
                    "digest": string("SHA-256 of the file, hex: the apply names it"),
                    "applicable": {"type": "boolean", "description": "no row has an error"},
                    "report": r("ImportReport"),
                    "report_file": string("the file with Status and Messages columns"),
                    "status": string("the import's status"),
                }),
            ),
        ),
        (
            "ImportReport",
            object(
                &["digest", "format", "totals", "notes", "impact", "rows"],
                json!({
                    "digest": {"type": "string"},
                    "format": words(ExportFormat::ALL, ExportFormat::as_str),
                    "totals": object(
                        &["create", "update", "unchanged", "warnings", "errors"],
                        json!({"create": {"type": "integer"}, "update": {"type": "integer"},
                               "unchanged": {"type": "integer"}, "warnings": {"type": "integer"},
                               "errors": {"type": "integer"}}),
                    ),
                    "notes": array(string("about the whole file")),
                    "impact": array(string("what a destructive change does")),
                    "rows": array(object(
                        &["row", "email", "action", "changes", "messages"],
                        json!({
                            "row": {"type": "integer", "description": "as the spreadsheet numbers it"},
                            "email": {"type": "string"},
                            "action": {"type": "string", "enum": ["create", "update", "unchanged", "error"]},
                            "changes": array(object(
                                &["field", "old", "new"],
                                json!({"field": {"type": "string"},
                                       "old": nullable(json!({"type": "string"})),
                                       "new": {"type": "string"}}),
                            )),
                            "messages": array(object(
                                &["level", "text"],
                                json!({"level": {"type": "string", "enum": ["warning", "error"]},
                                       "text": {"type": "string"}}),
                            )),
                        }),
                    )),
                }),
            ),
        ),
        (
            "ImportJob",
            object(
                &[
                    "id",
                    "org_id",
                    "status",
                    "file_name",
                    "digest",
                    "total",
                    "processed",
                    "applied",
                    "conflicts",
                    "created_at",
                    "finished_at",
                    "outcomes",
                ],
                json!({
                    "id": {"type": "string"}, "org_id": {"type": "string"},
                    "status": {"type": "string", "enum": ["previewed", "queued", "running", "done", "failed", "interrupted"],
                               "description": "interrupted: its node stopped; another takes it over"},
                    "file_name": {"type": "string"}, "digest": {"type": "string"},
                    "total": {"type": "integer"}, "processed": {"type": "integer"},
                    "applied": {"type": "integer"}, "conflicts": {"type": "integer"},
                    "created_at": time(), "finished_at": nullable(time()),
                    "outcomes": array(object(
                        &["row", "email", "message"],
                        json!({"row": {"type": "integer"}, "email": {"type": "string"},
                               "message": {"type": "string"}}),
                    )),
                }),
            ),
        ),
        ("Organization", object(&org_required, org_props)),
        ("OrgNode", object(&node_required, node_props)),
        (
            "Member",
            object(
                &[
                    "id",
                    "org_id",
                    "email",
                    "email_verified",
                    "name",
                    "locale",
                    "status",
                    "super_admin",
                    "created_at",
                    "updated_at",
                ],
                json!({"id": {"type": "string"}, "org_id": {"type": "string"},
                       "email": {"type": "string", "format": "email"},
                       "email_verified": {"type": "boolean", "description": "the member proved the address (an emailed link or code, or an administrator said so)"},
                       "name": nullable(json!({"type": "string"})),
                       "locale": nullable(json!({"type": "string"})),
                       "status": r("MemberStatus"), "super_admin": {"type": "boolean"},
                       "created_at": time(),
                       "updated_at": {"type": "string", "format": "date-time",
                                      "description": "send back as expected_updated_at to refuse a change made meanwhile"}}),
            ),
        ),
        (
            "MemberRow",
            object(
                &[
                    "id",
                    "org_id",
                    "email",
                    "email_verified",
                    "name",
                    "locale",
                    "status",
                    "super_admin",
                    "created_at",
                    "updated_at",
                    "org_path",
                    "email_login",
                    "has_password",
                    "temporary_password",
                    "locked",
                    "second_factor_locked",
                    "second_factor",
                    "sign_in_methods",
                    "last_sign_in",
                ],
                json!({"id": {"type": "string"}, "org_id": {"type": "string"},
                       "email": {"type": "string", "format": "email"},
                       "email_verified": {"type": "boolean", "description": "the member proved the address (an emailed link or code, or an administrator said so)"},
                       "name": nullable(json!({"type": "string"})),
                       "locale": nullable(json!({"type": "string"})),
                       "status": r("MemberStatus"), "super_admin": {"type": "boolean"},
                       "created_at": time(), "updated_at": time(),
                       "org_path": string("the organization as names from the main one, /Acme/Sales"),
                       "email_login": {"type": "boolean"}, "has_password": {"type": "boolean"},
                       "temporary_password": {"type": "boolean"},
                       "locked": {"type": "boolean", "description": "password sign-in locked"},
                       "second_factor_locked": {"type": "boolean"},
                       "second_factor": words(SecondFactorKind::ALL, SecondFactorKind::as_str),
                       "sign_in_methods": array(words(MethodFilter::ALL, MethodFilter::as_str)),
                       "last_sign_in": nullable(time())}),
            ),
        ),
        (
            "MemberPatch",
            object(
                &[],
                json!({"name": {"type": "string", "maxLength": 200, "description": "empty removes it"},
                       "org": string("move to this organization (id or slug); the address must be free there"),
                       "expected_updated_at": {"type": "string", "format": "date-time",
                                               "description": "the updated_at read; a later change answers 409"}}),
            ),
        ),
        (
            "Client",
            object(
                &[
                    "id",
                    "org_id",
                    "name",
                    "auth_method",
                    "public",
                    "has_secret",
                    "redirect_uris",
                    "post_logout_redirect_uris",
                    "grant_types",
                    "extra_scopes",
                    "first_party",
                    "require_pkce",
                    "id_token_alg",
                    "access_token_ttl_secs",
                    "id_token_ttl_secs",
                    "refresh_token_ttl_secs",
                    "created_at",
                    "updated_at",
                    "require_pushed_authorization_requests",
                    "require_signed_request_object",
                    "dpop_bound_access_tokens",
                    "backchannel_logout_uri",
                    "backchannel_logout_session_required",
                    "subject_type",
                    "sector_identifier_uri",
                    "security_profile",
                ],
                json!({"id": {"type": "string"}, "org_id": {"type": "string"},
                       "name": {"type": "string"},
                       "auth_method": words(ClientAuthMethod::ALL, ClientAuthMethod::as_str),
                       "public": {"type": "boolean"}, "has_secret": {"type": "boolean"},
                       "redirect_uris": uris(), "post_logout_redirect_uris": uris(),
                       "grant_types": grants(), "extra_scopes": scopes(),
                       "first_party": {"type": "boolean", "description": "skips the consent page"},
                       "require_pkce": {"type": "boolean"}, "id_token_alg": alg(),
                       "access_token_ttl_secs": ttl(), "id_token_ttl_secs": ttl(),
                       "refresh_token_ttl_secs": ttl(),
                       "created_at": time(), "updated_at": time(),
                       "require_pushed_authorization_requests": par(), "require_signed_request_object": signed(),
                       "dpop_bound_access_tokens": dpop(),
                       "backchannel_logout_uri": logout_uri(),
                       "backchannel_logout_session_required": {"type": "boolean"},
                       "subject_type": words(SubjectType::ALL, SubjectType::as_str),
                       "sector_identifier_uri": sector_uri(), "security_profile": profile()}),
            ),
        ),
        (
            "NewClient",
            object(
                &["org", "name"],
                json!({"org": string("organization id or slug"),
                       "name": {"type": "string", "minLength": 1, "maxLength": 200},
                       "redirect_uris": uris(), "post_logout_redirect_uris": uris(),
                       "grant_types": {"type": "array", "items": words(GrantType::ALL, GrantType::as_str),
                                       "description": "empty: authorization_code and refresh_token"},
                       "public": {"type": "boolean", "default": false},
                       "first_party": {"type": "boolean", "default": false},
                       "pkce_optional": {"type": "boolean", "default": false},
                       "id_token_alg": alg(), "extra_scopes": scopes(),
                       "jwks": {"type": "object", "required": ["keys"],
                                "properties": {"keys": array(json!({"type": "object", "required": ["kty"],
                                    "properties": {"kty": {"type": "string"}, "kid": {"type": "string"}},
                                    "additionalProperties": true}))},
                                "description": "public keys: the client signs in with private_key_jwt"},
                       "access_token_ttl_secs": ttl(), "id_token_ttl_secs": ttl(),
                       "refresh_token_ttl_secs": ttl(),
                       "require_pushed_authorization_requests": par(), "require_signed_request_object": signed(),
                       "dpop_bound_access_tokens": dpop(),
                       "backchannel_logout_uri": logout_uri(),
                       "backchannel_logout_session_required": {"type": "boolean", "default": false},
                       "subject_type": words(SubjectType::ALL, SubjectType::as_str),
                       "sector_identifier_uri": sector_uri(), "security_profile": profile()}),
            ),
        ),
        (
            "ClientPatch",
            object(
                &[],
                json!({"name": {"type": "string", "minLength": 1, "maxLength": 200},
                       "redirect_uris": uris(), "post_logout_redirect_uris": uris(),
                       "grant_types": grants(),
                       "public": {"type": "boolean", "description": "a client made confidential has no secret until it is rotated"},
                       "first_party": {"type": "boolean"}, "id_token_alg": alg(),
                       "extra_scopes": scopes(),
                       "access_token_ttl_secs": ttl(), "id_token_ttl_secs": ttl(),
                       "refresh_token_ttl_secs": ttl(),
                       "require_pushed_authorization_requests": par(), "require_signed_request_object": signed(),
                       "dpop_bound_access_tokens": dpop(),
                       "backchannel_logout_uri": logout_uri(),
                       "backchannel_logout_session_required": {"type": "boolean"},
                       "subject_type": words(SubjectType::ALL, SubjectType::as_str),
                       "sector_identifier_uri": sector_uri(), "security_profile": profile()}),
            ),
        ),
        ("PolicySettings", policy_settings(false)),
        (
            "Logo",
            object(
                &["org_id", "type", "bytes", "sha256", "updated_at"],
                json!({"org_id": string("the organization whose logo it is (an ancestor's when inherited)"),
                   "type": {"type": "string", "enum": ["image/png", "image/jpeg", "image/webp", "image/gif"],
                            "description": "read from the file's bytes"},
                   "bytes": {"type": "integer", "minimum": 1, "maximum": idp_core::branding::MAX_LOGO_BYTES},
                   "sha256": string("the ETag of the logo's URL"),
                   "updated_at": time()}),
            ),
        ),
        (
            "BrandingPatch",
            object(
                &[],
                json!({"display_name": nullable(string("1 to 80 characters; null: inherit")),
                   "primary_color": nullable(json!({"type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "description": "#rrggbb; null: inherit"})),
                   "support_contact": nullable(string("an email address or an https URL; null: inherit"))}),
            ),
        ),
        ("Branding", {
            let text = |d: &str| nullable(string(d));
            object(
                &["settings", "effective"],
                json!({
                    "organization": object(&["id", "slug", "name"],
                        json!({"id": {"type": "string"}, "slug": {"type": "string"}, "name": {"type": "string"}})),
                    "settings": object(&["display_name", "primary_color", "support_contact"],
                        json!({"display_name": text("set here"), "primary_color": text("set here"),
                               "support_contact": text("set here")})),
                    "effective": object(
                        &["name", "display_name", "primary_color", "text_color", "support_contact", "logo_url", "logo"],
                        json!({"name": string("the display name, else the organization's own name"),
                               "display_name": text("set here or inherited"),
                               "primary_color": text("#rrggbb, set here or inherited"),
                               "text_color": text("the text colour pages write on the primary colour, chosen for contrast"),
                               "support_contact": text("set here or inherited"),
                               "logo_url": text("the logo pages show, versioned"),
                               "logo": nullable(r("Logo"))})),
                }),
            )
        }),
        ("EffectivePolicy", effective_policy()),
        (
            "PolicyView",
            object(
                &["organization", "settings", "effective", "allow_list"],
                json!({"organization": object(&["id", "slug", "name"],
                           json!({"id": {"type": "string"}, "slug": {"type": "string"}, "name": {"type": "string"}})),
                       "settings": r("PolicySettings"), "effective": r("EffectivePolicy"),
                       "allow_list": array(r("IpListEntry"))}),
            ),
        ),
        (
            "PolicyPatch",
            object(
                &[],
                json!({"set": policy_settings(true),
                       "confirm": {"type": "integer", "description": "the number a 409 asked to confirm"}}),
            ),
        ),
        (
            "PolicyUpdate",
            object(
                &[
                    "settings",
                    "effective",
                    "members_whose_credentials_were_deleted",
                    "members_sent_a_password_link",
                ],
                json!({"settings": r("PolicySettings"), "effective": r("EffectivePolicy"),
                       "members_whose_credentials_were_deleted": {"type": "integer"},
                       "members_sent_a_password_link": {"type": "integer"}}),
            ),
        ),
        (
            "IpListEntry",
            object(
                &["cidr"],
                json!({"cidr": string("an address or a CIDR range"),
                       "note": nullable(json!({"type": "string"}))}),
            ),
        ),
        (
            "IpListBody",
            object(
                &["entries"],
                json!({"entries": array(r("IpListEntry")),
                       "confirm_own_address": {"type": "boolean", "default": false,
                                               "description": "save even though your own address is not on it"}}),
            ),
        ),
        (
            "IpListSaved",
            object(
                &["entries"],
                json!({"entries": {"type": "integer", "description": "entries saved"}}),
            ),
        ),
        (
            "AuditEvent",
            object(
                &[
                    "id",
                    "seq",
                    "org_id",
                    "occurred_at",
                    "actor_kind",
                    "actor_id",
                    "target_user_id",
                    "activity",
                    "event",
                    "info_type",
                    "ip",
                    "user_agent",
                    "device_id",
                    "detail",
                ],
                json!({"id": {"type": "string"}, "seq": {"type": "integer"},
                       "org_id": {"type": "string"}, "occurred_at": time(),
                       "actor_kind": words(ActorKind::ALL, ActorKind::as_str),
                       "actor_id": nullable(json!({"type": "string"})),
                       "target_user_id": nullable(json!({"type": "string"})),
                       "activity": words(ActivityType::ALL, ActivityType::as_str),
                       "event": words(EventKind::ALL, EventKind::as_str),
                       "info_type": words(InfoType::ALL, InfoType::as_str),
                       "ip": nullable(json!({"type": "string"})),
                       "user_agent": nullable(json!({"type": "string"})),
                       "device_id": nullable(json!({"type": "string"})),
                       "detail": {"description": "what happened, never a secret: usually before and after",
                                  "oneOf": [{"type": "null"}, {"type": "object",
                                    "properties": {"before": {}, "after": {}, "result": {"type": "string"},
                                                   "permission": r("Permission"), "action": {"type": "string"}},
                                    "additionalProperties": true}]}}),
            ),
        ),
        (
            "OpenApiDocument",
            object(
                &["openapi", "info", "paths", "components"],
                json!({"openapi": {"type": "string", "enum": ["3.1.0"]},
                       "info": object(&["title", "version"], json!({"title": {"type": "string"}, "version": {"type": "string"}})),
                       "servers": array(object(&["url"], json!({"url": {"type": "string", "format": "uri"}}))),
                       "paths": {"type": "object", "description": "operations by path and method",
                                 "additionalProperties": {"type": "object", "additionalProperties": {
                                     "type": "object", "required": ["operationId", "responses"],
                                     "properties": {"operationId": {"type": "string"}, "summary": {"type": "string"}},
                                     "additionalProperties": true}}},
                       "components": {"type": "object", "properties": {"schemas": {"type": "object",
                                      "additionalProperties": {"$ref": "https://spec.openapis.org/oas/3.1/dialect/base"}}},
                                      "additionalProperties": true}}),
            ),
        ),
    ] {
        schemas.insert(name.to_owned(), schema);
    }
    Value::Object(schemas)
}

#[cfg(test)]
mod tests {
    use super::super::admin_api::{OPERATIONS, document};
    use serde_json::Value;

    /// An object schema that says nothing of its members.
    fn is_bare_object(v: &serde_json::Map<String, Value>) -> bool {
        v.get("type") == Some(&Value::String("object".into()))
            && !v.contains_key("properties")
            && v.get("additionalProperties")
                .is_none_or(|a| a == &Value::Bool(true))
    }

    /// Every schema-like node under `v`, with where it is.
    fn walk(v: &Value, at: &str, found: &mut Vec<String>, refs: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if is_bare_object(map) {
                    found.push(at.to_owned());
                }
                if let Some(Value::String(r)) = map.get("$ref") {
                    refs.push(r.clone());
                }
                if let Some(Value::Array(e)) = map.get("enum") {
                    assert!(!e.is_empty(), "{at}: an empty enum");
                }
                for (k, child) in map {
                    walk(child, &format!("{at}/{k}"), found, refs);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{at}/{i}"), found, refs);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_body_has_a_real_schema_and_every_parameter_is_documented() {
        let doc = document("https://idp.example");
        let (mut bare, mut refs) = (vec![], vec![]);
        walk(&doc, "", &mut bare, &mut refs);
        assert!(bare.is_empty(), "bare object schemas at {bare:#?}");
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for r in refs {
            let name = r.strip_prefix("#/components/schemas/");
            if r.starts_with("https://") {
                continue;
            }
            assert!(
                name.is_some_and(|n| schemas.contains_key(n)),
                "{r} points nowhere"
            );
        }
        for op in OPERATIONS {
            let o = &doc["paths"][op.path][op.method];
            let params = o["parameters"].as_array().unwrap();
            for name in op
                .path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            {
                let p = params
                    .iter()
                    .find(|p| p["name"] == name && p["in"] == "path")
                    .unwrap_or_else(|| panic!("{} {}: {name} undocumented", op.method, op.path));
                assert!(
                    !p["description"].as_str().unwrap_or_default().is_empty(),
                    "{} {}: {name} has no description",
                    op.method,
                    op.path
                );
            }
            for p in params {
                assert!(p["schema"].is_object(), "{} {}: {p}", op.method, op.path);
                assert!(
                    p["description"].is_string(),
                    "{} {}: {p}",
                    op.method,
                    op.path
                );
            }
            let ok = o["responses"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(s, _)| s.starts_with('2'))
                .unwrap_or_else(|| panic!("{} {}: no success answer", op.method, op.path));
            assert!(
                ok.1["content"].as_object().is_some_and(|c| !c.is_empty()),
                "{} {}: the answer has no content",
                op.method,
                op.path
            );
            // A handler reading a body is described with one.
            if matches!(op.method, "put" | "patch") {
                assert!(
                    o["requestBody"].is_object(),
                    "{} {}: no request body",
                    op.method,
                    op.path
                );
            }
        }
    }

    #[test]
    fn a_missing_description_is_caught() {
        let (mut bare, mut refs) = (vec![], vec![]);
        let shape = super::shape("post", "/admin/api/not-described");
        walk(&shape.content, "", &mut bare, &mut refs);
        walk(&shape.request.unwrap(), "", &mut bare, &mut refs);
        assert_eq!(bare.len(), 2);
    }
}
