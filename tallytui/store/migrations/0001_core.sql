-- Organisation, people, clients, projects, time, expenses and the invoice register.
-- {pk} is the auto-numbered primary key of the dialect.

CREATE TABLE organisation (
    id {pk},
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    vat_id TEXT NOT NULL DEFAULT '',
    iban TEXT NOT NULL DEFAULT '',
    bic TEXT NOT NULL DEFAULT '',
    bank_name TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL,
    timezone TEXT NOT NULL,
    payment_terms_days INTEGER NOT NULL DEFAULT 14,
    tax_rate_bp INTEGER NOT NULL DEFAULT 0,
    rounding TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE app_user (
    id {pk},
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('consultant', 'approver', 'finance', 'admin')),
    locked_until DATE,
    created_at BIGINT NOT NULL
);

CREATE TABLE client (
    id {pk},
    name TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    vat_id TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL,
    payment_terms_days INTEGER,
    tax_rate_bp INTEGER,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE project (
    id {pk},
    name TEXT NOT NULL UNIQUE,
    client_id BIGINT NOT NULL REFERENCES client (id) ON DELETE RESTRICT,
    billable BOOLEAN NOT NULL DEFAULT TRUE,
    schedule TEXT NOT NULL DEFAULT 'none',
    schedule_anchor DATE,
    approval_required BOOLEAN NOT NULL DEFAULT FALSE,
    approver_id BIGINT REFERENCES app_user (id) ON DELETE SET NULL,
    rounding TEXT,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX project_client ON project (client_id);

CREATE TABLE project_rate (
    id {pk},
    project_id BIGINT NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    valid_from DATE,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    created_at BIGINT NOT NULL
);
CREATE INDEX project_rate_project ON project_rate (project_id, valid_from);

CREATE TABLE invoice (
    id {pk},
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    status TEXT NOT NULL CHECK (status IN ('ready', 'sent', 'paid', 'void')),
    client_id BIGINT NOT NULL REFERENCES client (id) ON DELETE RESTRICT,
    project_id BIGINT REFERENCES project (id) ON DELETE RESTRICT,
    period_start DATE,
    period_end DATE,
    issue_date DATE NOT NULL,
    due_date DATE NOT NULL,
    currency TEXT NOT NULL,
    tax_rate_bp INTEGER NOT NULL,
    subtotal_minor BIGINT NOT NULL,
    tax_minor BIGINT NOT NULL,
    total_minor BIGINT NOT NULL,
    credits_id BIGINT REFERENCES invoice (id) ON DELETE RESTRICT,
    reason TEXT NOT NULL DEFAULT '',
    grouping TEXT NOT NULL DEFAULT 'project',
    rounding TEXT,
    payment_terms_days INTEGER NOT NULL,
    seller TEXT NOT NULL,
    buyer TEXT NOT NULL,
    created_by_id BIGINT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    paid_on DATE,
    voided_at BIGINT
);
CREATE INDEX invoice_client ON invoice (client_id);
CREATE INDEX invoice_status ON invoice (status, issue_date);
CREATE INDEX invoice_credits ON invoice (credits_id);

CREATE TABLE invoice_line (
    id {pk},
    invoice_id BIGINT NOT NULL REFERENCES invoice (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    quantity_hundredths BIGINT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    unit_price_minor BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    line_type TEXT NOT NULL CHECK (line_type IN ('service', 'product')),
    project_id BIGINT REFERENCES project (id) ON DELETE RESTRICT,
    group_key TEXT NOT NULL DEFAULT '',
    credits_line_id BIGINT REFERENCES invoice_line (id) ON DELETE RESTRICT
);
CREATE INDEX invoice_line_invoice ON invoice_line (invoice_id, position);
CREATE INDEX invoice_line_credits ON invoice_line (credits_line_id);

CREATE TABLE time_entry (
    id {pk},
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    project_id BIGINT NOT NULL REFERENCES project (id) ON DELETE RESTRICT,
    start_utc BIGINT NOT NULL,
    end_utc BIGINT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    billable BOOLEAN NOT NULL DEFAULT TRUE,
    source TEXT NOT NULL CHECK (source IN ('capture', 'manual', 'import')),
    approved_by_id BIGINT REFERENCES app_user (id) ON DELETE SET NULL,
    approved_at BIGINT,
    -- The line that bills the entry now: one column, so an entry is on at most one line.
    invoice_line_id BIGINT REFERENCES invoice_line (id) ON DELETE SET NULL,
    fingerprint TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (end_utc > start_utc)
);
CREATE INDEX time_entry_start ON time_entry (start_utc);
CREATE INDEX time_entry_user_start ON time_entry (user_id, start_utc);
CREATE INDEX time_entry_project_start ON time_entry (project_id, start_utc);
CREATE INDEX time_entry_invoice_line ON time_entry (invoice_line_id);

CREATE TABLE expense (
    id {pk},
    project_id BIGINT NOT NULL REFERENCES project (id) ON DELETE RESTRICT,
    user_id BIGINT REFERENCES app_user (id) ON DELETE SET NULL,
    spent_on DATE NOT NULL,
    quantity_hundredths BIGINT NOT NULL CHECK (quantity_hundredths > 0),
    unit TEXT NOT NULL DEFAULT '',
    unit_price_minor BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    billable BOOLEAN NOT NULL DEFAULT TRUE,
    invoice_line_id BIGINT REFERENCES invoice_line (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX expense_project_day ON expense (project_id, spent_on);
CREATE INDEX expense_invoice_line ON expense (invoice_line_id);

CREATE TABLE billed_entry (
    line_id BIGINT NOT NULL REFERENCES invoice_line (id) ON DELETE CASCADE,
    entry_id BIGINT NOT NULL REFERENCES time_entry (id) ON DELETE CASCADE,
    PRIMARY KEY (line_id, entry_id)
);
CREATE INDEX billed_entry_entry ON billed_entry (entry_id);

CREATE TABLE billed_expense (
    line_id BIGINT NOT NULL REFERENCES invoice_line (id) ON DELETE CASCADE,
    expense_id BIGINT NOT NULL REFERENCES expense (id) ON DELETE CASCADE,
    PRIMARY KEY (line_id, expense_id)
);
CREATE INDEX billed_expense_expense ON billed_expense (expense_id);

CREATE TABLE number_counter (
    id {pk},
    organisation_id BIGINT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    last_number INTEGER NOT NULL CHECK (last_number BETWEEN 0 AND 9999),
    UNIQUE (organisation_id, period)
);

CREATE TABLE timesheet_event (
    id {pk},
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    until DATE NOT NULL,
    project_id BIGINT REFERENCES project (id) ON DELETE CASCADE,
    actor_id BIGINT REFERENCES app_user (id) ON DELETE SET NULL,
    comment TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX timesheet_event_user ON timesheet_event (user_id, at);

CREATE TABLE setting (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
