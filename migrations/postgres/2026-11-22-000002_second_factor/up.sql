-- When each second-factor method was added and last used, for the member's security
-- page, and the failure window and lock of second-factor entry.
ALTER TABLE credentials ADD COLUMN totp_last_used_at BIGINT;
ALTER TABLE credentials ADD COLUMN email_otp_enabled_at BIGINT;
ALTER TABLE credentials ADD COLUMN email_otp_last_used_at BIGINT;
ALTER TABLE credentials ADD COLUMN second_factor_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE credentials ADD COLUMN second_factor_window_start BIGINT;
ALTER TABLE credentials ADD COLUMN second_factor_locked_until BIGINT;
