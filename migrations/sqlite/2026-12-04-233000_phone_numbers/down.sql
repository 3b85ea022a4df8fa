ALTER TABLE credentials DROP COLUMN sms_last_used_at;
ALTER TABLE credentials DROP COLUMN phone_verified_at;
ALTER TABLE credentials DROP COLUMN phone_added_at;
ALTER TABLE credentials DROP COLUMN phone_number;
