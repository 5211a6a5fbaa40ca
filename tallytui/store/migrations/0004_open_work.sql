-- The billing cycle adds up all unbilled, billable time, by project, person and day. This
-- index holds just those entries and every column the sums read, so the cycle reads it
-- instead of the table.
--
-- The index on invoice lines now holds only billed entries (the lookups it serves are by
-- line). Holding unbilled ones too, it was the index chosen to find them: on a history of
-- years, tens of thousands of lookups into the table, one per unbilled entry.

DROP INDEX time_entry_invoice_line;
CREATE INDEX time_entry_invoice_line ON time_entry (invoice_line_id)
    WHERE invoice_line_id IS NOT NULL;

CREATE INDEX time_entry_open ON time_entry (project_id, user_id, start_utc, end_utc, approved_at)
    WHERE invoice_line_id IS NULL AND billable;
