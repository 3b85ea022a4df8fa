-- The whole data model of idp. Timestamps are microseconds since the Unix epoch (UTC),
-- ids are text (UUIDv7), lists are JSON text; the same shape as the PostgreSQL history.

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    parent_id TEXT REFERENCES organizations(id),
    -- Materialized path '/root/child/': a subtree is one range scan on this index.
    path TEXT NOT NULL COLLATE BINARY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX organizations_slug ON organizations (slug);
CREATE UNIQUE INDEX organizations_path ON organizations (path);
CREATE INDEX organizations_parent ON organizations (parent_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    name TEXT,
    given_name TEXT,
    family_name TEXT,
    locale TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'on_leave', 'disabled')),
    super_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_org_email ON users (org_id, email);
CREATE INDEX users_email ON users (email);
CREATE INDEX users_super_admin ON users (super_admin) WHERE super_admin;

CREATE TABLE credentials (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    password_hash TEXT,
    password_changed_at BIGINT,
    password_must_change BOOLEAN NOT NULL DEFAULT FALSE,
    email_login_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    totp_secret_sealed BLOB,
    totp_enrolled_at BIGINT,
    email_otp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_at BIGINT,
    second_factor_reset_at BIGINT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE recovery_codes (
    digest BLOB PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

CREATE TABLE password_history (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, created_at)
);

CREATE TABLE login_methods (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('native', 'google', 'entra')),
    -- Empty for native sign-in; 'tid/oid' style subjects for Entra ID.
    upstream_subject TEXT NOT NULL DEFAULT '',
    upstream_tenant TEXT,
    last_sign_in_at BIGINT,
    sign_in_count BIGINT NOT NULL DEFAULT 0,
    last_ip TEXT,
    last_user_agent TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, upstream_subject)
);
CREATE INDEX login_methods_upstream ON login_methods (kind, upstream_subject);

CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    secret_digest BLOB,
    auth_method TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    grant_types TEXT NOT NULL,
    extra_scopes TEXT NOT NULL,
    first_party BOOLEAN NOT NULL DEFAULT FALSE,
    require_pkce BOOLEAN NOT NULL DEFAULT TRUE,
    id_token_alg TEXT NOT NULL DEFAULT 'RS256',
    access_token_ttl_secs INTEGER,
    id_token_ttl_secs INTEGER,
    refresh_token_ttl_secs INTEGER,
    jwks TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX clients_org ON clients (org_id);

CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    alg TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('next', 'current', 'retired')),
    private_sealed BLOB NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    activated_at BIGINT,
    retired_at BIGINT,
    expires_at BIGINT
);
CREATE INDEX signing_keys_state ON signing_keys (state);

CREATE TABLE grants (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    auth_time BIGINT,
    amr TEXT NOT NULL,
    session_id TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX grants_user_client ON grants (user_id, client_id);
CREATE INDEX grants_session ON grants (session_id);

CREATE TABLE refresh_tokens (
    digest BLOB PRIMARY KEY NOT NULL,
    grant_id TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);

CREATE TABLE consents (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

CREATE TABLE browser_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    auth_time BIGINT NOT NULL,
    amr TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX browser_sessions_user ON browser_sessions (user_id, ended_at);

CREATE TABLE org_policies (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    settings TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE ip_list_entries (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('allow_sign_in', 'skip_second_factor')),
    cidr TEXT NOT NULL,
    note TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX ip_list_entries_org ON ip_list_entries (org_id, purpose);

CREATE TABLE admin_assignments (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    permissions TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX admin_assignments_org ON admin_assignments (org_id);

-- Append-only: no foreign keys, so a member's or organization's removal never rewrites history.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    occurred_at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    target_user_id TEXT,
    activity TEXT NOT NULL,
    event TEXT NOT NULL,
    info_type TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    device_id TEXT,
    detail TEXT NOT NULL,
    prev_digest BLOB NOT NULL,
    digest BLOB NOT NULL
);
CREATE UNIQUE INDEX audit_events_chain ON audit_events (org_id, seq);
CREATE INDEX audit_events_org_time ON audit_events (org_id, occurred_at, id);
CREATE INDEX audit_events_target_time ON audit_events (target_user_id, occurred_at, id);
CREATE INDEX audit_events_activity_time ON audit_events (activity, occurred_at, id);
CREATE INDEX audit_events_event_time ON audit_events (event, occurred_at, id);
CREATE INDEX audit_events_info_time ON audit_events (info_type, occurred_at, id);
CREATE INDEX audit_events_time ON audit_events (occurred_at, id);
