-- Where an organization's audit chain starts once retention removed its oldest
-- events: the position and digest of the last removed event, so verification
-- continues from there.
CREATE TABLE audit_anchors (
    org_id TEXT PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL,
    digest BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);
