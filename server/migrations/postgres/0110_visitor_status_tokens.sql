-- PostgreSQL twin of ../0110_visitor_status_tokens.sql: a visitor's status token, stored only
-- as its SHA-256, reads the one request it was issued for.
CREATE TABLE visitor_status_tokens (
    token_hash      BYTEA   PRIMARY KEY,
    request_id      TEXT    COLLATE "C" NOT NULL REFERENCES requests (id),
    created_at_ms   BIGINT  NOT NULL
);

CREATE INDEX visitor_status_tokens_by_request ON visitor_status_tokens (request_id);
