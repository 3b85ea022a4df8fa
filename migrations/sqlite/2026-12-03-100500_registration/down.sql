DROP TABLE client_registrations;
DROP INDEX registration_tokens_org;
DROP TABLE registration_tokens;
