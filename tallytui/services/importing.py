"""Importing time from other tools; the whole file is one transaction.

The file is read once, as a stream, without the write lock: each row's person and project
are resolved by name and the row is staged in a temporary table. Then, under the write
lock, missing clients and projects are created if asked (projects the file gives no
client go under ``client``), and SQL finds what no single row
shows: entries imported before (skipped as duplicates), days a timesheet lock covers, and
overlaps with existing time or within the file. Any problem, or a dry run, rolls it all
back, so a refused import changes nothing. Rows of no length bill nothing: they are
skipped and counted rather than refusing the file. Memory stays bounded: rows live in the staging
table, and at most ``MAX_ERRORS`` problems are kept (the rest are counted).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..domain.errors import TallyError
from ..domain.localtime import day_end, local_date, local_datetime
from ..importers import Problem, Reader, ReadOptions, Row, open_reader
from ..importers.records import FileProblem
from ..store.db import write_transaction
from ..store.models import Client, Project, User, db
from . import clients, lookup, permissions, projects
from .clock import now_utc

MAX_ERRORS = 1000
BATCH = 5000
PREVIEW_ROWS = 10

Progress = Callable[[int, int], None]
"""Called with (bytes read, file size) as the file is read, and (size, size) at the end."""


@dataclass(frozen=True)
class ImportRequest:
    path: str
    format: str = "auto"
    dry_run: bool = False
    create_missing: bool = False
    date_format: str | None = None
    user: str | None = None  # all rows are this person's time; None: the file says whose
    client: str | None = None  # the client of projects the file names without one


@dataclass(frozen=True)
class ProjectTotal:
    client: str
    project: str
    entries: int
    seconds: int


@dataclass(frozen=True)
class PreviewRow:
    line: int
    day: date
    start: str  # local HH:MM
    end: str  # local HH:MM, or MM-DD HH:MM on a later day
    seconds: int
    user: str
    project: str
    client: str
    description: str
    billable: bool


@dataclass(frozen=True)
class ImportResult:
    path: str
    format: str
    dry_run: bool
    rows: int = 0
    imported: int = 0  # in a dry run: what would be imported
    skipped_duplicates: int = 0
    skipped_empty: int = 0  # rows of no length: they bill nothing
    created_clients: tuple[str, ...] = ()
    created_projects: tuple[str, ...] = ()
    totals: tuple[ProjectTotal, ...] = ()
    first_rows: tuple[PreviewRow, ...] = ()
    errors: tuple[Problem, ...] = ()
    more_errors: int = 0  # problems found beyond the ones listed

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Errors:
    """Problems in file order, at most MAX_ERRORS of them; the rest are only counted.
    Problems that repeat for every row of one name (an unknown project) are kept once,
    at their first row, with the number of rows."""

    found: list[Problem] = field(default_factory=list)
    total: int = 0
    once: dict[tuple[str, str], list] = field(default_factory=dict)

    def add(self, line: int, column: int, message: str) -> None:
        self.total += 1
        if len(self.found) < MAX_ERRORS:
            self.found.append(Problem(line, column, message))

    def count(self, extra: int) -> None:
        self.total += extra

    def add_once(self, key: tuple[str, str], where: tuple[int, int], message: str) -> None:
        if key in self.once:
            self.once[key][2] += 1
        else:
            self.once[key] = [where, message, 1]

    def listed(self) -> tuple[tuple[Problem, ...], int]:
        for (line, column), message, rows in self.once.values():
            self.add(line, column, message + (f" ({rows} rows)" if rows > 1 else ""))
        self.once.clear()
        found = sorted(self.found, key=lambda p: (p.line, p.column))
        return tuple(found), self.total - len(found)

    def __bool__(self) -> bool:
        return bool(self.total or self.once)


@dataclass(frozen=True)
class _Project:
    id: int
    name: str
    client: str
    billable: bool
    archived: bool


def _casefold_index(names) -> dict[str, str]:
    """Lower-cased name → name, for names no other name equals case-insensitively."""
    index: dict[str, str | None] = {}
    for name in names:
        key = name.casefold()
        index[key] = None if key in index else name
    return {k: v for k, v in index.items() if v is not None}


def fingerprint(user: str, start: int, end: int, project: str, description: str) -> str:
    """What makes an imported entry the same entry when the file is imported again."""
    text = "\x1f".join((user, str(start), str(end), project, description))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


_STAGE = """
CREATE TEMPORARY TABLE import_stage (
    line BIGINT NOT NULL,
    col INTEGER NOT NULL,
    day_col INTEGER NOT NULL,
    user_id BIGINT NOT NULL,
    project_id BIGINT NOT NULL,
    start_utc BIGINT NOT NULL,
    end_utc BIGINT NOT NULL,
    description TEXT NOT NULL,
    billable BOOLEAN NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    duplicate INTEGER NOT NULL DEFAULT 0
)"""


def _sql(text: str) -> str:
    """``?`` placeholders in the driver's style (``%s`` for PostgreSQL)."""
    return text.replace("?", db.obj.param)


