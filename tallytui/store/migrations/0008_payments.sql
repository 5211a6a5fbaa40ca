-- Payments: several per invoice, each with its amount and day; the one that settles the
-- invoice makes it paid (on its day). A credit note's own money is never a payment here.
--
-- An invoice paid before this version was paid in full on its paid_on day: it gets one
-- payment of its total, recorded when it was sent (or created), by no one in particular.

CREATE TABLE payment (
    id {pk},
    invoice_id BIGINT NOT NULL REFERENCES invoice (id) ON DELETE RESTRICT,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    paid_on DATE NOT NULL,
    recorded_by_id BIGINT REFERENCES app_user (id) ON DELETE SET NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX payment_invoice ON payment (invoice_id, paid_on);

INSERT INTO payment (invoice_id, amount_minor, paid_on, recorded_at)
    SELECT id, total_minor, paid_on, COALESCE(sent_at, created_at)
    FROM invoice
    WHERE status = 'paid' AND kind = 'invoice' AND paid_on IS NOT NULL AND total_minor > 0;
