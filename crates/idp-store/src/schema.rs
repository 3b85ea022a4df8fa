// The one diesel schema for both backends, in portable types. A test checks it
// against the tables that the PostgreSQL and SQLite migrations create.

diesel::table! {
    organizations (id) {
        id -> Text,
        parent_id -> Nullable<Text>,
        path -> Text,
        name -> Text,
        slug -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        org_id -> Text,
        email -> Text,
        email_verified -> Bool,
        name -> Nullable<Text>,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        locale -> Nullable<Text>,
        status -> Text,
        super_admin -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
        job_title -> Nullable<Text>,
        phone -> Nullable<Text>,
        zoneinfo -> Nullable<Text>,
    }
}

diesel::table! {
    credentials (user_id) {
        user_id -> Text,
        password_hash -> Nullable<Text>,
        password_changed_at -> Nullable<BigInt>,
        password_must_change -> Bool,
        email_login_enabled -> Bool,
        totp_secret_sealed -> Nullable<Binary>,
        totp_enrolled_at -> Nullable<BigInt>,
        email_otp_enabled -> Bool,
        failed_sign_ins -> Integer,
        locked_at -> Nullable<BigInt>,
        second_factor_reset_at -> Nullable<BigInt>,
        updated_at -> BigInt,
        totp_last_used_at -> Nullable<BigInt>,
        email_otp_enabled_at -> Nullable<BigInt>,
        email_otp_last_used_at -> Nullable<BigInt>,
        second_factor_failures -> Integer,
        second_factor_window_start -> Nullable<BigInt>,
        second_factor_locked_until -> Nullable<BigInt>,
        phone_number -> Nullable<Text>,
        phone_added_at -> Nullable<BigInt>,
        phone_verified_at -> Nullable<BigInt>,
        sms_last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    one_time_links (digest) {
        digest -> Binary,
        user_id -> Text,
        purpose -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    recovery_codes (digest) {
        digest -> Binary,
        user_id -> Text,
        created_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    password_history (user_id, created_at) {
        user_id -> Text,
        password_hash -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    login_methods (user_id, kind, upstream_subject) {
        user_id -> Text,
        kind -> Text,
        upstream_subject -> Text,
        upstream_tenant -> Nullable<Text>,
        last_sign_in_at -> Nullable<BigInt>,
        sign_in_count -> BigInt,
        last_ip -> Nullable<Text>,
        last_user_agent -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        org_id -> Text,
        name -> Text,
        secret_digest -> Nullable<Binary>,
        auth_method -> Text,
        redirect_uris -> Text,
        post_logout_redirect_uris -> Text,
        grant_types -> Text,
        extra_scopes -> Text,
        first_party -> Bool,
        require_pkce -> Bool,
        id_token_alg -> Text,
        access_token_ttl_secs -> Nullable<Integer>,
        id_token_ttl_secs -> Nullable<Integer>,
        refresh_token_ttl_secs -> Nullable<Integer>,
        jwks -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        require_pushed_authorization_requests -> Bool,
        require_signed_request_object -> Bool,
        dpop_bound_access_tokens -> Bool,
        backchannel_logout_uri -> Nullable<Text>,
        backchannel_logout_session_required -> Bool,
        subject_type -> Text,
        sector_identifier_uri -> Nullable<Text>,
        security_profile -> Text,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        alg -> Text,
        state -> Text,
        private_sealed -> Binary,
        public_jwk -> Text,
        created_at -> BigInt,
        activated_at -> Nullable<BigInt>,
        retired_at -> Nullable<BigInt>,
        expires_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    grants (id) {
        id -> Text,
        user_id -> Nullable<Text>,
        client_id -> Text,
        scopes -> Text,
        auth_time -> Nullable<BigInt>,
        amr -> Text,
        session_id -> Nullable<Text>,
        created_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
        dpop_jkt -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (digest) {
        digest -> Binary,
        grant_id -> Text,
        scopes -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    consents (user_id, client_id) {
        user_id -> Text,
        client_id -> Text,
        scopes -> Text,
        granted_at -> BigInt,
    }
}

diesel::table! {
    browser_sessions (id) {
        id -> Text,
        user_id -> Text,
        auth_time -> BigInt,
        amr -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> BigInt,
        last_seen_at -> BigInt,
        expires_at -> BigInt,
        ended_at -> Nullable<BigInt>,
        idle_timeout_secs -> Nullable<BigInt>,
    }
}

diesel::table! {
    org_policies (org_id) {
        org_id -> Text,
        settings -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    passkeys (id) {
        id -> Text,
        user_id -> Text,
        credential_id -> Text,
        name -> Text,
        passkey -> Text,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    organization_logos (org_id) {
        org_id -> Text,
        content_type -> Text,
        data -> Binary,
        digest -> Text,
        size -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    ip_list_entries (id) {
        id -> Text,
        org_id -> Text,
        purpose -> Text,
        cidr -> Text,
        note -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    admin_assignments (user_id, org_id) {
        user_id -> Text,
        org_id -> Text,
        permissions -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    audit_anchors (org_id) {
        org_id -> Text,
        seq -> BigInt,
        digest -> Binary,
        updated_at -> BigInt,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        org_id -> Text,
        seq -> BigInt,
        occurred_at -> BigInt,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        target_user_id -> Nullable<Text>,
        activity -> Text,
        event -> Text,
        info_type -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        device_id -> Nullable<Text>,
        detail -> Text,
        prev_digest -> Binary,
        digest -> Binary,
    }
}

diesel::joinable!(users -> organizations (org_id));
diesel::joinable!(credentials -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(password_history -> users (user_id));
diesel::joinable!(one_time_links -> users (user_id));
diesel::joinable!(login_methods -> users (user_id));
diesel::joinable!(clients -> organizations (org_id));
diesel::joinable!(grants -> users (user_id));
diesel::joinable!(grants -> clients (client_id));
diesel::joinable!(refresh_tokens -> grants (grant_id));
diesel::table! {
    revoked_tokens (kind, id) {
        kind -> Text,
        id -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    member_imports (id) {
        id -> Text,
        org_id -> Text,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        file_name -> Text,
        format -> Text,
        digest -> Text,
        status -> Text,
        total -> BigInt,
        processed -> BigInt,
        applied -> BigInt,
        conflicts -> BigInt,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
        finished_at -> Nullable<BigInt>,
        report -> Text,
        steps -> Text,
        file -> Binary,
        outcomes -> Text,
    }
}

diesel::table! {
    deployment (id) {
        id -> BigInt,
        issuer -> Text,
        master_key_check -> Text,
        recorded_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    audit_exports (id) {
        id -> Text,
        org_id -> Text,
        org_slug -> Text,
        format -> Text,
        requested_by -> Text,
        filter -> Text,
        status -> Text,
        attempts -> BigInt,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_export_chunks (job_id, seq) {
        job_id -> Text,
        seq -> BigInt,
        data -> Binary,
        expires_at -> BigInt,
    }
}

diesel::table! {
    session_clients (session_id, client_id) {
        session_id -> Text,
        client_id -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    registration_tokens (id) {
        id -> Text,
        org_id -> Text,
        digest -> Binary,
        created_at -> BigInt,
        expires_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    logout_deliveries (id) {
        id -> Text,
        client_id -> Text,
        user_id -> Text,
        session_id -> Text,
        created_at -> BigInt,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<BigInt>,
    }
}

diesel::joinable!(session_clients -> clients (client_id));
diesel::joinable!(session_clients -> browser_sessions (session_id));
diesel::joinable!(logout_deliveries -> clients (client_id));

diesel::table! {
    client_registrations (client_id) {
        client_id -> Text,
        token_digest -> Binary,
        initial_token_id -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::joinable!(member_imports -> organizations (org_id));
diesel::joinable!(registration_tokens -> organizations (org_id));
diesel::joinable!(client_registrations -> clients (client_id));
diesel::joinable!(client_registrations -> registration_tokens (initial_token_id));
diesel::joinable!(consents -> users (user_id));
diesel::joinable!(consents -> clients (client_id));
diesel::joinable!(browser_sessions -> users (user_id));
diesel::joinable!(org_policies -> organizations (org_id));
diesel::joinable!(ip_list_entries -> organizations (org_id));
diesel::joinable!(organization_logos -> organizations (org_id));
diesel::joinable!(passkeys -> users (user_id));
diesel::joinable!(admin_assignments -> users (user_id));
diesel::joinable!(admin_assignments -> organizations (org_id));

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    users,
    credentials,
    recovery_codes,
    password_history,
    one_time_links,
    audit_anchors,
    login_methods,
    clients,
    signing_keys,
    grants,
    refresh_tokens,
    revoked_tokens,
    member_imports,
    audit_export_chunks,
    audit_exports,
    deployment,
    consents,
    browser_sessions,
    org_policies,
    organization_logos,
    passkeys,
    ip_list_entries,
    admin_assignments,
    audit_events,
    session_clients,
    logout_deliveries,
    registration_tokens,
    client_registrations,
);
