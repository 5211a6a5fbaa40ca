"""Importing a 100,000-row generic CSV in-process, on a fresh copy of one database per
run; the floor is inserting the same rows (fingerprints included) with plain ``sqlite3``
``executemany`` in one transaction, on another copy, in the same run.

Five people's time over two years, so the rows cross midnight and both DST changes. The
peak of Python's own allocations during one more (untimed) import is printed too: the
file is streamed, so it stays far below the file's size.

The same rows as a Kimai XLSX export are imported too, against an absolute target: reading
a workbook costs more than a CSV. The workbook carries its dimension, as Kimai's do
(openpyxl's write-only mode leaves it out, and without one openpyxl reads the whole sheet
twice); its text cells are inline strings, which openpyxl reads more slowly than the
shared strings Kimai writes, so the figure errs on the slow side. Kimai
writes wall-clock times only, so the few rows in the hour the clocks repeat are left out
(two of them would read the same).
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .core import Measurement, group

ROWS = 100_000
PEOPLE = ("anna", "ben", "carla", "david", "elif")
MAX_RATIO = 10
MAX_XLSX_MS = 15_000
NOW = "2026-11-20T10:00:00+01:00"
TZ = "Europe/Berlin"
_DESCRIPTIONS = ("Code review", 'Call with "Globex", notes', "Deploy; night", "Müller & Söhne")


def _plan(rows: int = ROWS) -> list[tuple[str, datetime, datetime, str]]:
    """(person, local start, local end, description): 50 minutes of every hour, around the
    clock, each person a minute after the previous one."""
    zone, utc = ZoneInfo(TZ), ZoneInfo("UTC")
    per_person = rows // len(PEOPLE)
    plan = []
    for n, person in enumerate(PEOPLE):
        start = datetime(2025, 1, 1, 7, n, tzinfo=utc)
        for i in range(per_person):
            begin = start + timedelta(hours=i)
            first, last = begin.astimezone(zone), (begin + timedelta(minutes=50)).astimezone(zone)
            plan.append((person, first, last, f"{_DESCRIPTIONS[i % 4]} {i}"))
    return plan


def _utc(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_csv(path: Path, plan) -> None:
    """The rows as ``tally export entries`` writes them (UTC columns settle DST hours)."""
    header = ["date", "start", "end", "end_date", "project", "client", "description"]
    header += ["billable", "user", "start_utc", "end_utc"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for person, first, last, text in plan:
            same_day = last.date() == first.date() and last.time() >= first.time()
            writer.writerow(
                [
                    first.date().isoformat(),
                    first.strftime("%H:%M:%S"),
                    last.strftime("%H:%M:%S"),
                    "" if same_day else last.date().isoformat(),
                    "Web",
                    "Client",
                    text,
                    "yes",
                    person,
                    _utc(first),
                    _utc(last),
                ]
            )


def _write_kimai_xlsx(path: Path, plan) -> int:
    """The rows as Kimai's Excel export holds them; the number of rows written."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append(["Date", "From", "To", "Duration", "Customer", "Project", "Activity"]
                 + ["Description", "User", "Billable"])  # fmt: skip
    written = 0
    for person, first, last, text in plan:
        if _repeated(first) or _repeated(last):
            continue
        hours = round((last - first).total_seconds() / 3600, 4)
        sheet.append(
            [first.date(), first.time().replace(tzinfo=None), last.time().replace(tzinfo=None),
             hours, "Client", "Web", "Work", text, person, True]
        )  # fmt: skip
        written += 1
    book.save(path)
    return written


def _repeated(moment: datetime) -> bool:
    """Whether the wall-clock reading of ``moment`` happens twice (the hour clocks repeat)."""
    naive = moment.replace(tzinfo=None)
    zone = moment.tzinfo
    return (
        naive.replace(tzinfo=zone, fold=0).utcoffset()
        != naive.replace(tzinfo=zone, fold=1).utcoffset()
    )


