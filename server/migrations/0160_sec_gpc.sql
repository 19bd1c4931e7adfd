-- C-B1: whether the request that brought a consent record carried `Sec-GPC: 1` (the browser's
-- own Global Privacy Control header), apart from `gpc`, which is the signal the decision honoured
-- (the body's gpc or that header). Records stored before this column existed say 0: not known.
ALTER TABLE consent_records ADD COLUMN sec_gpc INTEGER NOT NULL DEFAULT 0 CHECK (sec_gpc IN (0, 1));
