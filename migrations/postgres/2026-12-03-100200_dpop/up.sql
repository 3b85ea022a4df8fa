-- DPoP (RFC 9449). A client registered with dpop_bound_access_tokens must send a proof
-- with every token request. A grant's dpop_jkt is the RFC 7638 thumbprint of the key a
-- public client's refresh tokens are bound to (NULL: not bound).
ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE grants ADD COLUMN dpop_jkt TEXT;
