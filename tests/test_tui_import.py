"""The import dialog driven by keys: preview a fixture, import it, check the database."""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import DataTable, Input
from tui_waiting import settle

from tallytui.store.db import open_database
from tallytui.store.models import Client, Project, TimeEntry, db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.messages import DataChanged
from tallytui.ui.screens.importing import ImportScreen

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TZ = "Europe/Berlin"


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_dialog(app, pilot, path: Path) -> ImportScreen:
    await settle(app, pilot)
    await pilot.press("f7")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    screen.query_one("#import-path", Input).value = str(path)
    screen.query_one("#import-path", Input).focus()
    await pilot.pause()
    return screen


async def test_preview_then_import_a_toggl_export(org):
    open_database(os.environ["TALLY_DB"])
    app = TallyApp(Session("anna", os.environ["TALLY_DB"]), TZ)
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        post = app.post_message

        def spy(message) -> bool:
            if isinstance(message, DataChanged):
                seen.append(message.summary)
            return post(message)

        app.post_message = spy
        screen = await open_dialog(app, pilot, FIXTURES / "toggl.csv")
        await pilot.press("ctrl+s")  # nothing to confirm before a preview
        await settle(app, pilot)
        assert app.screen is screen and TimeEntry.select().count() == 0

        await pilot.press("enter")
        await settle(app, pilot)
        errors = cells(screen.query_one("#import-errors", DataTable))
        assert errors[0][:2] == ["2", "4"] and "unknown project 'Café Relaunch'" in errors[0][2]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen and TimeEntry.select().count() == 0

        screen.query_one("#import-create").value = True
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert cells(screen.query_one("#import-errors", DataTable)) == []
        assert cells(screen.query_one("#import-totals", DataTable)) == [
            ["Acme Consulting", "Intern", "1", "0.75"],
            ["Müller & Söhne GmbH", "Café Relaunch", "3", "6.00"],
        ]
        assert cells(screen.query_one("#import-rows", DataTable))[0][:5] == [
            "2",
            "2026-11-04",
            "09:15",
            "11:45",
            "2.50",
        ]
        assert TimeEntry.select().count() == 0 and Client.select().count() == 1
        bar = screen.query_one("#import-progress")
        assert bar.progress == bar.total == (FIXTURES / "toggl.csv").stat().st_size

        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is not screen
    rows = list(TimeEntry.select(TimeEntry, Project).join(Project).order_by(TimeEntry.start_utc))
    assert [(e.project.name, e.source, e.end_utc - e.start_utc) for e in rows] == [
        ("Café Relaunch", "import", 7200),
        ("Café Relaunch", "import", 9000),
        ("Café Relaunch", "import", 5400),
        ("Intern", "import", 2700),
    ]
    assert seen == ["imported 4 entries from toggl.csv"]
    db.close()


async def test_problems_are_counted_and_told_in_the_dialogs_terms(org, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text(
        "date,start,end,project,client,description\n2026-11-04,09:00,10:00,Nope,Globex,x\n"
    )
    open_database(os.environ["TALLY_DB"])
    app = TallyApp(Session("anna", os.environ["TALLY_DB"]), TZ)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dialog(app, pilot, path)
        await pilot.press("enter")
        await settle(app, pilot)
        summary = str(screen.query_one("#import-summary").content)
        assert summary.endswith("1 row · would import 0 · 0 already imported · 1 problem")
        [[_, _, message]] = cells(screen.query_one("#import-errors", DataTable))
        assert message.endswith("add it first, or tick “Create missing clients and projects”")
        assert "--" not in message
    db.close()


async def test_rows_of_no_length_and_a_client_for_projects_without_one(org, tmp_path):
    path = tmp_path / "watson.csv"
    path.write_text(
        "id,start,stop,project,tags\n"
        "a1,2026-11-04 09:00:00,2026-11-04 09:00:00,Lernen,\n"
        "b2,2026-11-04 10:00:00,2026-11-04 11:30:00,Lernen,Grüße\n"
    )
    open_database(os.environ["TALLY_DB"])
    app = TallyApp(Session("anna", os.environ["TALLY_DB"]), TZ)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dialog(app, pilot, path)
        screen.query_one("#import-create").value = True
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        [[line, column, message]] = cells(screen.query_one("#import-errors", DataTable))
        assert (line, column) == ("3", "4")
        assert message.endswith("fill in “Client” to put projects without one under that client")

        screen.query_one("#import-client", Input).value = "Intern GmbH"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        summary = str(screen.query_one("#import-summary").content)
        assert "would import 1 · 0 already imported · 1 row of no length skipped" in summary
        assert cells(screen.query_one("#import-totals", DataTable)) == [
            ["Intern GmbH", "Lernen", "1", "1.50"]
        ]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is not screen
    assert [(p.name, p.client.name) for p in Project.select().join(Client)] == [
        ("Web", "Globex"),
        ("Lernen", "Intern GmbH"),
    ]
    assert TimeEntry.select().count() == 1
    db.close()
