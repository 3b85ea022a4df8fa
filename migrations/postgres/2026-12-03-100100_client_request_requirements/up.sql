-- RFC 9126 §6 and RFC 9101 §10.5: per client, authorization requests count only when
-- pushed to /par, or only as a request object signed with the client's keys.
ALTER TABLE clients ADD COLUMN require_pushed_authorization_requests BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN require_signed_request_object BOOLEAN NOT NULL DEFAULT FALSE;
