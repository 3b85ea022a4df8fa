-- What every node of the deployment must agree on, recorded by the first node to start
-- (or `idp migrate`): the issuer, and a check value of the master key (an HMAC of a
-- fixed label under it, never the key). One row.
CREATE TABLE deployment (
    id BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    issuer TEXT NOT NULL,
    master_key_check TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
