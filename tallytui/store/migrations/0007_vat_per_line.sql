-- VAT per line (EN 16931): a client's VAT category and exemption reason, an expense's own
-- rate, each invoice line's category and rate, and each document's breakdown per
-- (category, rate) as issued.
--
-- Documents issued before carry one rate: their lines and their one breakdown row get it,
-- as category S when it is above 0 and Z (zero rated) at 0 %, which is what a standard
-- client at 0 % bills from now on too (EN 16931 has no standard rate of 0). The row's
-- taxable amount and tax are the stored subtotal and tax, so every old document shows and
-- exports the figures it was issued with.

ALTER TABLE client ADD COLUMN vat_category TEXT NOT NULL DEFAULT 'S'
    CHECK (vat_category IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O'));
ALTER TABLE client ADD COLUMN vat_exemption_reason TEXT NOT NULL DEFAULT '';

ALTER TABLE expense ADD COLUMN tax_rate_bp INTEGER;

ALTER TABLE invoice_line ADD COLUMN tax_category TEXT NOT NULL DEFAULT 'Z'
    CHECK (tax_category IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O'));
ALTER TABLE invoice_line ADD COLUMN tax_rate_bp INTEGER NOT NULL DEFAULT 0;
UPDATE invoice_line SET tax_rate_bp =
    (SELECT i.tax_rate_bp FROM invoice i WHERE i.id = invoice_line.invoice_id);
UPDATE invoice_line SET tax_category = 'S' WHERE tax_rate_bp > 0;

CREATE TABLE invoice_tax (
    id {pk},
    invoice_id BIGINT NOT NULL REFERENCES invoice (id) ON DELETE CASCADE,
    category TEXT NOT NULL CHECK (category IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O')),
    rate_bp INTEGER NOT NULL,
    taxable_minor BIGINT NOT NULL,
    tax_minor BIGINT NOT NULL,
    exemption_code TEXT NOT NULL DEFAULT '',
    exemption_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX invoice_tax_rate ON invoice_tax (invoice_id, category, rate_bp);

INSERT INTO invoice_tax (invoice_id, category, rate_bp, taxable_minor, tax_minor)
    SELECT i.id, CASE WHEN i.tax_rate_bp > 0 THEN 'S' ELSE 'Z' END, i.tax_rate_bp,
           i.subtotal_minor, i.tax_minor
    FROM invoice i
    WHERE EXISTS (SELECT 1 FROM invoice_line l WHERE l.invoice_id = i.id);
