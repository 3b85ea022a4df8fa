-- Members' passkeys (WebAuthn credentials). `passkey` is webauthn-rs's record of the
-- credential as JSON (public key, signature counter, flags); no secret. A credential id
-- is registered to one member only.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    passkey TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_user ON passkeys (user_id, created_at);
