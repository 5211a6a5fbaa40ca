"""Imports point down only: domain/ and services/ never import Textual, domain/ never
imports peewee, and the CLI keeps heavy libraries out of its start-up path.

Each check runs in a fresh interpreter, so what other tests imported does not matter.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import textwrap

import pytest

import tallytui
import tallytui.domain
import tallytui.services


def modules_of(package) -> list[str]:
    """Every module under a package, found on disk so new modules are covered."""
    found = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        found.append(info.name)
    return sorted(found)


DOMAIN = modules_of(tallytui.domain)
SERVICES = modules_of(tallytui.services)


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def imported_after(modules: list[str], forbidden: list[str]) -> subprocess.CompletedProcess:
    """Import ``modules`` in a fresh interpreter; fail (exit 1) if any ``forbidden`` top-level
    package ended up in sys.modules, naming who pulled it in."""
    code = f"""
        import importlib, sys
        for name in {modules!r}:
            importlib.import_module(name)
        bad = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})
        if bad:
            print('forbidden modules imported: ' + ', '.join(bad[:10]))
            sys.exit(1)
        print('ok', len({modules!r}))
    """
    return run_python(code)


def test_module_discovery_finds_the_known_modules():
    # Guards the discovery itself: if it found nothing, the checks below would prove nothing.
    for name in (
        "tallytui.domain.money",
        "tallytui.domain.localtime",
        "tallytui.domain.schedule",
        "tallytui.domain.rounding",
        "tallytui.domain.rates",
        "tallytui.domain.errors",
    ):
        assert name in DOMAIN
    for name in (
        "tallytui.services.entries",
        "tallytui.services.clock",
        "tallytui.services.views",
        "tallytui.services.projects",
        "tallytui.services.org",
    ):
        assert name in SERVICES


def test_the_forbidden_check_detects_an_import():
    # The same technique reports a module that does import the forbidden package.
    result = imported_after(["tallytui.store.models"], ["peewee"])
    assert result.returncode == 1
    assert "peewee" in result.stdout


def test_domain_and_services_never_import_textual():
    result = imported_after(DOMAIN + SERVICES, ["textual"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"ok {len(DOMAIN + SERVICES)}"


@pytest.mark.parametrize("module", DOMAIN + SERVICES)
def test_each_module_alone_never_imports_textual(module):
    # One module at a time, so a module whose import only works thanks to an earlier one
    # (or which drags Textual in via an unusual path) is caught too.
    result = imported_after([module], ["textual"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_domain_never_imports_the_database_or_io_layers():
    result = imported_after(
        DOMAIN, ["peewee", "playhouse", "psycopg", "sqlite3", "textual", "click"]
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_domain_never_imports_other_tallytui_layers():
    code = f"""
        import importlib, sys
        for name in {DOMAIN!r}:
            importlib.import_module(name)
        other = sorted(m for m in sys.modules
                       if m.startswith('tallytui.') and not m.startswith('tallytui.domain'))
        print(' '.join(other))
        sys.exit(1 if other else 0)
    """
    result = run_python(code)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_import_keeps_heavy_libraries_out():
    result = imported_after(
        ["tallytui.cli"], ["peewee", "pendulum", "playhouse", "psycopg", "textual"]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    code = """
        import sys
        import tallytui.cli
        loaded = sorted(m for m in sys.modules if m.startswith('tallytui.store'))
        sys.exit(1 if loaded else 0)
    """
    result = run_python(code)
    assert result.returncode == 0, "importing the CLI opened the store layer"


def test_tally_help_does_not_import_peewee_or_pendulum():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tallytui", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    # -X importtime writes one line per imported module: "import time: self | cumulative | name"
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "tallytui.cli" in imported  # the trace is really there
    heavy = sorted(m for m in imported if m.split(".")[0] in {"peewee", "pendulum", "textual"})
    assert heavy == []


def test_the_first_frame_comes_before_the_database(engine, org):
    """`tally` draws its first frame before it imports the database layer or the services
    (a fifth of the start), and then shows the week: data loads after the first paint, on
    SQLite and on a team's PostgreSQL database."""
    code = """
        import asyncio, os, sys
        from textual.app import App
        from textual.screen import Screen

        draw = Screen._compositor_refresh
        at_first_frame = []

        def drawing(self):
            draw(self)
            if not at_first_frame:
                at_first_frame.append(
                    [m for m in sys.modules if m.split(".")[0] == "peewee"
                     or m.startswith(("tallytui.store", "tallytui.services"))]
                )

        Screen._compositor_refresh = drawing
        run = App.run

        def headless(self, *args, **kwargs):
            async def auto_pilot(pilot):
                while getattr(pilot.app.screen, "week", None) is None:
                    await asyncio.sleep(0.01)
                rows = pilot.app.screen.query_one("DataTable").row_count
                os.write(1, f"{at_first_frame[0]} {rows}".encode())
                pilot.app.exit()

            return run(self, headless=True, auto_pilot=auto_pilot, size=(120, 36))

        App.run = headless
        from tallytui.cli import main
        main()
    """
    org.ok("project", "add", "Api", "--client", "Globex", "--rate", "120")
    hour = ("--start", "2026-11-17 09:00", "--end", "2026-11-17 10:00")
    org.ok("entry", "add", "--project", "Api", *hour)
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[] 1"


def test_the_first_screen_loads_only_what_it_shows(org):
    """`tally` up to its first screen imports no dialog, no other area and nothing only a
    later key needs: each would add to every start."""
    code = """
        import asyncio, os, sys
        from textual.app import App

        run = App.run

        def headless(self, *args, **kwargs):
            async def auto_pilot(pilot):
                while getattr(pilot.app.screen, "week", None) is None:
                    await asyncio.sleep(0.01)
                await pilot.pause()
                os.write(1, " ".join(sorted(sys.modules)).encode())
                pilot.app.exit()

            return run(self, headless=True, auto_pilot=auto_pilot, size=(120, 36))

        App.run = headless
        from tallytui.cli import main
        try:
            main()
        except SystemExit:
            pass
    """
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert "tallytui.ui.screens.review" in loaded  # the first screen really showed
    later = sorted(
        name
        for name in loaded
        if name.startswith(
            ("tallytui.ui.modals", "pendulum", "xhtml2pdf", "jinja2", "plotext", "textual_plotext")
        )
        or name
        in {
            "tallytui.ui.screens.invoicing",
            "tallytui.ui.screens.projects",
            "tallytui.ui.screens.capture",
            "tallytui.ui.screens.approvals",
            "tallytui.ui.screens.reports",
            "tallytui.services.reports",
            "tallytui.services.timesheets",
            "tallytui.services.billing_cycle",
            "tomllib",
            "importlib.resources",
            "rich._emoji_codes",
            "click",
        }
    )
    assert later == []
