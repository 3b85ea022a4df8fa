-- A member's time zone (IANA name, the OIDC zoneinfo claim), for dates on their pages.
ALTER TABLE users ADD COLUMN zoneinfo TEXT;
