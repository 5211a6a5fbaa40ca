-- Team rights, enforced by PostgreSQL itself (this file runs on PostgreSQL only, whole).
--
-- Each person is a login role named as their tally user, member of one group role per
-- tally role: tally_consultant, tally_approver, tally_finance, tally_admin. Nothing is
-- granted to PUBLIC. Privileges say which tables a group may touch, row-level security
-- which rows (FORCE: the owner is held too, should a person own the tables), and triggers
-- check what depends on state: locked, approved and invoiced days, approvals, the event
-- log. A superuser session (the server's maintenance login) bypasses all of it, as
-- PostgreSQL lets it; services keep their own checks for clear messages.
--
-- Every write also notifies the channel tally_changes (from a trigger, so writes made
-- with psql reach open interfaces too).

DO $$
DECLARE
    g text;
BEGIN
    FOREACH g IN ARRAY ARRAY['tally_consultant', 'tally_approver', 'tally_finance', 'tally_admin']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', g);
        END IF;
    END LOOP;
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format(
        'GRANT CONNECT, TEMPORARY ON DATABASE %I TO tally_consultant, tally_approver, '
        'tally_finance, tally_admin', current_database());
END
$$;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO tally_consultant, tally_approver, tally_finance, tally_admin;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;

-- Who is acting: the tally user named as the session's login, and their role.
CREATE FUNCTION tally_me() RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT id FROM app_user WHERE name = session_user $$;

CREATE FUNCTION tally_role() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT role FROM app_user WHERE name = session_user $$;

-- A superuser session or an admin: the rules of state below do not hold them back.
CREATE FUNCTION tally_trusted() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
                 OR COALESCE((SELECT role = 'admin' FROM app_user WHERE name = session_user),
                             false) $$;

-- Projects whose time the acting person approves (named approver or owner).
CREATE FUNCTION tally_approved_projects() RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT p.id FROM project p, app_user u
          WHERE u.name = session_user AND u.role = 'approver'
            AND u.id IN (p.approver_id, p.owner_id) $$;

CREATE FUNCTION tally_refuse(message text) RETURNS void
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION '%', message USING ERRCODE = 'insufficient_privilege'; END $$;

-- Whether a person's day is locked: the entry's day in the organisation's time zone.
CREATE FUNCTION tally_locked(owner bigint, start_utc bigint) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT COALESCE(
              (to_timestamp(start_utc) AT TIME ZONE
                  (SELECT timezone FROM organisation ORDER BY id LIMIT 1))::date
              <= (SELECT locked_until FROM app_user WHERE id = owner), false) $$;

CREATE FUNCTION tally_notify() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN PERFORM pg_notify('tally_changes', ''); RETURN NULL; END $$;

-- Rights on a table that holds one person's rows in user_id (time, heartbeats, a timer):
-- their own for everyone, everyone's for admins; finance reads all. One call per table.
CREATE FUNCTION tally_personal(target regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO tally_consultant, '
                   'tally_approver, tally_finance, tally_admin', target);
    EXECUTE format('CREATE POLICY own ON %s USING (user_id = (SELECT tally_me()) '
                   'OR (SELECT tally_role()) = ''admin'') WITH CHECK (user_id = '
                   '(SELECT tally_me()) OR (SELECT tally_role()) = ''admin'')', target);
    EXECUTE format('CREATE POLICY finance_reads ON %s FOR SELECT '
                   'USING ((SELECT tally_role()) = ''finance'')', target);
    PERFORM tally_watch(target);
END
$$;

-- Writes to the table notify the channel open interfaces listen on.
CREATE FUNCTION tally_watch(target regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER tally_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                   'ON %s FOR EACH STATEMENT EXECUTE FUNCTION tally_notify()', target);
END
$$;

-- Shared reference data: everyone reads; finance and admins write.
GRANT SELECT ON organisation, app_user, client, project, project_rate, watch_folder,
    url_pattern, ignore_pattern, schema_migration
    TO tally_consultant, tally_approver, tally_finance, tally_admin;
GRANT INSERT, UPDATE, DELETE ON organisation, client, project, project_rate, watch_folder,
    url_pattern, ignore_pattern TO tally_finance, tally_admin;
GRANT INSERT, UPDATE, DELETE ON app_user TO tally_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public
    TO tally_consultant, tally_approver, tally_finance, tally_admin;

-- Invoicing: finance and admins. Others may read an invoice's number (an entry shows it).
GRANT SELECT, INSERT, UPDATE, DELETE ON invoice, invoice_line, invoice_tax, payment, outbox,
    billed_entry, billed_expense, number_counter TO tally_finance, tally_admin;
GRANT SELECT (id, number) ON invoice TO tally_consultant, tally_approver;
GRANT SELECT (id, invoice_id) ON invoice_line TO tally_consultant, tally_approver;

-- People: everyone may hold and change a row of app_user (the app writes whole rows when
-- it moves a lock); the trigger lets non-admins move locked_until only, and only as
-- their role allows: forward on their own timesheet, back (a send-back) as an approver.
GRANT UPDATE ON app_user TO tally_consultant, tally_approver, tally_finance;

CREATE FUNCTION tally_guard_user() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF tally_trusted() THEN
        RETURN NEW;
    END IF;
    IF (NEW.id, NEW.name, NEW.role, NEW.created_at)
            IS DISTINCT FROM (OLD.id, OLD.name, OLD.role, OLD.created_at) THEN
        PERFORM tally_refuse('only an admin adds people or changes roles');
    END IF;
    IF NEW.locked_until IS NOT DISTINCT FROM OLD.locked_until THEN
        RETURN NEW;
    END IF;
    IF OLD.locked_until IS NULL
            OR (NEW.locked_until IS NOT NULL AND NEW.locked_until > OLD.locked_until) THEN
        IF OLD.id IS DISTINCT FROM tally_me() THEN
            PERFORM tally_refuse(format('%s may lock only their own timesheet, not %s''s',
                                        session_user, OLD.name));
        END IF;
    ELSIF tally_role() IS DISTINCT FROM 'approver' OR OLD.id = tally_me()
            OR NOT EXISTS (SELECT 1 FROM time_entry t WHERE t.user_id = OLD.id
                           AND t.project_id IN (SELECT tally_approved_projects())) THEN
        -- An approver sends back time of projects they approve: that person's lock only.
        PERFORM tally_refuse(format('%s may not unlock timesheets; ask an admin', session_user));
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER tally_guard BEFORE UPDATE ON app_user
    FOR EACH ROW EXECUTE FUNCTION tally_guard_user();

-- Settings: everyone reads; a person writes their own capture position, finance and
-- admins the rest.
ALTER TABLE setting ENABLE ROW LEVEL SECURITY;
ALTER TABLE setting FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON setting
    TO tally_consultant, tally_approver, tally_finance, tally_admin;
CREATE POLICY everyone_reads ON setting FOR SELECT USING (true);
CREATE POLICY writes ON setting USING (
    key = 'capture.scanned_until.' || session_user
    OR (SELECT tally_role()) IN ('finance', 'admin'))
    WITH CHECK (key = 'capture.scanned_until.' || session_user
    OR (SELECT tally_role()) IN ('finance', 'admin'));

-- Where browser history was read up to: bookkeeping of capture, no time in it.
GRANT SELECT, INSERT, UPDATE ON browser_cursor
    TO tally_consultant, tally_approver, tally_finance, tally_admin;

-- Heartbeats: one person's raw capture.
SELECT tally_personal('heartbeat');

-- Time entries: the owner's own; an approver reads the time of projects they approve;
-- finance and admins read all.
ALTER TABLE time_entry ENABLE ROW LEVEL SECURITY;
ALTER TABLE time_entry FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON time_entry
    TO tally_consultant, tally_approver, tally_finance, tally_admin;
CREATE POLICY visible ON time_entry FOR SELECT USING (
    user_id = (SELECT tally_me())
    OR (SELECT tally_role()) IN ('finance', 'admin')
    OR project_id IN (SELECT tally_approved_projects()));
CREATE POLICY add ON time_entry FOR INSERT WITH CHECK (
    user_id = (SELECT tally_me()) OR (SELECT tally_role()) = 'admin');
CREATE POLICY change ON time_entry FOR UPDATE USING (
    user_id = (SELECT tally_me())
    OR (SELECT tally_role()) IN ('finance', 'admin')
    OR project_id IN (SELECT tally_approved_projects()))
    WITH CHECK (
    user_id = (SELECT tally_me())
    OR (SELECT tally_role()) IN ('finance', 'admin')
    OR project_id IN (SELECT tally_approved_projects()));
CREATE POLICY remove ON time_entry FOR DELETE USING (
    user_id = (SELECT tally_me()) OR (SELECT tally_role()) = 'admin');

-- The time itself changes only as its owner's, on an open day, neither approved nor
-- invoiced. Approvals are the approver's (never of their own time, always in their own
-- name, and an approved entry's time cannot change under them); the invoice mark is
-- finance's, and that column only.
CREATE FUNCTION tally_guard_entry() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    me bigint;
    role_ text;
    superuser boolean;
    row_ time_entry;
BEGIN
    -- Who acts, in one look-up per row: finance marks thousands of entries at once.
    SELECT u.id, u.role, r.rolsuper INTO me, role_, superuser
        FROM pg_roles r LEFT JOIN app_user u ON u.name = r.rolname
        WHERE r.rolname = session_user;
    IF superuser OR role_ = 'admin' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'UPDATE' AND
            (NEW.id, NEW.user_id, NEW.project_id, NEW.start_utc, NEW.end_utc, NEW.description,
             NEW.description_edited, NEW.billable, NEW.source, NEW.fingerprint, NEW.created_at)
            IS NOT DISTINCT FROM
            (OLD.id, OLD.user_id, OLD.project_id, OLD.start_utc, OLD.end_utc, OLD.description,
             OLD.description_edited, OLD.billable, OLD.source, OLD.fingerprint, OLD.created_at)
    THEN
        IF (NEW.approved_by_id, NEW.approved_at) IS DISTINCT FROM
                (OLD.approved_by_id, OLD.approved_at) THEN
            IF OLD.user_id = me THEN
                PERFORM tally_refuse(format('%s may not approve their own time; an admin '
                                            'approves it', session_user));
            END IF;
            IF OLD.project_id NOT IN (SELECT tally_approved_projects()) THEN
                PERFORM tally_refuse(format('%s does not approve this project', session_user));
            END IF;
            IF NEW.approved_at IS NOT NULL AND NEW.approved_by_id IS DISTINCT FROM me THEN
                PERFORM tally_refuse('an approval is recorded in its approver''s own name');
            END IF;
            IF NEW.approved_at IS NOT NULL AND NOT tally_locked(OLD.user_id, OLD.start_utc) THEN
                PERFORM tally_refuse('only locked time is approved');
            END IF;
        END IF;
        IF NEW.invoice_line_id IS DISTINCT FROM OLD.invoice_line_id
                AND role_ IS DISTINCT FROM 'finance' THEN
            PERFORM tally_refuse(format('%s may not invoice time; ask finance', session_user));
        END IF;
        RETURN NEW;
    END IF;
    FOREACH row_ IN ARRAY ARRAY[OLD, NEW] LOOP
        CONTINUE WHEN row_ IS NULL;
        IF row_.user_id IS DISTINCT FROM me THEN
            PERFORM tally_refuse(format('%s may change only their own time', session_user));
        ELSIF row_.invoice_line_id IS NOT NULL THEN
            PERFORM tally_refuse(format('entry %s is invoiced', row_.id));
        ELSIF row_.approved_at IS NOT NULL THEN
            PERFORM tally_refuse(format('entry %s is approved', row_.id));
        ELSIF tally_locked(row_.user_id, row_.start_utc) THEN
            PERFORM tally_refuse(format('entry %s is on a locked day', row_.id));
        END IF;
    END LOOP;
    RETURN COALESCE(NEW, OLD);
END
$$;
CREATE TRIGGER tally_guard BEFORE INSERT OR UPDATE OR DELETE ON time_entry
    FOR EACH ROW EXECUTE FUNCTION tally_guard_entry();

-- Expenses: the owner's own, finance's and admins' all; an invoiced expense is finance's.
ALTER TABLE expense ENABLE ROW LEVEL SECURITY;
ALTER TABLE expense FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON expense
    TO tally_consultant, tally_approver, tally_finance, tally_admin;
CREATE POLICY own ON expense USING (
    user_id = (SELECT tally_me()) OR (SELECT tally_role()) IN ('finance', 'admin'))
    WITH CHECK (user_id = (SELECT tally_me()) OR (SELECT tally_role()) IN ('finance', 'admin'));

CREATE FUNCTION tally_guard_expense() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF tally_trusted() OR tally_role() = 'finance' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF (TG_OP <> 'INSERT' AND OLD.invoice_line_id IS NOT NULL)
            OR (TG_OP <> 'DELETE' AND NEW.invoice_line_id IS NOT NULL) THEN
        PERFORM tally_refuse(format('%s may not change invoiced expenses; ask finance',
                                    session_user));
    END IF;
    RETURN COALESCE(NEW, OLD);
END
$$;
CREATE TRIGGER tally_guard BEFORE INSERT OR UPDATE OR DELETE ON expense
    FOR EACH ROW EXECUTE FUNCTION tally_guard_expense();

-- The event log of timesheets: who locked, unlocked, approved or sent back what. Rows
-- are added in one's own name, as one's role allows, and never changed or removed.
ALTER TABLE timesheet_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE timesheet_event FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT ON timesheet_event
    TO tally_consultant, tally_approver, tally_finance, tally_admin;
CREATE POLICY visible ON timesheet_event FOR SELECT USING (
    user_id = (SELECT tally_me())
    OR actor_id = (SELECT tally_me())
    OR (SELECT tally_role()) IN ('finance', 'admin')
    OR project_id IN (SELECT tally_approved_projects()));
CREATE POLICY add ON timesheet_event FOR INSERT WITH CHECK (
    (SELECT tally_role()) = 'admin'
    OR (actor_id = (SELECT tally_me()) AND (
        (action = 'lock' AND user_id = (SELECT tally_me()))
        OR ((SELECT tally_role()) = 'approver' AND user_id <> (SELECT tally_me())
            AND action IN ('unlock', 'approve', 'send_back', 'withdraw')
            AND (project_id IS NULL OR project_id IN (SELECT tally_approved_projects()))))));

CREATE FUNCTION tally_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'the % log is append-only: its rows are never changed or removed',
        TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER tally_append_only BEFORE UPDATE OR DELETE ON timesheet_event
    FOR EACH ROW EXECUTE FUNCTION tally_append_only();

-- Rights for tables of later migrations, which store/migrate.py calls after each one: a
-- table holding a person's rows in user_id (a running timer, say) becomes theirs as
-- heartbeats are; any other is read by everyone and written by finance and admins.
-- Either way its writes notify the interfaces. (A table that needs other rules gets
-- them in its own PostgreSQL migration, which runs before this sees it.)
CREATE FUNCTION tally_secure_new_tables() RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migration'
          AND NOT EXISTS (SELECT 1 FROM pg_trigger g
                          WHERE g.tgrelid = c.oid AND g.tgname = 'tally_notify')
    LOOP
        EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', t);
        IF EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = t AND a.attname = 'user_id' AND NOT a.attisdropped) THEN
            PERFORM tally_personal(t);
        ELSE
            EXECUTE format('GRANT SELECT ON %s TO tally_consultant, tally_approver, '
                           'tally_finance, tally_admin', t);
            EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO tally_finance, tally_admin', t);
            PERFORM tally_watch(t);
        END IF;
    END LOOP;
    REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA public
        TO tally_consultant, tally_approver, tally_finance, tally_admin;
END
$$;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public
    TO tally_consultant, tally_approver, tally_finance, tally_admin;
REVOKE EXECUTE ON FUNCTION tally_personal(regclass), tally_watch(regclass),
    tally_secure_new_tables() FROM tally_consultant, tally_approver, tally_finance, tally_admin;

DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables
             WHERE schemaname = 'public' AND tablename NOT IN ('heartbeat', 'schema_migration')
    LOOP
        PERFORM tally_watch(t::regclass);
    END LOOP;
END
$$;
