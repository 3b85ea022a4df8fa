-- The audit search administrators run most: one organization (or its tree), one
-- activity type, a date range, newest first. With this index the first page reads
-- only the events it returns; without it the database intersects the activity-time
-- and chain indexes over every organization's events in the range (bench/README.md).
CREATE INDEX audit_events_org_activity_time ON audit_events (org_id, activity, occurred_at, id);
