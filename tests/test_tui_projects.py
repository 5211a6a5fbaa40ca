"""Clients & projects: forms with validation, saved through the services."""

from __future__ import annotations

import os

import pytest
from textual.widgets import Select
from tui_waiting import settle

from tallytui.services import clients, projects
from tallytui.services import org as organisation
from tallytui.store.db import open_database
from tallytui.store.models import db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.modals.org_form import OrgForm


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


async def test_organisation_form_keeps_a_refusal_in_the_dialog_then_saves(opened):
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    async with app.run_test(size=(100, 24)) as pilot:
        form = await open_form(pilot, app, "O")
        assert isinstance(form, OrgForm)
        assert form.query_one("#name").value == "Acme Consulting"
        # Typed before addresses had parts: shown as it is, and kept.
        assert form.query_one("#address").text == "Hauptstr. 1\n10115 Berlin"
        form.query_one("#street").value = "Hauptstraße 1"
        form.query_one("#postcode").value = "10115"
        form.query_one("#city").value = "Berlin"
        form.query_one("#country").value = "de"
        form.query_one("#contact").value = "Anna Schmidt"
        form.query_one("#endpoint").value = "EM:billing@acme.example"
        form.query_one("#iban").value = "DE89 3704 0044 0532 0130 01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert str(form.query_one("#form-error").render()) == (
            "IBAN: DE89 3704 0044 0532 0130 01 has a wrong check digit"
        )
        assert form.query_one("#iban").value == "DE89 3704 0044 0532 0130 01"
        assert organisation.current().street == ""  # nothing saved yet
        # The save and cancel keys stay in sight on a small terminal; the body scrolls.
        keys = form.query_one(".dialog-keys")
        assert keys.region.bottom <= app.size.height and keys.region.height > 0
        form.query_one("#iban").value = "DE89 3704 0044 0532 0130 00"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, OrgForm)
        saved = organisation.current()
        assert (saved.street, saved.city, saved.country, saved.contact) == (
            "Hauptstraße 1",
            "Berlin",
            "DE",
            "Anna Schmidt",
        )
        assert (saved.endpoint, saved.iban) == ("EM:billing@acme.example", "DE89370400440532013000")
        assert saved.address == "Hauptstr. 1\n10115 Berlin"


async def test_organisation_form_cancel_changes_nothing(opened):
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    async with app.run_test(size=(120, 36)) as pilot:
        before = organisation.current()
        form = await open_form(pilot, app, "O")
        form.query_one("#city").value = "Potsdam"
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, OrgForm) and organisation.current() == before


async def test_client_form_sets_address_parts_identifiers_and_format(opened):
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(pilot, app, "E")
        assert form.query_one("#address").text == "1 Main St"  # the old text, kept
        form.query_one("#street").value = "Am Markt 2"
        form.query_one("#postcode").value = "50667"
        form.query_one("#city").value = "Köln"
        form.query_one("#country").value = "Deutschland"
        form.query_one("#buyer_reference").value = "991-33333TEST-33"
        form.query_one("#endpoint").value = "0204:991-33333TEST-33"
        form.query_one("#einvoice", Select).value = "xrechnung-ubl"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "country: Deutschland is not an ISO 3166-1" in str(
            form.query_one("#form-error").render()
        )
        form.query_one("#country").value = "de"
        form.query_one("#vat_id").value = "DE136695977"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert str(form.query_one("#form-error").render()) == (
            "VAT id: DE136695977 has a wrong check digit"
        )
        assert clients.list_all()[0].street == ""  # nothing saved yet
        form.query_one("#vat_id").value = "DE136695976"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [globex] = clients.list_all()
        assert (globex.street, globex.postcode, globex.city, globex.country) == (
            "Am Markt 2",
            "50667",
            "Köln",
            "DE",
        )
        assert (globex.buyer_reference, globex.endpoint, globex.einvoice, globex.vat_id) == (
            "991-33333TEST-33",
            "0204:991-33333TEST-33",
            "xrechnung-ubl",
            "DE136695976",
        )
        assert globex.address == "1 Main St"
        listed = app.screen.query_one("#client-table").get_row("Globex")
        assert str(listed[-1]) == "Am Markt 2, 50667 Köln, DE"


async def test_client_form_sets_the_vat_treatment_and_its_reason(opened):
    """The VAT treatment and its exemption reason are set where the rest of the client is;
    a reason on standard VAT is refused in the dialog, in the dialog's words."""
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(pilot, app, "E")
        assert form.query_one("#vat", Select).value == "standard"
        form.query_one("#exemption_reason").value = "Kleinunternehmer"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        error = str(form.query_one("#form-error").render())
        assert "standard VAT carries no exemption reason" in error and "--" not in error
        form.query_one("#vat", Select).value = "reverse-charge"
        form.query_one("#exemption_reason").value = "VATEX-EU-AE Reverse charge"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [globex] = clients.list_all()
        assert (globex.vat, globex.exemption_reason) == (
            "reverse-charge",
            "VATEX-EU-AE Reverse charge",
        )
        assert str(app.screen.query_one("#client-table").get_row("Globex")[3]) == "reverse-charge"


async def test_the_forms_set_the_language_of_documents(opened):
    """The organisation's language is every client's until a client has its own; the
    client's form goes back to the organisation's with its first choice."""
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(pilot, app, "O")
        assert form.query_one("#language", Select).value == "en"
        form.query_one("#language", Select).value = "fr"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert organisation.current().language == "fr"
        form = await open_form(pilot, app, "E")
        assert form.query_one("#language", Select).value == ""  # the organisation's
        form.query_one("#language", Select).value = "nl"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [globex] = clients.list_all()
        assert (globex.language, globex.own_language) == ("nl", True)
        form = await open_form(pilot, app, "E")
        assert form.query_one("#language", Select).value == "nl"
        form.query_one("#language", Select).value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [globex] = clients.list_all()
        assert (globex.language, globex.own_language) == ("fr", False)


async def test_organisation_form_sets_a_logo_and_scor_references(opened, tmp_path):
    from PIL import Image
    from textual.widgets import Checkbox

    Image.new("RGB", (120, 40), 0).save(tmp_path / "acme.png", "PNG")
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(pilot, app, "O")
        assert form.query_one("#logo_name").value == ""
        form.query_one("#logo_name").value = str(tmp_path / "acme.png")
        form.query_one("#creditor_reference", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        saved = organisation.current()
        assert (saved.logo_name, saved.creditor_reference) == ("acme.png", True)
        form = await open_form(pilot, app, "O")
        assert form.query_one("#logo_name").value == "acme.png"  # kept when saved again
        form.query_one("#city").value = "Potsdam"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert organisation.current().logo_name == "acme.png"
        form = await open_form(pilot, app, "O")
        form.query_one("#logo_name").value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert organisation.current().logo_name == ""
