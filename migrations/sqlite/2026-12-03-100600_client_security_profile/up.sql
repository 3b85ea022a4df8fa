-- The FAPI 2.0 Security Profile, per client: 'standard' or 'fapi2'.
ALTER TABLE clients ADD COLUMN security_profile TEXT NOT NULL DEFAULT 'standard';
