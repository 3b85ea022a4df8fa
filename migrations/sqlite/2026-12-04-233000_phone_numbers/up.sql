-- A member's phone number for text-message codes (E.164), when it was added, when a
-- code sent to it proved it (a second factor from then on) and when one last signed in.
ALTER TABLE credentials ADD COLUMN phone_number TEXT;
ALTER TABLE credentials ADD COLUMN phone_added_at BIGINT;
ALTER TABLE credentials ADD COLUMN phone_verified_at BIGINT;
ALTER TABLE credentials ADD COLUMN sms_last_used_at BIGINT;
