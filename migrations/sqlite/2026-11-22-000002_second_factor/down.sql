ALTER TABLE credentials DROP COLUMN second_factor_locked_until;
ALTER TABLE credentials DROP COLUMN second_factor_window_start;
ALTER TABLE credentials DROP COLUMN second_factor_failures;
ALTER TABLE credentials DROP COLUMN email_otp_last_used_at;
ALTER TABLE credentials DROP COLUMN email_otp_enabled_at;
ALTER TABLE credentials DROP COLUMN totp_last_used_at;
