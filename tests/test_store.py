"""The storage layer on a real SQLite file: file permissions, pragmas, migrations, the
models' agreement with the migrated schema, and integer-only money columns."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import peewee
import pytest
from peewee import ForeignKeyField, SqliteDatabase

from tallytui.domain.errors import TallyError
from tallytui.domain.money import parse_amount, to_minor
from tallytui.locations import default_path, resolve_url
from tallytui.store import db as store_db
from tallytui.store import migrate as store_migrate
from tallytui.store.db import open_database, write_transaction
from tallytui.store.migrate import Migration, available, current_version, migrate
from tallytui.store.models import (
    ALL_MODELS,
    BrowserCursor,
    Client,
    Expense,
    Heartbeat,
    Invoice,
    InvoiceLine,
    InvoiceTax,
    Logo,
    NumberCounter,
    Organisation,
    Outbox,
    Payment,
    Project,
    ProjectRate,
    RunningTimer,
    Setting,
    TimeEntry,
    TimesheetEvent,
    User,
    db,
)

NOW = 1_795_000_000  # a fixed instant for created_at columns
CAPTURE_TABLES = {"watch_folder", "url_pattern", "ignore_pattern", "heartbeat", "browser_cursor"}
V1_TABLES = {
    "organisation",
    "app_user",
    "client",
    "project",
    "project_rate",
    "invoice",
    "invoice_line",
    "time_entry",
    "expense",
    "billed_entry",
    "billed_expense",
    "number_counter",
    "timesheet_event",
    "setting",
}


@pytest.fixture(autouse=True)
def _close_databases():
    """Every test leaves the shared model proxy closed (open_database rebinds it)."""
    opened: list[peewee.Database] = []
    yield opened
    for handle in opened:
        if not handle.is_closed():
            handle.close()
    if db.obj is not None and not db.is_closed():
        db.close()


@pytest.fixture
def dbpath(tmp_path) -> Path:
    return tmp_path / "data" / "tally.db"


@pytest.fixture
def database(dbpath, _close_databases):
    handle = open_database(str(dbpath))
    _close_databases.append(handle)
    return handle


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def pragma(database, name):
    return database.execute_sql(f"PRAGMA {name}").fetchone()[0]


def rows(database, table):
    return database.execute_sql(f"SELECT * FROM {table} ORDER BY 1").fetchall()


# --- file and connection -----------------------------------------------------------------


def test_database_file_and_companions_are_private(tmp_path, _close_databases):
    path = tmp_path / "deep" / "er" / "tally.db"
    old = os.umask(0)  # the most permissive umask: privacy must not depend on it
    try:
        handle = open_database(str(path))
        _close_databases.append(handle)
        handle.execute_sql("INSERT INTO setting (key, value) VALUES ('k', 'v')")
    finally:
        os.umask(old)
    assert path.parent.is_dir()
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        assert companion.exists(), f"{companion.name} should exist in WAL mode"
        assert mode(companion) == 0o600


def test_sqlite_url_prefix(tmp_path, _close_databases):
    path = tmp_path / "viaurl.db"
    handle = open_database(f"sqlite:///{path}")
    _close_databases.append(handle)
    assert path.exists()
    assert current_version(handle) == available()[-1].version


@pytest.mark.parametrize(
    ("name", "expected"),
    [("journal_mode", "wal"), ("foreign_keys", 1), ("synchronous", 1)],
)
def test_sqlite_pragmas(database, name, expected):
    assert pragma(database, name) == expected


def test_busy_timeout_at_least_five_seconds(database):
    assert pragma(database, "busy_timeout") >= 5000


def test_pragmas_hold_after_reconnect_and_in_other_threads(database):
    database.close()
    database.connect()
    assert pragma(database, "foreign_keys") == 1
    assert pragma(database, "busy_timeout") >= 5000
    seen = {}

    def worker():
        # TUI workers run database calls in threads: each thread has its own connection.
        with database.connection_context():
            seen["fk"] = pragma(database, "foreign_keys")
            seen["busy"] = pragma(database, "busy_timeout")
            seen["sync"] = pragma(database, "synchronous")
            seen["journal"] = pragma(database, "journal_mode")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert (seen["fk"], seen["sync"], seen["journal"]) == (1, 1, "wal")
    assert seen["busy"] >= 5000


def test_foreign_keys_are_enforced(database):
    with pytest.raises(peewee.IntegrityError):
        database.execute_sql(
            "INSERT INTO project (name, client_id, created_at) VALUES ('Orphan', 999, 0)"
        )


def test_models_are_bound_to_the_opened_database(database):
    assert db.obj is database
    assert Setting.select().count() == 0
    Setting.create(key="a", value="b")
    assert database.execute_sql("SELECT value FROM setting WHERE key = 'a'").fetchone() == ("b",)


def test_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(TallyError, match="cannot create the database file"):
        open_database(str(blocker / "tally.db"))


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(TallyError) as info:
        open_database(str(path))
    assert str(path) in str(info.value)
    assert path.read_text().startswith("these are my notes")  # untouched


def test_creating_the_file_tolerates_a_concurrent_creator(tmp_path, monkeypatch, _close_databases):
    """Two processes opening a new database at once: the second one finds the file already
    created between its existence check and its own create. That must not be an error."""
    path = tmp_path / "race.db"
    real_exists = Path.exists

    def exists_but_other_process_wins(self, *args, **kwargs):
        if self == path and not real_exists(self):
            # The other process creates the file right after we looked.
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
            return False
        return real_exists(self, *args, **kwargs)

    monkeypatch.setattr(Path, "exists", exists_but_other_process_wins)
    handle = open_database(str(path))
    _close_databases.append(handle)
    assert current_version(handle) == available()[-1].version


def test_resolve_url_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("TALLY_DB", str(tmp_path / "env.db"))
    assert resolve_url(str(tmp_path / "flag.db")) == str(tmp_path / "flag.db")
    assert resolve_url(None) == str(tmp_path / "env.db")
    monkeypatch.delenv("TALLY_DB")
    assert resolve_url(None) == str(default_path())
    assert default_path().name == "tally.db"
    assert "tallytui" in str(default_path())


def test_postgres_password_never_reaches_the_error_message():
    pytest.importorskip("psycopg")
    with pytest.raises(TallyError) as info:
        open_database("postgresql://bob:s3cret-pw@127.0.0.1:1/tally")
    message = str(info.value)
    assert "s3cret-pw" not in message
    assert "bob" in message
    assert "127.0.0.1" in message


def test_write_transaction_is_immediate_and_atomic(database):
    with pytest.raises(RuntimeError), write_transaction():
        Setting.create(key="x", value="1")
        raise RuntimeError("boom")
    assert Setting.select().where(Setting.key == "x").count() == 0
    with write_transaction():
        Setting.create(key="x", value="1")
    assert Setting.get(Setting.key == "x").value == "1"


def test_write_transaction_takes_the_write_lock_up_front(database, dbpath):
    other = SqliteDatabase(str(dbpath), timeout=0.2, pragmas={"busy_timeout": 200})
    try:
        other.connect()
        # BEGIN IMMEDIATE holds the RESERVED lock before any write: another writer waits
        # and, with a short timeout, gives up.
        with write_transaction(), pytest.raises(peewee.OperationalError, match="locked"):
            other.execute_sql("BEGIN IMMEDIATE")
        other.execute_sql("BEGIN IMMEDIATE")
        other.execute_sql("ROLLBACK")
    finally:
        other.close()


# --- migrations --------------------------------------------------------------------------


def test_available_migrations_are_numbered_consecutively():
    versions = [m.version for m in available()]
    assert versions == list(range(1, len(versions) + 1))
    assert len(versions) >= 2
    assert [m.name for m in available()][:2] == ["core", "capture"]


def _insert_v1_rows(database):
    sql = [
        "INSERT INTO organisation (id, name, code, currency, timezone, tax_rate_bp, created_at) "
        "VALUES (1, 'Acme', 'ACME', 'EUR', 'Europe/Berlin', 1900, 100)",
        "INSERT INTO app_user (id, name, role, locked_until, created_at) "
        "VALUES (1, 'anna', 'admin', '2026-01-04', 100)",
        "INSERT INTO app_user (id, name, role, created_at) VALUES (2, 'ben', 'consultant', 100)",
        "INSERT INTO client (id, name, currency, created_at) VALUES (1, 'Globex', 'EUR', 100)",
        "INSERT INTO project (id, name, client_id, schedule, schedule_anchor, created_at) "
        "VALUES (1, 'Web', 1, 'monthly', '2026-01-01', 100)",
        "INSERT INTO project_rate (id, project_id, valid_from, amount_minor, created_at) "
        "VALUES (1, 1, NULL, 9500, 100)",
        "INSERT INTO time_entry (id, user_id, project_id, start_utc, end_utc, description, "
        "source, created_at, updated_at) "
        "VALUES (1, 1, 1, 1767261600, 1767265200, 'design', 'manual', 100, 100)",
        "INSERT INTO time_entry (id, user_id, project_id, start_utc, end_utc, source, "
        "fingerprint, created_at, updated_at) VALUES (2, 2, 1, 1767348000, 1767355200, 'import', "
        "'abc', 100, 100)",
        "INSERT INTO expense (id, project_id, spent_on, quantity_hundredths, unit_price_minor, "
        "amount_minor, created_at) VALUES (1, 1, '2026-01-02', 100, 1250, 1250, 100)",
        "INSERT INTO setting (key, value) VALUES ('first_run', 'no')",
    ]
    for statement in sql:
        database.execute_sql(statement)


# Columns 0006 adds, with the value an older row gets.
PARTY_COLUMNS = {  # and the language of documents (0012): English, the client's own none
    "organisation": ("",) * 9 + ("en",),
    "client": ("",) * 6 + ("none",),
}


def test_upgrade_from_version_1_keeps_every_row(dbpath, _close_databases):
    old = open_database(str(dbpath), upgrade=False)
    _close_databases.append(old)
    assert current_version(old) == 0
    assert migrate(old, target=1) == 1
    tables = set(old.get_tables())
    assert V1_TABLES | {"schema_migration"} <= tables
    assert not tables & CAPTURE_TABLES
    _insert_v1_rows(old)
    before = {table: rows(old, table) for table in V1_TABLES}
    assert sum(len(r) for r in before.values()) == 10
    old.close()

    new = open_database(str(dbpath))
    _close_databases.append(new)
    newest = available()[-1].version
    assert current_version(new) == newest
    assert set(new.get_tables()) >= CAPTURE_TABLES
    for table, content in before.items():
        after = rows(new, table)
        if table == "project":  # team mode gave each project an owner: the first admin
            assert [row[-1] for row in after] == [1]
            after = [row[:-1] for row in after]
        if table == "time_entry":  # no description counts as edited by a person yet
            assert [row[-1] for row in after] == [0, 0]
            after = [row[:-1] for row in after]
        if table == "client":  # standard VAT, no exemption reason, no language of its own
            assert [row[-3:] for row in after] == [("S", "", None)]
            after = [row[:-3] for row in after]
        if table == "expense":  # no VAT rate of its own: the client's
            assert [row[-1] for row in after] == [None]
            after = [row[:-1] for row in after]
        if table == "organisation":  # no logo, no file name, no SCOR references (0013)
            assert [row[-3:] for row in after] == [(None, "", 0)]
            after = [row[:-3] for row in after]
        if table in PARTY_COLUMNS:  # the structured parts of an address start empty
            added = PARTY_COLUMNS[table]
            assert [row[-len(added) :] for row in after] == [added]
            after = [row[: -len(added)] for row in after]
        assert after == content, table
    recorded = new.execute_sql(
        "SELECT version, name FROM schema_migration ORDER BY version"
    ).fetchall()
    assert recorded == [(m.version, m.name) for m in available()]
    # The upgraded database is usable through the models, capture tables included.
    assert TimeEntry.select().count() == 2
    assert Heartbeat.create(user=1, at=NOW, source="file", target="/src/app.py", project=1).id
    assert User.get_by_id(1).locked_until == date(2026, 1, 4)


def _insert_documents_before_vat(database):
    """Three documents as tallytui wrote them before VAT per line: a sent invoice at 19 %
    (two lines), a ready one at 0 %, and a void one without lines."""
    party = '{"name": "%s"}'
    for number, status, rate, net, tax in [
        ("ACME-202601-0001", "sent", 1900, 10_050, 1_910),
        ("ACME-202601-0002", "ready", 0, 5_000, 0),
        ("ACME-202601-0003", "void", 1900, 0, 0),
    ]:
        database.execute_sql(
            "INSERT INTO invoice (number, kind, status, client_id, issue_date, due_date, "
            "currency, tax_rate_bp, subtotal_minor, tax_minor, total_minor, "
            "payment_terms_days, seller, buyer, created_at) VALUES "
            "(?, 'invoice', ?, 1, '2026-02-01', '2026-02-15', 'EUR', ?, ?, ?, ?, 14, ?, ?, 100)",
            (number, status, rate, net, tax, net + tax, party % "Acme", party % "Globex"),
        )
    for invoice, position, amount in [(1, 1, 6_025), (1, 2, 4_025), (2, 1, 5_000)]:
        database.execute_sql(
            "INSERT INTO invoice_line (invoice_id, position, description, quantity_hundredths,"
            " unit_price_minor, amount_minor, line_type) VALUES (?, ?, 'Web', 100, ?, ?,"
            " 'service')",
            (invoice, position, amount, amount),
        )


def test_upgrade_gives_old_documents_their_rate_as_lines_and_breakdown(dbpath, _close_databases):
    from tallytui.cli.output import invoice_json
    from tallytui.services import corrections, invoices

    old = open_database(str(dbpath), upgrade=False)
    _close_databases.append(old)
    migrate(old, target=5)
    _insert_v1_rows(old)
    _insert_documents_before_vat(old)
    old.close()

    new = open_database(str(dbpath))
    _close_databases.append(new)
    sent = invoices.show("anna", "ACME-202601-0001")
    assert [(ln.tax_category, ln.tax_rate) for ln in sent.lines] == [("S", Decimal("19.00"))] * 2
    assert invoice_json(sent)["tax_breakdown"] == [
        {
            "category": "S",
            "rate": "19.00",
            "taxable": "100.50",
            "tax": "19.10",
            "exemption_code": None,
            "exemption_reason": None,
        }
    ]
    assert (sent.tax_rate, sent.tax, sent.total) == (
        Decimal("19.00"),
        Decimal("19.10"),
        Decimal("119.60"),
    )
    at_zero = invoices.show("anna", "ACME-202601-0002")
    assert [(ln.tax_category, ln.tax_rate) for ln in at_zero.lines] == [("Z", Decimal("0.00"))]
    assert [(g.category, g.taxable, g.tax) for g in at_zero.tax_breakdown] == [
        ("Z", Decimal("50.00"), Decimal("0.00"))
    ]
    assert invoices.show("anna", "ACME-202601-0003").tax_breakdown == ()
    # Crediting the old invoice line by line gives back its stored tax to the cent.
    first, second = (corrections.credit("anna", sent.number, [ln.id]) for ln in sent.lines)
    assert first.tax + second.tax == -sent.tax
    assert first.total + second.total == -sent.total


def test_upgrade_gives_a_paid_invoice_one_payment_of_its_total(dbpath, _close_databases):
    from tallytui.cli.output import invoice_json
    from tallytui.services import invoices

    old = open_database(str(dbpath), upgrade=False)
    _close_databases.append(old)
    migrate(old, target=7)
    _insert_v1_rows(old)
    _insert_documents_before_vat(old)
    old.execute_sql(
        "UPDATE invoice SET status = 'paid', paid_on = '2026-02-10', sent_at = 200 WHERE id = 1"
    )
    old.close()

    new = open_database(str(dbpath))
    _close_databases.append(new)
    [payment] = Payment.select()
    assert (payment.invoice_id, payment.amount_minor, payment.paid_on, payment.recorded_at) == (
        1,
        11_960,
        date(2026, 2, 10),
        200,
    )
    shown = invoice_json(invoices.show("anna", "ACME-202601-0001"))
    assert (shown["status"], shown["paid"], shown["open"]) == ("paid", "119.60", "0.00")
    ready = invoice_json(invoices.show("anna", "ACME-202601-0002"))
    assert (ready["paid"], ready["open"]) == ("0.00", "50.00")


def test_migrate_returns_version_and_is_idempotent(dbpath, _close_databases):
    handle = open_database(str(dbpath), upgrade=False)
    _close_databases.append(handle)
    newest = available()[-1].version
    assert migrate(handle) == newest
    first = rows(handle, "schema_migration")
    assert migrate(handle) == newest
    assert migrate(handle, target=1) == newest  # never downgrades
    assert rows(handle, "schema_migration") == first


def test_reopening_is_idempotent(dbpath, _close_databases):
    handle = open_database(str(dbpath))
    _close_databases.append(handle)
    handle.execute_sql("INSERT INTO setting (key, value) VALUES ('k', 'v')")
    recorded = rows(handle, "schema_migration")
    schema = handle.execute_sql(
        "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    ).fetchall()
    handle.close()
    for _ in range(3):
        again = open_database(str(dbpath))
        _close_databases.append(again)
        assert rows(again, "schema_migration") == recorded
        assert (
            again.execute_sql("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
            == schema
        )
        assert rows(again, "setting") == [("k", "v")]
        again.close()


def test_newer_schema_is_refused(dbpath, _close_databases):
    handle = open_database(str(dbpath))
    _close_databases.append(handle)
    handle.execute_sql(
        "INSERT INTO schema_migration (version, name, applied_at) VALUES (999, 'future', 0)"
    )
    handle.close()
    with pytest.raises(TallyError) as info:
        open_database(str(dbpath))
    message = str(info.value)
    assert "999" in message
    assert "newer" in message
    assert "upgrade tallytui" in message
    # Nothing was changed by the refusal.
    check = SqliteDatabase(str(dbpath))
    _close_databases.append(check)
    assert current_version(check) == 999


def test_failed_migration_leaves_the_previous_version(dbpath, monkeypatch, _close_databases):
    handle = open_database(str(dbpath))
    _close_databases.append(handle)
    newest = available()[-1].version
    handle.close()
    broken = Migration(
        newest + 1,
        "broken",
        "CREATE TABLE half_done (id {pk});\nINSERT INTO no_such_table VALUES (1);",
    )
    real = store_migrate.available
    monkeypatch.setattr(store_migrate, "available", lambda: [*real(), broken])
    with pytest.raises(TallyError, match="no_such_table"):
        open_database(str(dbpath))
    db.close()
    monkeypatch.setattr(store_migrate, "available", real)
    again = open_database(str(dbpath))
    _close_databases.append(again)
    assert current_version(again) == newest
    assert "half_done" not in again.get_tables()


def test_a_new_migration_is_applied_on_open(dbpath, monkeypatch, _close_databases):
    handle = open_database(str(dbpath))
    _close_databases.append(handle)
    newest = available()[-1].version
    handle.execute_sql("INSERT INTO setting (key, value) VALUES ('k', 'v')")
    handle.close()
    extra = Migration(
        newest + 1, "extra", "-- a comment line\nALTER TABLE setting ADD COLUMN note TEXT;\n"
    )
    real = store_migrate.available
    monkeypatch.setattr(store_migrate, "available", lambda: [*real(), extra])
    upgraded = open_database(str(dbpath))
    _close_databases.append(upgraded)
    assert current_version(upgraded) == newest + 1
    assert rows(upgraded, "setting") == [("k", "v", None)]


def test_opening_a_new_file_waits_for_another_writer(tmp_path, _close_databases):
    """SQLite refuses to switch a file to WAL mode, without waiting, while another
    connection holds the write lock; opening waits for it like any other write."""
    path = tmp_path / "new.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, writer.execute, ("COMMIT",)).start()
    began = time.monotonic()
    handle = open_database(str(path))
    _close_databases.append(handle)
    writer.close()
    assert time.monotonic() - began >= 0.25  # it waited for the commit
    assert handle.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
    assert current_version(handle) == available()[-1].version


@pytest.mark.slow
def test_concurrent_first_opens_migrate_once(tmp_path):
    """Several processes opening the same new database at once: all succeed, each migration
    is recorded once (BEGIN IMMEDIATE serialises them)."""
    path = tmp_path / "shared.db"
    # The empty private file exists already, as _create_private leaves it, so this test is
    # about the migrations only (the file-creation race has its own test above).
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
    start = time.time() + 2.0
    script = textwrap.dedent(
        f"""
        import time
        from tallytui.store.db import open_database
        while time.time() < {start!r}:
            time.sleep(0.001)
        handle = open_database({str(path)!r})
        print(handle.execute_sql("SELECT COUNT(*), MAX(version) FROM schema_migration").fetchone())
        handle.close()
        """
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    results = [proc.communicate(timeout=60) for proc in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    newest = available()[-1].version
    assert {out.strip() for out, _ in results} == {f"({newest}, {newest})"}


# --- models versus the migrated schema ---------------------------------------------------


def _family_of_model(field: peewee.Field) -> str:
    return {
        "AUTO": "integer",
        "BIGAUTO": "integer",
        "INT": "integer",
        "BIGINT": "integer",
        "SMALLINT": "integer",
        "BOOL": "boolean",
        "DATE": "date",
        "TEXT": "text",
        "VARCHAR": "text",
    }.get(field.field_type, field.field_type)


def _family_of_column(declared: str) -> str:
    declared = declared.upper()
    if "INT" in declared:
        return "integer"
    return {"BOOLEAN": "boolean", "DATE": "date", "TEXT": "text"}.get(declared, declared)


def test_every_table_has_a_model(database):
    modelled = {model._meta.table_name for model in ALL_MODELS}
    assert len(modelled) == len(ALL_MODELS)
    assert set(database.get_tables()) - {"schema_migration"} == modelled


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_model_agrees_with_migrated_table(database, model):
    table = model._meta.table_name
    columns = {c.name: c for c in database.get_columns(table)}
    fields = {f.column_name: f for f in model._meta.sorted_fields}
    assert set(fields) == set(columns), f"{table}: columns differ"
    for name, field in fields.items():
        column = columns[name]
        if not column.primary_key:
            # (SQLite reports an INTEGER PRIMARY KEY as nullable; it is not.)
            assert field.null == column.null, f"{table}.{name}: nullability differs"
        assert _family_of_model(field) == _family_of_column(column.data_type), f"{table}.{name}"
    model_pk = model._meta.primary_key
    pk_columns = sorted(c.name for c in columns.values() if c.primary_key)
    if isinstance(model_pk, peewee.CompositeKey):
        assert pk_columns == sorted(model._meta.fields[n].column_name for n in model_pk.field_names)
    else:
        assert pk_columns == [model_pk.column_name]


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_model_foreign_keys_agree_with_table(database, model):
    table = model._meta.table_name
    in_db = {(fk.column, fk.dest_table, fk.dest_column) for fk in database.get_foreign_keys(table)}
    in_model = {
        (f.column_name, f.rel_model._meta.table_name, f.rel_field.column_name)
        for f in model._meta.sorted_fields
        if isinstance(f, ForeignKeyField)
    }
    assert in_model == in_db


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_model_unique_constraints_exist_in_table(database, model):
    table = model._meta.table_name
    unique_sets = {tuple(sorted(ix.columns)) for ix in database.get_indexes(table) if ix.unique}
    for field in model._meta.sorted_fields:
        if field.unique:
            assert (field.column_name,) in unique_sets, f"{table}.{field.column_name}"
    for columns, unique in model._meta.indexes:
        if unique:
            names = tuple(sorted(model._meta.fields[c].column_name for c in columns))
            assert names in unique_sets, f"{table}{names}"


# --- money, quantities, percentages and instants are integers ----------------------------

INTEGER_SUFFIXES = ("_minor", "_bp", "_hundredths", "_utc", "_at")
NO_FLOAT_TYPES = re.compile(r"REAL|FLOA|DOUB|NUMERIC|DECIMAL|MONEY", re.IGNORECASE)


def _populate():
    eur = "EUR"
    logo = Logo.create(
        digest="0" * 64, media_type="image/png", width=2, height=1, data="", created_at=NOW
    )
    org = Organisation.create(
        logo=logo,
        name="Acme",
        code="ACME",
        currency=eur,
        timezone="Europe/Berlin",
        tax_rate_bp=1900,
        rounding="15:up",
        created_at=NOW,
    )
    anna = User.create(name="anna", role="admin", locked_until=date(2026, 1, 4), created_at=NOW)
    client = Client.create(
        name="Globex", currency=eur, payment_terms_days=30, tax_rate_bp=770, created_at=NOW
    )
    project = Project.create(
        name="Web",
        client=client,
        schedule="monthly",
        schedule_anchor=date(2026, 1, 1),
        approver=anna,
        created_at=NOW,
    )
    ProjectRate.create(
        project=project,
        valid_from=None,
        amount_minor=to_minor(parse_amount("95.50", eur), eur),
        created_at=NOW,
    )
    ProjectRate.create(
        project=project,
        valid_from=date(2026, 3, 15),
        amount_minor=to_minor(parse_amount("100", eur), eur),
        created_at=NOW,
    )
    invoice = Invoice.create(
        number="ACME-202601-0001",
        kind="invoice",
        status="ready",
        client=client,
        project=project,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 3, 3),
        currency=eur,
        tax_rate_bp=1900,
        subtotal_minor=10_000,
        tax_minor=1_900,
        total_minor=11_900,
        payment_terms_days=30,
        seller="{}",
        buyer="{}",
        created_by=anna,
        created_at=NOW,
        sent_at=NOW + 60,
        paid_on=date(2026, 2, 10),
        voided_at=NOW + 120,
    )
    line = InvoiceLine.create(
        invoice=invoice,
        position=1,
        description="Web",
        quantity_hundredths=150,
        unit="h",
        unit_price_minor=9550,
        amount_minor=14325,
        line_type="service",
        project=project,
        tax_category="S",
        tax_rate_bp=1900,
    )
    InvoiceTax.create(
        invoice=invoice, category="S", rate_bp=1900, taxable_minor=14325, tax_minor=2722
    )
    TimeEntry.create(
        user=anna,
        project=project,
        start_utc=NOW - 5400,
        end_utc=NOW,
        source="manual",
        approved_by=anna,
        approved_at=NOW,
        invoice_line=line,
        created_at=NOW,
        updated_at=NOW,
    )
    Expense.create(
        project=project,
        user=anna,
        spent_on=date(2026, 1, 2),
        quantity_hundredths=250,
        unit="km",
        unit_price_minor=30,
        amount_minor=75,
        tax_rate_bp=700,
        invoice_line=line,
        created_at=NOW,
    )
    Payment.create(
        invoice=invoice, amount_minor=5_000, paid_on=date(2026, 2, 10), recorded_by=anna,
        recorded_at=NOW,
    )  # fmt: skip
    NumberCounter.create(organisation=org, period="202601", last_number=1)
    TimesheetEvent.create(user=anna, action="lock", until=date(2026, 1, 4), actor=anna, at=NOW)
    Heartbeat.create(
        user=anna, at=NOW, source="url", target="https://github.com/acme", project=project
    )
    BrowserCursor.create(browser="firefox", profile="default", last_visit_utc=NOW)
    RunningTimer.create(user=anna, project=project, start_utc=NOW, created_at=NOW)
    Outbox.create(
        invoice=invoice,
        kind="send",
        message_id="<1@acme.test>",
        recipients='{"to": ["ap@globex.test"], "cc": []}',
        subject="Invoice",
        state="sent",
        created_by=anna,
        created_at=NOW,
        finished_at=NOW,
    )


def test_integer_columns_hold_integers(database):
    _populate()
    checked = []
    for table in database.get_tables():
        for column in database.get_columns(table):
            if not column.name.endswith(INTEGER_SUFFIXES):
                continue
            types = {
                row[0]
                for row in database.execute_sql(
                    f"SELECT typeof({column.name}) FROM {table}"
                ).fetchall()
            }
            if table == "schema_migration":
                continue
            assert types, f"{table} has no rows to check"
            assert types == {"integer"}, f"{table}.{column.name}: {types}"
            checked.append(f"{table}.{column.name}")
    for expected in (
        "organisation.tax_rate_bp",
        "client.tax_rate_bp",
        "project_rate.amount_minor",
        "expense.amount_minor",
        "expense.unit_price_minor",
        "expense.quantity_hundredths",
        "invoice.total_minor",
        "invoice.subtotal_minor",
        "invoice.tax_minor",
        "invoice_line.quantity_hundredths",
        "time_entry.start_utc",
        "time_entry.end_utc",
        "browser_cursor.last_visit_utc",
    ):
        assert expected in checked
    assert database.execute_sql("SELECT amount_minor FROM project_rate ORDER BY id").fetchall() == [
        (9550,),
        (10000,),
    ]


def test_dates_and_booleans_are_stored_plainly(database):
    _populate()
    assert database.execute_sql(
        "SELECT typeof(spent_on), spent_on, typeof(billable), billable FROM expense"
    ).fetchone() == ("text", "2026-01-02", "integer", 1)
    assert database.execute_sql("SELECT valid_from FROM project_rate ORDER BY id").fetchall() == [
        (None,),
        ("2026-03-15",),
    ]
    rate = ProjectRate.get(ProjectRate.valid_from == date(2026, 3, 15))
    assert rate.valid_from == date(2026, 3, 15)
    assert type(rate.amount_minor) is int


def test_no_column_is_declared_as_a_float_type(database):
    offenders = []
    for table in database.get_tables():
        for row in database.execute_sql(f"PRAGMA table_info({table})").fetchall():
            name, declared = row[1], row[2]
            if NO_FLOAT_TYPES.search(declared):
                offenders.append(f"{table}.{name} {declared}")
            if name.endswith(INTEGER_SUFFIXES):
                assert "INT" in declared.upper(), f"{table}.{name} is {declared}"
    assert offenders == []


def test_schema_checks_guard_the_rules(database):
    _populate()
    anna = User.get()
    project = Project.get()
    with pytest.raises(peewee.IntegrityError):
        TimeEntry.create(
            user=anna,
            project=project,
            start_utc=NOW,
            end_utc=NOW,
            source="manual",
            created_at=NOW,
            updated_at=NOW,
        )
    with pytest.raises(peewee.IntegrityError):
        ProjectRate.create(project=project, amount_minor=-1, created_at=NOW)
    with pytest.raises(peewee.IntegrityError):
        NumberCounter.create(organisation=Organisation.get(), period="202602", last_number=10_000)
    with pytest.raises(peewee.IntegrityError):
        NumberCounter.create(organisation=Organisation.get(), period="202601", last_number=2)


def test_module_handles(database):
    # open_database binds the proxy used by every model (sanity check of the fixture setup).
    assert store_db.is_sqlite()
    assert all(model._meta.database is db for model in ALL_MODELS)


def test_upgrade_to_structured_parties_keeps_the_free_text_addresses(dbpath, _close_databases):
    """0006 adds the parts of an address; the text typed before stays, and is what an
    invoice prints, until the parts are filled."""
    from tallytui.services import clients, org

    old = open_database(str(dbpath), upgrade=False)
    _close_databases.append(old)
    migrate(old, target=5)
    _insert_v1_rows(old)
    old.execute_sql("UPDATE organisation SET address = 'Hauptstr. 1\n10115 Berlin'")
    old.execute_sql("UPDATE client SET address = '1 Main St\nSpringfield', vat_id = 'US-1'")
    old.close()

    new = open_database(str(dbpath))
    _close_databases.append(new)
    [globex] = clients.list_all()
    assert (globex.address, globex.vat_id) == ("1 Main St\nSpringfield", "US-1")
    assert (globex.street, globex.city, globex.country, globex.einvoice) == ("", "", "", "none")
    seller = org.current()
    assert seller.address == "Hauptstr. 1\n10115 Berlin" and seller.street == ""
