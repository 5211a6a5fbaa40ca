-- The parties in the structured form e-invoices need (EN 16931 BG-4/BG-5 seller, BG-7/BG-8
-- buyer). The free-text address columns stay: an address typed before is kept and printed
-- until the structured fields are filled.
ALTER TABLE organisation ADD COLUMN street TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN tax_number TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN registration TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN endpoint TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN street TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN buyer_reference TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN endpoint TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN einvoice TEXT NOT NULL DEFAULT 'none';
