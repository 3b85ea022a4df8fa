-- Member imports: a dry run stores its report, its steps and the file, so an apply
-- changes exactly what was previewed; the apply runs as a job any node can claim
-- (lease_owner until lease_until) and continue from processed after a restart.
CREATE TABLE member_imports (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id),
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    ip TEXT,
    user_agent TEXT,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    digest TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('previewed', 'queued', 'running', 'done', 'failed')),
    total BIGINT NOT NULL,
    processed BIGINT NOT NULL,
    applied BIGINT NOT NULL,
    conflicts BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT,
    report TEXT NOT NULL,
    steps TEXT NOT NULL,
    file BYTEA NOT NULL,
    outcomes TEXT NOT NULL
);
CREATE INDEX member_imports_waiting ON member_imports (status, created_at);
-- An export of one organization reads its members in id order, a keyset page at a time.
CREATE INDEX users_org_id_id ON users (org_id, id);
