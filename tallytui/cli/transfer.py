"""``tally import`` and ``tally export``: history from other tools in, entries and invoices
out for accountants and scripts."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ..importers import FORMATS
from ..importers.values import DATE_FORMATS
from .app import emit_json, settings, table
from .json_stream import write_json_array


class _Bar:
    """A progress bar on stderr, fed by the import service's progress callback."""

    def __init__(self) -> None:
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label="importing", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _import_json(result) -> dict:
    from .output import hours

    return {
        "format": result.format,
        "dry_run": result.dry_run,
        "rows": result.rows,
        "imported": result.imported,
        "skipped_duplicates": result.skipped_duplicates,
        "skipped_empty": result.skipped_empty,
        "created": {
            "clients": list(result.created_clients),
            "projects": list(result.created_projects),
        },
        "totals": [
            {
                "client": t.client,
                "project": t.project,
                "entries": t.entries,
                "hours": hours(t.seconds),
            }
            for t in result.totals
        ],
        "errors": [
            {"line": e.line, "column": e.column, "message": e.message} for e in result.errors
        ],
        "more_errors": result.more_errors,
    }


def _summary(result, file: str) -> str:
    from .output import hours

    if result.dry_run:
        did, made = "would import", "would create"
    else:
        did, made = "imported", "created"
    lines = [
        f"{file}: {result.format}, {result.rows} rows",
        f"{did} {result.imported} entries, skipped {result.skipped_duplicates} duplicates"
        f"{' (dry run: nothing written)' if result.dry_run else ''}",
    ]
    if result.skipped_empty:
        rows = "1 row" if result.skipped_empty == 1 else f"{result.skipped_empty} rows"
        lines.append(f"skipped {rows} of no length (they bill nothing)")
    if result.created_clients:
        lines.append(f"{made} clients: {', '.join(result.created_clients)}")
    if result.created_projects:
        lines.append(f"{made} projects: {', '.join(result.created_projects)}")
    if result.totals:
        rows = [[t.client, t.project, str(t.entries), hours(t.seconds)] for t in result.totals]
        lines += ["", table(["Client", "Project", "Entries", "Hours"], rows, right={2, 3})]
    if result.dry_run and result.first_rows:
        rows = [
            [
                str(r.line),
                r.day.isoformat(),
                r.start,
                r.end,
                hours(r.seconds),
                r.user,
                r.project,
                "yes" if r.billable else "no",
                r.description[:40],
            ]
            for r in result.first_rows
        ]
        headers = [
            "Line",
            "Date",
            "Start",
            "End",
            "Hours",
            "User",
            "Project",
            "Bill",
            "Description",
        ]
        lines += ["", "First rows:", table(headers, rows, right={0, 4})]
    return "\n".join(lines)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", *FORMATS]),
    default="auto",
    show_default=True,
    help="The tool that wrote the file; auto recognises it by its header.",
)
@click.option(
    "--dry-run", is_flag=True, help="Check and show what would be imported; write nothing."
)
@click.option(
    "--create-missing", is_flag=True, help="Create the clients and projects the file names."
)
@click.option(
    "--date-format",
    type=click.Choice(list(DATE_FORMATS)),
    default=None,
    help="How the file writes dates, when its dates could be MM/DD or DD/MM.",
)
@click.option(
    "--client",
    default=None,
    metavar="NAME",
    help="The client of projects the file names without one (created with --create-missing).",
)
@click.option(
    "--user",
    "owner",
    default=None,
    metavar="NAME",
    help="Import every row as this person's time (default: the file's user column, else you).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def import_file(file, fmt, dry_run, create_missing, date_format, client, owner, as_json):
    """Import time entries from another tool's export (one transaction: all or nothing).

    \b
    Formats (auto recognises each by the columns it must have, in any order):
      clockify     Clockify detailed report (CSV)
      toggl        Toggl Track detailed report (CSV)
      harvest      Harvest detailed time report (CSV)
      solidtime    solidtime time entry export (CSV)
      kimai        Kimai timesheet export (CSV or XLSX)
      timewarrior  timew export (JSON)
      watson       watson log --json or --csv, or Watson's frames file
      generic      tallytui's own CSV (what tally export entries writes)

    Rows of no length are skipped and counted; re-importing a file skips the entries it
    imported before. Any other problem refuses the whole file, with its line and column.
    """
    from ..services import importing

    s = settings()
    s.open()
    bar = _Bar() if sys.stderr.isatty() else None
    request = importing.ImportRequest(
        path=file,
        format=fmt,
        dry_run=dry_run,
        create_missing=create_missing,
        date_format=date_format,
        user=owner,
        client=client,
    )
    try:
        result = importing.run(s.actor, request, bar)
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        emit_json(_import_json(result))
    elif result.ok or result.dry_run:
        click.echo(_summary(result, file))
    if not result.ok:
        for e in result.errors:
            click.echo(f"error: {file}:{e.line}:{e.column}: {e.message}", err=True)
        total = len(result.errors) + result.more_errors
        if result.more_errors:
            click.echo(f"error: {file}: {result.more_errors} more problems not listed", err=True)
        problems = "1 problem" if total == 1 else f"{total} problems"
        verdict = "the import would be refused" if result.dry_run else "nothing was imported"
        click.echo(f"error: {file}: {problems}; {verdict}", err=True)
        sys.exit(1)


@contextmanager
def _target(path: str | None, bom: bool):
    """stdout, or a file that appears complete or not at all."""
    if path is None:
        out = sys.stdout
        if bom:
            out.write("\ufeff")
        yield out
        out.flush()
        return
    from ..render.files import replaced_atomically

    encoding = "utf-8-sig" if bom else "utf-8"
    with replaced_atomically(Path(path), "w", encoding=encoding, newline="") as out:
        yield out


@click.command("export")
@click.argument("what", type=click.Choice(["entries", "invoices"]))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option("--from", "first", default=None, metavar="DATE", help="First day (entries: start).")
@click.option("--to", "last", default=None, metavar="DATE", help="Last day, inclusive.")
@click.option(
    "-o", "--output", default=None, metavar="FILE", help="Write to FILE instead of stdout."
)
@click.option(
    "--bom", is_flag=True, help="Start with a UTF-8 byte-order mark (Excel needs it for ä, é …)."
)
def export(what, fmt, first, last, output, bom):
    """Export entries (in the generic CSV, which re-imports losslessly) or invoices.

    Without --from and --to: everything.
    """
    from ..domain.errors import InvalidInput
    from ..services import entries, exporting
    from . import parse
    from .output import entry_json, invoice_json

    s = settings()
    s.open()
    first_day, last_day = parse.day(first, "--from"), parse.day(last, "--to")
    if first_day and last_day and last_day < first_day:
        raise InvalidInput(f"--to: {last_day} is before --from {first_day}")
    if what == "entries":
        chosen = entries.EntryFilter(first=first_day, last=last_day, viewer=s.actor)
        with entries.stream_entries(chosen) as (tz, views), _target(output, bom) as out:
            if fmt == "csv":
                count = exporting.write_entries_csv(out, views, tz)
            else:
                count = write_json_array(out, map(entry_json, views))
    else:
        stream = exporting.invoice_stream(s.actor, first_day, last_day)
        with stream as views, _target(output, bom) as out:
            if fmt == "csv":
                count = exporting.write_invoices_csv(out, views)
            else:
                count = write_json_array(out, map(invoice_json, views))
    if output is not None:
        click.echo(f"exported {count} {what} to {output}", err=True)
