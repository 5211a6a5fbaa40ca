-- Automatic capture: watched folders, URL rules, raw heartbeats, browser read positions.

CREATE TABLE watch_folder (
    id {pk},
    project_id BIGINT NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    path TEXT NOT NULL UNIQUE
);
CREATE INDEX watch_folder_project ON watch_folder (project_id);

CREATE TABLE url_pattern (
    id {pk},
    project_id BIGINT NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    pattern TEXT NOT NULL,
    UNIQUE (project_id, pattern)
);

CREATE TABLE ignore_pattern (
    id {pk},
    project_id BIGINT REFERENCES project (id) ON DELETE CASCADE,
    pattern TEXT NOT NULL
);
CREATE INDEX ignore_pattern_project ON ignore_pattern (project_id);

CREATE TABLE heartbeat (
    id {pk},
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('file', 'url')),
    target TEXT NOT NULL,
    project_id BIGINT REFERENCES project (id) ON DELETE SET NULL
);
CREATE INDEX heartbeat_user_at ON heartbeat (user_id, at);

CREATE TABLE browser_cursor (
    id {pk},
    browser TEXT NOT NULL,
    profile TEXT NOT NULL,
    last_visit_utc BIGINT NOT NULL,
    UNIQUE (browser, profile)
);
