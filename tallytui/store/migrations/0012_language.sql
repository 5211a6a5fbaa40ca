-- The language documents are written in: the organisation's (the default), a client's own
-- (NULL: the organisation's), and the one each document was issued in. Documents issued
-- before were printed in English, so they keep English.
ALTER TABLE organisation ADD COLUMN language TEXT NOT NULL DEFAULT 'en'
    CHECK (language IN ('de', 'en', 'fr', 'it', 'nl', 'es'));
ALTER TABLE client ADD COLUMN language TEXT
    CHECK (language IS NULL OR language IN ('de', 'en', 'fr', 'it', 'nl', 'es'));
ALTER TABLE invoice ADD COLUMN language TEXT NOT NULL DEFAULT 'en'
    CHECK (language IN ('de', 'en', 'fr', 'it', 'nl', 'es'));
