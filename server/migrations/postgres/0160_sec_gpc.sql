-- C-B1: whether the request that brought a consent record carried `Sec-GPC: 1` (see the SQLite
-- migration of the same number). Records stored before this column existed say 0: not known.
ALTER TABLE consent_records ADD COLUMN sec_gpc BIGINT NOT NULL DEFAULT 0 CHECK (sec_gpc IN (0, 1));
