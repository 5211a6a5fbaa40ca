-- The organisation's logo and how its invoices are paid by scanning. A logo is stored
-- once per content (digest) and never changed: an issued document names the digest it
-- printed, so a later logo does not alter it. The image is kept as base64 text, which
-- SQLite and PostgreSQL store alike.
CREATE TABLE logo (
    id {pk},
    digest TEXT NOT NULL UNIQUE,
    media_type TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
ALTER TABLE organisation ADD COLUMN logo_id BIGINT REFERENCES logo (id) ON DELETE SET NULL;
ALTER TABLE organisation ADD COLUMN logo_name TEXT NOT NULL DEFAULT '';
-- A SCOR creditor reference (RF…) on Swiss QR-bills paid to an account that is no QR-IBAN.
ALTER TABLE organisation ADD COLUMN creditor_reference BOOLEAN NOT NULL DEFAULT FALSE;
