-- `tally timesheet status` adds up each person's unbilled time, billable or not. This
-- index holds just those entries and every column the sums read: on a history of years
-- the status read each person's whole history through the table, four times over.
CREATE INDEX time_entry_unbilled ON time_entry (user_id, start_utc, end_utc, approved_at, project_id)
    WHERE invoice_line_id IS NULL;
