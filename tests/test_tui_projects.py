"""Clients & projects: forms with validation, saved through the services."""

from __future__ import annotations

import os

import pytest
from tui_waiting import settle

from tallytui.services import clients, projects
from tallytui.store.db import open_database
from tallytui.store.models import db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session


@pytest.fixture
def opened(org):
    open_database(os.environ["TALLY_DB"])
    yield
    db.close()


async def open_form(pilot, app, key: str):
    """Clients & projects (F3), then the form ``key`` opens there."""
    for pressed in ("f3", key):
        await settle(app, pilot)
        await pilot.press(pressed)
    await settle(app, pilot)
    return app.screen


async def test_new_client_form_validates_then_saves(opened):
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(pilot, app, "c")
        form.query_one("#name").value = "Initech"
        form.query_one("#currency").value = "EURO"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not an ISO 4217 code" in str(form.query_one("#form-error").render())
        form.query_one("#currency").value = "usd"
        form.query_one("#terms").value = "30"
        form.query_one("#street").value = "1 Infinite Loop"
        form.query_one("#city").value = "Cupertino"
        form.query_one("#country").value = "us"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        initech = {c.name: c for c in clients.list_all()}["Initech"]
        assert (initech.currency, initech.payment_terms_days) == ("USD", 30)
        assert (initech.street, initech.city, initech.country) == (
            "1 Infinite Loop",
            "Cupertino",
            "US",
        )
        listed = app.screen.query_one("#client-table").get_row("Initech")
        assert str(listed[-1]) == "1 Infinite Loop, Cupertino, US"


async def test_edit_the_client_of_the_highlighted_project(opened):
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(pilot, app, "E")
        assert form.query_one("#name").value == "Globex"
        form.query_one("#terms").value = "45"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert {c.name: c for c in clients.list_all()}["Globex"].payment_terms_days == 45


async def test_edit_project_rate_schedule_and_watch_folder(opened, tmp_path):
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(pilot, app, "e")
        form.query_one("#schedule").value = "fortnightly"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "is not one of" in str(form.query_one("#form-error").render())
        form.query_one("#schedule").value = "every:3:weeks"
        form.query_one("#rate").value = "105"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [web] = projects.list_all()
        assert (web.schedule, str(web.rate)) == ("every:3:weeks", "105.00")
        listed = app.screen.query_one("#project-table").get_row(web.name)
        assert [str(cell) for cell in listed[2:5]] == ["105.00 EUR", "yes", "every 3 weeks"]
        await pilot.press("w", *str(tmp_path), "enter")
        await settle(app, pilot)
        assert projects.list_all()[0].watch == (str(tmp_path),)


async def test_approval_owner_and_clearing_the_approver(opened, tally):
    tally.ok("user", "add", "vera", "--role", "approver")
    tally.ok("user", "add", "otto", "--role", "admin")
    tally.ok("project", "set", "Web", "--approval", "--approver", "vera")
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(pilot, app, "e")
        assert form.query_one("#approver").value == "vera"
        form.query_one("#owner").value = "nobody"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "owner: 'nobody' is not a user" in str(form.query_one("#form-error").render())
        form.query_one("#owner").value = "otto"
        form.query_one("#approver").value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [web] = projects.list_all()
        assert (web.approval_required, web.approver, web.owner) == (True, None, "otto")
