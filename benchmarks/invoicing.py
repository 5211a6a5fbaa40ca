"""Creating an invoice over 10,000 entries, in-process after imports, on a fresh copy of one
database per run; the floor is the bare SQL an invoice implies (read the entries, mark them,
record what the line bills) done with plain sqlite3 on the same data."""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from .core import Measurement, group

ENTRIES = 10_000
MAX_MS = 1000
NOW = "2026-11-20T10:00:00+01:00"


def _template(folder: Path) -> Path:
    """A database with one project and ENTRIES locked, billable entries in 2026."""
    os.environ["TALLY_NOW"] = NOW
    from tallytui.domain.localtime import parse_instant
    from tallytui.services import clients, org, projects, timesheets
    from tallytui.store.bulk import insert_rows
    from tallytui.store.db import open_database
    from tallytui.store.models import Project, TimeEntry, User, db

    path = folder / "template.db"
    database = open_database(str(path))
    org.init(org.OrgSettings(name="Bench", code="BENCH"), admin="anna")
    clients.add("anna", clients.ClientChanges(name="Client", address="Street 1"))
    projects.add("anna", projects.ProjectChanges(name="Web", client="Client", rate=Decimal("95")))
    start = parse_instant("2026-01-01 08:00", "Europe/Berlin")
    project, user = Project.get(), User.get()
    rows = [
        (
            user.id,
            project.id,
            start + i * 1800,
            start + i * 1800 + 1200,
            f"task {i}",
            True,
            "manual",
            0,
            0,
        )
        for i in range(ENTRIES)
    ]
    fields = [
        TimeEntry.user,
        TimeEntry.project,
        TimeEntry.start_utc,
        TimeEntry.end_utc,
        TimeEntry.description,
        TimeEntry.billable,
        TimeEntry.source,
        TimeEntry.created_at,
        TimeEntry.updated_at,
    ]
    with db.atomic():
        insert_rows(fields, rows)
    timesheets.lock("anna", date(2026, 11, 1))
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


def _create_ms(template: Path, folder: Path, grouping: str) -> float:
    from tallytui.services import invoices
    from tallytui.store.db import open_database

    copy = folder / f"run-{grouping}.db"
    shutil.copyfile(template, copy)
    database = open_database(str(copy))
    request = invoices.InvoiceRequest(
        project="Web", first=date(2026, 1, 1), last=date(2026, 10, 31), grouping=grouping
    )
    started = time.perf_counter()
    view = invoices.create("anna", request)
    elapsed = (time.perf_counter() - started) * 1000
    database.close()
    billed = sum(len(line.entries) for line in view.lines)
    if billed != ENTRIES:
        raise RuntimeError(f"the invoice billed {billed} entries, not {ENTRIES}")
    copy.unlink()
    return elapsed


def _floor_ms(template: Path, folder: Path) -> float:
    copy = folder / "run-floor.db"
    shutil.copyfile(template, copy)
    connection = sqlite3.connect(copy)
    started = time.perf_counter()
    with connection:
        ids = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM time_entry WHERE billable AND invoice_line_id IS NULL"
            )
        ]
        connection.executemany(
            "UPDATE time_entry SET invoice_line_id = 1 WHERE id = ?", [(i,) for i in ids]
        )
        connection.executemany(
            "INSERT INTO billed_entry (line_id, entry_id) VALUES (1, ?)", [(i,) for i in ids]
        )
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    copy.unlink()
    return elapsed


@group("invoice-create")
def invoice_create(runs: int) -> list[Measurement]:
    """One invoice over 10,000 locked entries, grouped by project and one line per entry."""
    with tempfile.TemporaryDirectory(prefix="tally-bench-") as name:
        folder = Path(name)
        template = _template(folder)
        floor = statistics.median(_floor_ms(template, folder) for _ in range(runs))
        return [
            Measurement(
                f"invoice create, {ENTRIES:,} entries, --group {grouping}",
                statistics.median(_create_ms(template, folder, grouping) for _ in range(runs)),
                floor,
                max_ms=MAX_MS,
            )
            for grouping in ("project", "detailed")
        ]
