-- Invoice e-mails: every attempt to send a document or a reminder, written (with its
-- Message-ID) before the SMTP conversation begins and finished after it. An attempt left
-- 'queued' (the process died during it) or 'unknown' (the connection was lost after the
-- message was handed over) may have reached the client: it is never repeated silently.
CREATE TABLE outbox (
    id {pk},
    invoice_id BIGINT NOT NULL REFERENCES invoice (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('send', 'reminder')),
    level INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL UNIQUE,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'unknown')),
    error TEXT NOT NULL DEFAULT '',
    created_by_id BIGINT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX outbox_invoice ON outbox (invoice_id, created_at);
