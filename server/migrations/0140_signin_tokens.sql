-- Sign-in tokens from a site's control-panel backend (POST /api/v1/sessions): each token id
-- (jti) is accepted once. It is kept until the token could no longer be accepted anyway (exp
-- plus the clock leeway) and then purged. The primary key makes the check-and-store atomic, so
-- a replay is refused on every server instance that shares the database.
CREATE TABLE signin_token_ids (
    site            TEXT    NOT NULL,
    jti             TEXT    NOT NULL,
    keep_until_ms   INTEGER NOT NULL,
    PRIMARY KEY (site, jti)
) STRICT;

CREATE INDEX signin_token_ids_by_expiry ON signin_token_ids (keep_until_ms);
