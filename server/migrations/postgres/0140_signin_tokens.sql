-- PostgreSQL twin of ../0140_signin_tokens.sql: each sign-in token id (jti) accepted once,
-- kept until its token has expired (plus leeway); the primary key makes the check atomic
-- across server instances.
CREATE TABLE signin_token_ids (
    site            TEXT    COLLATE "C" NOT NULL,
    jti             TEXT    COLLATE "C" NOT NULL,
    keep_until_ms   BIGINT  NOT NULL,
    PRIMARY KEY (site, jti)
);

CREATE INDEX signin_token_ids_by_expiry ON signin_token_ids (keep_until_ms);
