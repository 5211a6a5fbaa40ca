-- Team mode: every project has an owner, who approves its time unless an approver is named.
-- Existing projects belong to the first admin, so approval flows that were waiting keep
-- waiting rather than approving themselves.

ALTER TABLE project ADD COLUMN owner_id BIGINT REFERENCES app_user (id) ON DELETE SET NULL;

UPDATE project SET owner_id = (SELECT MIN(id) FROM app_user WHERE role = 'admin');

CREATE INDEX project_owner ON project (owner_id);
CREATE INDEX project_approver ON project (approver_id);
CREATE INDEX timesheet_event_project ON timesheet_event (project_id, at);
