ALTER TABLE clients DROP COLUMN require_signed_request_object;
ALTER TABLE clients DROP COLUMN require_pushed_authorization_requests;
