-- An organization's own logo for its branding (the display name, colour and support
-- contact are policy settings). Its type was read from the bytes when uploaded; the
-- digest is the ETag and the version in the logo's URL.
CREATE TABLE organization_logos (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL,
    digest TEXT NOT NULL,
    size BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