def _template(folder: Path) -> Path:
    os.environ["TALLY_NOW"] = NOW
    from tallytui.services import clients, org, projects, users
    from tallytui.store.db import open_database

    path = folder / "template.db"
    database = open_database(str(path))
    org.init(org.OrgSettings(name="Bench", code="BENCH", timezone=TZ), admin="anna")
    for person in PEOPLE[1:]:
        users.add("anna", person)
    clients.add("anna", clients.ClientChanges(name="Client"))
    projects.add("anna", projects.ProjectChanges(name="Web", client="Client"))
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


def _floor_rows(template: Path, plan) -> list[tuple]:
    from tallytui.services.importing import fingerprint

    with closing(sqlite3.connect(template)) as conn:
        ids = dict(conn.execute("SELECT name, id FROM app_user"))
        (project,) = conn.execute("SELECT id FROM project").fetchone()
    rows = []
    for person, first, last, text in plan:
        start, end = int(first.timestamp()), int(last.timestamp())
        key = fingerprint(person, start, end, "Web", text)
        rows.append((ids[person], project, start, end, text, True, "import", key, 0, 0))
    return rows


def _floor_ms(template: Path, folder: Path, rows: list[tuple]) -> float:
    copy = folder / "floor.db"
    shutil.copyfile(template, copy)
    with closing(sqlite3.connect(copy)) as conn:
        conn.execute("PRAGMA synchronous = NORMAL")
        started = time.perf_counter()
        with conn:
            conn.executemany(
                "INSERT INTO time_entry (user_id, project_id, start_utc, end_utc, description, "
                "billable, source, fingerprint, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        elapsed = (time.perf_counter() - started) * 1000
    copy.unlink()
    return elapsed


def _import(
    template: Path,
    folder: Path,
    source: Path,
    *,
    traced: bool = False,
    fmt: str = "generic",
    rows: int = ROWS,
) -> float:
    """Milliseconds of one import (or, ``traced``, the peak of Python allocations in MB)."""
    from tallytui.services import importing
    from tallytui.store.db import open_database

    copy = folder / "run.db"
    shutil.copyfile(template, copy)
    database = open_database(str(copy))
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    result = importing.run("anna", importing.ImportRequest(str(source), fmt))
    elapsed = (time.perf_counter() - started) * 1000
    if traced:
        elapsed = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    database.close()
    if result.errors or result.imported != rows:
        raise RuntimeError(f"the import failed: {result.imported} rows, {result.errors[:3]}")
    copy.unlink()
    return elapsed


@group("import")
def import_csv(runs: int) -> list[Measurement]:
    """Import of a 100,000-row generic CSV against plain sqlite3 executemany of its rows."""
    with tempfile.TemporaryDirectory(prefix="tally-import-bench-") as name:
        folder = Path(name)
        plan = _plan()
        source = folder / "entries.csv"
        _write_csv(source, plan)
        template = _template(folder)
        rows = _floor_rows(template, plan)
        floors, imports = [], []
        for _ in range(runs):
            floors.append(_floor_ms(template, folder, rows))
            imports.append(_import(template, folder, source))
        peak = _import(template, folder, source, traced=True)
        size = source.stat().st_size / 2**20
        workbook = folder / "kimai.xlsx"
        kimai_rows = _write_kimai_xlsx(workbook, plan)
        kimai = [
            _import(template, folder, workbook, fmt="kimai", rows=kimai_rows) for _ in range(runs)
        ]
        kimai_peak = _import(template, folder, workbook, traced=True, fmt="kimai", rows=kimai_rows)
        kimai_size = workbook.stat().st_size / 2**20
    print(f"  import: peak Python memory {peak:.1f} MB while reading a {size:.1f} MB file")
    print(
        f"  import: peak Python memory {kimai_peak:.1f} MB while reading a {kimai_size:.1f} MB "
        f"Kimai XLSX of {kimai_rows:,} rows"
    )
    return [
        Measurement(
            f"import {ROWS:,}-row generic CSV (floor: sqlite3 executemany)",
            statistics.median(imports),
            statistics.median(floors),
            max_ratio=MAX_RATIO,
        ),
        Measurement(
            f"import {kimai_rows:,}-row Kimai XLSX",
            statistics.median(kimai),
            max_ms=MAX_XLSX_MS,
        ),
    ]