class _Import:
    """One run of an import: the reading phase, then the checking and writing phase."""

    def __init__(self, actor: str, request: ImportRequest, progress: Progress | None) -> None:
        self.actor = actor
        self.request = request
        self.progress = progress or (lambda done, total: None)
        self.errors = _Errors()
        self.rows = 0
        self.duplicates = 0
        self.empty = 0
        self.preview: list[PreviewRow] = []
        self.missing: dict[str, list] = {}  # project name → [placeholder id, client name]
        self.new_clients: dict[str, str] = {}  # folded name → name
        self.batch: list[tuple] = []
        self.permitted: dict[int, bool] = {}

    # Reading ---------------------------------------------------------------------------

    def load_names(self) -> None:
        org = lookup.organisation()
        self.tz = org.timezone
        self.acting = lookup.user(self.actor)
        users = list(User.select())
        self.users = {u.name.casefold(): u for u in users}
        self.user_names = sorted(u.name for u in users)
        self.fixed = lookup.user(self.request.user) if self.request.user else None
        rows = Project.select(Project, Client).join(Client)
        self.projects = {
            p.name: _Project(p.id, p.name, p.client.name, p.billable, p.archived) for p in rows
        }
        self.project_folded = _casefold_index(self.projects)
        self.clients = _casefold_index(name for (name,) in Client.select(Client.name).tuples())

    def read(self, reader: Reader) -> None:
        last_bad = 0
        for item in reader:
            if isinstance(item, Problem):
                self.errors.add(item.line, item.column, item.message)
                if item.line != last_bad:
                    self.rows += 1
                    last_bad = item.line
                continue
            self.rows += 1
            if item.empty:
                self.empty += 1
                continue
            self.stage(item)
            if len(self.batch) >= BATCH:
                self.flush()
                self.progress(reader.position, reader.size)
        self.flush()
        self.progress(reader.position, reader.size)

    def owner(self, row: Row) -> User | None:
        if self.fixed is not None:
            owner = self.fixed
        elif not row.user:
            owner = self.acting
        else:
            owner = next(
                (self.users[n.casefold()] for n in row.user if n.casefold() in self.users), None
            )
            if owner is None:
                known = ", ".join(self.user_names[:8])
                self.errors.add_once(
                    ("user", row.user[0]),
                    row.at("user"),
                    f"unknown user {row.user[0]!r} (known: {known}); add them with "
                    "`tally user add NAME`, or import everything as one person with --user",
                )
                return None
        if owner.id not in self.permitted:
            try:
                permissions.require(self.acting, "entry.write", owner=owner)
                self.permitted[owner.id] = True
            except TallyError as exc:
                self.permitted[owner.id] = False
                self.errors.add(*row.at("user"), str(exc))
        return owner if self.permitted[owner.id] else None

    def project_named(self, name: str) -> _Project | None:
        found = self.projects.get(name)
        if found is None and name.casefold() in self.project_folded:
            found = self.projects[self.project_folded[name.casefold()]]
        return found

    def project(self, row: Row) -> tuple[int, str, str, bool] | None:
        """(id, project, client, billable by default) for the row; missing projects get a
        negative id until they are created."""
        name = row.project
        if row.tags:
            name = next((t for t in row.tags if self.project_named(t)), "")
            if not name:
                self.errors.add_once(
                    ("tags", ",".join(row.tags)),
                    row.at("project"),
                    f"no tag names a project (tags: {', '.join(row.tags)}); add the project "
                    "or tag the intervals with a project's name",
                )
                return None
        elif not name:
            self.errors.add(*row.at("project"), "no project; every entry needs one")
            return None
        found = self.project_named(name)
        if found is not None:
            if found.archived:
                self.errors.add_once(
                    ("archived", found.name),
                    row.at("project"),
                    f"project {found.name!r} is archived",
                )
                return None
            if row.client and row.client.casefold() != found.client.casefold():
                self.errors.add_once(
                    ("client", f"{found.name}\x1f{row.client}"),
                    row.at("client"),
                    f"project {found.name!r} belongs to client {found.client!r}, "
                    f"not {row.client!r}",
                )
                return None
            return found.id, found.name, found.client, found.billable
        return self.missing_project(row, name)

    def missing_project(self, row: Row, name: str) -> tuple[int, str, str, bool] | None:
        named = row.client or self.request.client or ""
        if not self.request.create_missing:
            client = f" of client {named!r}" if named else ""
            self.errors.add_once(
                ("project", name),
                row.at("project"),
                f"unknown project {name!r}{client}; add it first, or give --create-missing",
            )
            return None
        if not named:
            self.errors.add_once(
                ("project", name),
                row.at("client"),
                f"unknown project {name!r} has no client in the file; give --client NAME to "
                "put projects without one under that client",
            )
            return None
        client = self.clients.get(named.casefold()) or self.new_clients.setdefault(
            named.casefold(), named
        )
        known = self.missing.setdefault(name.casefold(), [-1 - len(self.missing), name, client])
        if known[2] != client:
            self.errors.add_once(
                ("client", f"{name}\x1f{named}"),
                row.at("client"),
                f"project {name!r} appears under clients {known[2]!r} and {named!r}",
            )
            return None
        return known[0], known[1], client, True

    def stage(self, row: Row) -> None:
        owner = self.owner(row)
        project = self.project(row)
        if owner is None or project is None:
            return
        project_id, project_name, client, billable = project
        description = row.description
        if row.tags and not description:
            others = (t for t in row.tags if t.casefold() != project_name.casefold())
            description = ", ".join(others)
        if row.billable is not None:
            billable = row.billable
        line, column = row.at("start")
        day_column = row.at("date")[1]
        key = fingerprint(owner.name, row.start_utc, row.end_utc, project_name, description)
        self.batch.append(
            (
                line,
                column,
                day_column,
                owner.id,
                project_id,
                row.start_utc,
                row.end_utc,
                description,
                billable,
                key,
            )
        )
        if len(self.preview) < PREVIEW_ROWS:
            start = local_datetime(row.start_utc, self.tz)
            end = local_datetime(row.end_utc, self.tz)
            self.preview.append(
                PreviewRow(
                    line,
                    start.date(),
                    start.strftime("%H:%M"),
                    end.strftime("%H:%M" if end.date() == start.date() else "%m-%d %H:%M"),
                    row.end_utc - row.start_utc,
                    owner.name,
                    project_name,
                    client,
                    description,
                    billable,
                )
            )

    def flush(self) -> None:
        if not self.batch:
            return
        cursor = db.cursor()
        cursor.executemany(
            _sql(
                "INSERT INTO import_stage (line, col, day_col, user_id, project_id, start_utc, "
                "end_utc, description, billable, fingerprint) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (fingerprint) DO NOTHING"
            ),
            self.batch,
        )
        self.duplicates += len(self.batch) - cursor.rowcount
        self.batch = []

    # Checking and writing ----------------------------------------------------------------

    def create_missing(self) -> dict[int, int]:
        """Create the missing clients and projects; placeholder id → new id. Nothing is
        created in a dry run, or when the import is refused anyway."""
        created: dict[int, int] = {}
        try:
            permissions.require(self.acting, "catalog.write")
        except TallyError as exc:
            self.errors.add(1, 1, f"--create-missing: {exc}")
            return created
        if self.request.dry_run or self.errors:
            return created
        for name in self.new_clients.values():
            try:
                clients.add(self.actor, clients.ClientChanges(name=name))
            except TallyError as exc:
                self.errors.add(1, 1, f"client {name!r}: {exc}")
        for placeholder, name, client in self.missing.values():
            try:
                projects.add(self.actor, projects.ProjectChanges(name=name, client=client))
            except TallyError as exc:
                self.errors.add(1, 1, f"project {name!r}: {exc}")
                continue
            created[placeholder] = Project.get(Project.name == name).id
        for placeholder, real in created.items():
            db.execute_sql(
                _sql("UPDATE import_stage SET project_id = ? WHERE project_id = ?"),
                (real, placeholder),
            )
        return created

    def check_locks(self, owners: dict[int, User]) -> None:
        for owner in owners.values():
            if owner.locked_until is None:
                continue
            after = day_end(owner.locked_until, self.tz)
            cursor = db.execute_sql(
                _sql(
                    "SELECT line, day_col, start_utc FROM import_stage WHERE user_id = ? "
                    "AND duplicate = 0 AND start_utc < ? ORDER BY line"
                ),
                (owner.id, after),
            )
            for line, column, start in cursor:
                day = local_date(start, self.tz).isoformat()
                self.errors.add(
                    line,
                    column,
                    f"cannot import time on {day}: {owner.name}'s timesheet is locked until "
                    f"{owner.locked_until.isoformat()}",
                )

    def _span(self, start: int, end: int) -> str:
        begin = local_datetime(start, self.tz)
        return f"{begin:%Y-%m-%d %H:%M}–{local_datetime(end, self.tz):%H:%M}"

    def check_overlaps(self, owners: dict[int, User]) -> None:
        existing = db.execute_sql(
            """
            SELECT s.line, s.col, s.user_id, e.id, e.start_utc, e.end_utc, p.name
            FROM import_stage s
            JOIN time_entry e ON e.id = (
                SELECT t.id FROM time_entry t
                WHERE t.user_id = s.user_id AND t.start_utc < s.end_utc
                ORDER BY t.start_utc DESC LIMIT 1)
            JOIN project p ON p.id = e.project_id
            WHERE s.duplicate = 0 AND e.end_utc > s.start_utc
            ORDER BY s.line
            """
        )
        for line, column, user_id, entry_id, start, end, project in existing:
            self.errors.add(
                line,
                column,
                f"overlaps {owners[user_id].name}'s entry {entry_id} ({project}, "
                f"{self._span(start, end)}); trim or delete it first",
            )
        within = db.execute_sql(
            """
            SELECT line, col, user_id, start_utc, end_utc FROM (
                SELECT line, col, user_id, start_utc, end_utc,
                       MAX(end_utc) OVER (
                           PARTITION BY user_id ORDER BY start_utc, line
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
                FROM import_stage WHERE duplicate = 0
            ) AS ordered
            WHERE start_utc < reach
            ORDER BY line
            """
        ).fetchall()
        self.errors.count(max(0, len(within) - MAX_ERRORS))
        for line, column, user_id, start, end in within[:MAX_ERRORS]:
            (other,) = db.execute_sql(
                _sql(
                    "SELECT line FROM import_stage WHERE user_id = ? AND duplicate = 0 "
                    "AND line <> ? AND start_utc < ? AND end_utc > ? ORDER BY start_utc, line"
                ),
                (user_id, line, end, start),
            ).fetchone()
            self.errors.add(
                line,
                column,
                f"overlaps line {other} ({owners[user_id].name}, {self._span(start, end)})",
            )

    def totals(self, created: dict[int, int]) -> tuple[ProjectTotal, ...]:
        names = {p.id: (p.client, p.name) for p in self.projects.values()}
        for placeholder, name, client in self.missing.values():
            names[created.get(placeholder, placeholder)] = (client, name)
        rows = db.execute_sql(
            "SELECT project_id, COUNT(*), SUM(end_utc - start_utc) FROM import_stage "
            "WHERE duplicate = 0 GROUP BY project_id"
        )
        found = [ProjectTotal(*names[pid], count, int(seconds)) for pid, count, seconds in rows]
        return tuple(sorted(found, key=lambda t: (t.client, t.project)))

    def check_and_write(self, txn) -> tuple[tuple[ProjectTotal, ...], int]:
        """(totals, entries imported); rolls back on any problem and in a dry run."""
        self.acting = lookup.user(self.actor)
        created = self.create_missing() if self.missing else {}
        db.execute_sql("CREATE INDEX import_stage_user ON import_stage (user_id, start_utc)")
        db.execute_sql(
            "UPDATE import_stage SET duplicate = 1 WHERE EXISTS (SELECT 1 FROM time_entry t "
            "WHERE t.fingerprint = import_stage.fingerprint)"
        )
        self.duplicates += db.execute_sql(
            "SELECT COUNT(*) FROM import_stage WHERE duplicate = 1"
        ).fetchone()[0]
        ids = [u for (u,) in db.execute_sql("SELECT DISTINCT user_id FROM import_stage")]
        owners = lookup.hold_users(ids, share=True)
        self.check_locks(owners)
        self.check_overlaps(owners)
        totals = self.totals(created)
        if self.errors or self.request.dry_run:
            txn.rollback()
            return totals, 0 if self.errors else sum(t.entries for t in totals)
        now = now_utc()
        imported = db.execute_sql(
            _sql(
                "INSERT INTO time_entry (user_id, project_id, start_utc, end_utc, description, "
                "billable, source, fingerprint, created_at, updated_at) "
                "SELECT user_id, project_id, start_utc, end_utc, description, billable, "
                "'import', fingerprint, ?, ? FROM import_stage WHERE duplicate = 0 ORDER BY line"
            ),
            (now, now),
        ).rowcount
        return totals, imported

    def run(self) -> ImportResult:
        request = self.request
        with db.atomic():
            self.load_names()
        try:
            reader = open_reader(
                request.path, request.format, ReadOptions(self.tz, request.date_format)
            )
        except FileProblem as exc:
            return ImportResult(
                request.path, request.format, request.dry_run, errors=(exc.problem,)
            )
        except OSError as exc:
            problem = Problem(1, 1, f"cannot read the file: {exc.strerror or exc}")
            return ImportResult(request.path, request.format, request.dry_run, errors=(problem,))
        try:
            db.execute_sql("DROP TABLE IF EXISTS import_stage")
            with db.atomic():
                db.execute_sql(_STAGE)
                self.read(reader)
            with db.atomic() if request.dry_run else write_transaction() as txn:
                totals, imported = self.check_and_write(txn)
        finally:
            reader.close()
            db.execute_sql("DROP TABLE IF EXISTS import_stage")
        self.progress(reader.size, reader.size)
        errors, more = self.errors.listed()
        created = not errors or request.dry_run
        return ImportResult(
            path=request.path,
            format=reader.name,
            dry_run=request.dry_run,
            rows=self.rows,
            imported=imported,
            skipped_duplicates=self.duplicates,
            skipped_empty=self.empty,
            created_clients=tuple(self.new_clients.values()) if created else (),
            created_projects=tuple(m[1] for m in self.missing.values()) if created else (),
            totals=totals,
            first_rows=tuple(self.preview),
            errors=errors,
            more_errors=more,
        )


def run(actor: str, request: ImportRequest, progress: Progress | None = None) -> ImportResult:
    """Import (or with ``dry_run`` only check) the file in ``request`` as ``actor``.

    The result lists every problem found (up to MAX_ERRORS, with a count of the rest);
    when there is any, nothing was written.
    """
    return _Import(actor, request, progress).run()
