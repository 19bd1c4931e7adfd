-- Status tokens of visitors who are not logged in: after verifying the e-mail code (C-C3) the
-- visitor gets a random 256-bit token to follow that one request's status; only its SHA-256 is
-- stored, and it reads nothing but the request it was issued for.
CREATE TABLE visitor_status_tokens (
    token_hash      BLOB    PRIMARY KEY,
    request_id      TEXT    NOT NULL REFERENCES requests (id),
    created_at_ms   INTEGER NOT NULL
) STRICT;

CREATE INDEX visitor_status_tokens_by_request ON visitor_status_tokens (request_id);
