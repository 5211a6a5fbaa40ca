-- The running timer: at most one per person (the unique user_id makes two terminals that
-- start one at the same moment end with one, not two). It is work in progress, not yet an
-- entry: stopping it writes a manual time entry from start_utc to the stop and deletes the
-- row. Capture leaves its time alone from start_utc on.
CREATE TABLE running_timer (
    id {pk},
    user_id BIGINT NOT NULL UNIQUE REFERENCES app_user (id) ON DELETE CASCADE,
    project_id BIGINT NOT NULL REFERENCES project (id) ON DELETE RESTRICT,
    start_utc BIGINT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
)
