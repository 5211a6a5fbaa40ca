"""The demo database: the shape the issue promises, the product's rules, and determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

import pytest

from tallytui.domain.errors import Conflict, InvalidInput
from tallytui.domain.localtime import iso_week, local_date
from tallytui.services import clients, demo, entries, expenses, projects, users
from tallytui.services.clock import now_utc
from tallytui.store.db import open_database
from tallytui.store.models import db

NOW = "2026-11-20T10:00:00+01:00"  # a Friday morning; the ten weeks cross the end of DST
TZ = "Europe/Berlin"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """One demo for the read-only tests: writing it takes a couple of seconds."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TALLY_NOW", NOW)
        patch.setenv("TALLY_USER", "anna")
        demo.write_demo(str(path))
    db.close()
    return path


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setenv("TALLY_NOW", NOW)
    monkeypatch.setenv("TALLY_USER", "anna")
    yield
    if not db.is_closed():
        db.close()


@pytest.fixture
def opened(demo_file, clock):
    """The shared demo, bound to the models (another test may have bound another file)."""
    open_database(str(demo_file))
    return demo_file


def all_entries():
    return entries.list_entries(entries.EntryFilter())


def snapshot():
    """Everything a user sees of the demo, to compare two runs."""
    return (
        clients.list_all(),
        projects.list_all(),
        users.list_all(),
        all_entries(),
        expenses.list_expenses(),
    )


def test_clients_in_two_currencies_with_invoice_details(opened):
    found = clients.list_all()
    assert len(found) == 4
    assert {c.currency for c in found} == {"EUR", "CHF"}
    assert all(c.street and c.city and c.country and c.email and c.vat_id for c in found)
    treatments = {c.name: (c.vat, c.einvoice) for c in found}
    assert treatments == {
        "Acme Retail GmbH": ("standard", "facturx"),
        "Alpenblick Treuhand AG": ("outside-scope", "none"),
        "Helvetia Versicherungen AG": ("outside-scope", "none"),
        "Nordlicht Logistics B.V.": ("reverse-charge", "peppol"),
    }
    # Documents in German (the organisation's language), to Nordlicht in Dutch.
    languages = {c.name: c.language for c in found}
    assert set(languages.values()) == {"de", "nl"} and languages["Nordlicht Logistics B.V."] == "nl"


def test_projects_cover_schedules_rates_and_approval(opened):
    found = {p.name: p for p in projects.list_all()}
    assert len(found) == 8
    schedules = {p.schedule for p in found.values()}
    assert {"none", "weekly", "biweekly", "monthly"} <= schedules
    assert any(s.startswith("every:") for s in schedules)
    assert any(not p.billable for p in found.values())
    changed = [p for p in found.values() if len(p.rates) == 2]
    assert len(changed) == 1 and changed[0].rates[0].amount < changed[0].rates[1].amount
    approval = [p for p in found.values() if p.approval_required]
    assert approval and all(p.approver == "marco" for p in approval)
    assert any(p.watch for p in found.values()) and any(p.urls for p in found.values())


def test_three_people_and_the_acting_user_is_admin(opened):
    roles = {u.name: u.role for u in users.list_all()}
    assert roles == {"anna": "admin", "lena": "consultant", "marco": "approver"}


def test_ten_weeks_of_working_days_up_to_now(opened):
    found = all_entries()
    today = local_date(now_utc(), TZ)
    this_monday = iso_week(today)[0]
    for weeks_ago in range(10):
        monday = this_monday - timedelta(weeks=weeks_ago)
        assert any(monday <= e.day <= monday + timedelta(days=6) for e in found), monday
    assert min(e.day for e in found) >= this_monday - timedelta(weeks=9)
    assert max(e.end_utc for e in found) <= now_utc()
    assert all(e.day.weekday() < 5 for e in found)
    assert all(30 * 60 <= e.seconds <= 4 * 3600 + 60 for e in found)
    assert all(e.description for e in found)
    assert {e.source for e in found} == {"capture", "manual"}


def test_no_two_entries_of_one_person_overlap(opened):
    by_user = defaultdict(list)
    for e in all_entries():
        by_user[e.user].append(e)
    assert set(by_user) == {"anna", "lena", "marco"}
    for own in by_user.values():
        own.sort(key=lambda e: e.start_utc)
        assert all(a.end_utc <= b.start_utc for a, b in pairwise(own))


def test_older_weeks_locked_and_partly_approved(opened):
    locked = {u.name: u.locked_until for u in users.list_all()}
    assert locked["anna"] == locked["lena"] is not None and locked["marco"] is None
    found = all_entries()
    assert {e.state for e in found} == {"open", "locked", "approved"}
    for e in found:
        if e.state != "open":
            assert e.day <= locked[e.user]
        if e.state == "approved":
            assert e.project == "Helvetia Mobile App"


def test_expenses_of_both_kinds(opened):
    found = expenses.list_expenses()
    assert len(found) >= 5
    assert any(x.quantity == 1 and x.unit == "" for x in found)
    assert any(x.quantity > 1 and x.unit for x in found)
    assert {x.currency for x in found} == {"EUR", "CHF"}


def test_the_same_clock_writes_the_same_demo(opened, tmp_path):
    first = snapshot()
    db.close()
    demo.write_demo(str(tmp_path / "again.db"))
    assert snapshot() == first


def test_refuses_to_replace_data_without_force(clock, tmp_path):
    path = tmp_path / "precious.db"
    path.write_bytes(b"not yours to overwrite")
    with pytest.raises(Conflict, match="--force"):
        demo.write_demo(str(path))
    assert path.read_bytes() == b"not yours to overwrite"
    summary = demo.write_demo(str(path), force=True)
    assert str(path) in summary
    assert len(clients.list_all()) == 4


def test_a_failed_demo_leaves_no_file(clock, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(demo, "_add_projects", broken)
    path = tmp_path / "demo.db"
    with pytest.raises(RuntimeError):
        demo.write_demo(str(path))
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_bad_admin_name_before_touching_the_file(clock, tmp_path):
    with pytest.raises(InvalidInput):
        demo.write_demo(str(tmp_path / "demo.db"), admin="not a name")
    assert list(tmp_path.iterdir()) == []


def test_tally_demo_command(tmp_path):
    """Through the real console entry point; the acting user's name is taken by a demo
    person here, who then gets another name."""
    path = tmp_path / "demo.db"
    env = {k: v for k, v in os.environ.items() if k != "TALLY_DB"}
    env.update(TALLY_NOW=NOW, TALLY_USER="lena")
    command = [sys.executable, "-m", "tallytui", "demo", "--db", str(path)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert str(path) in done.stdout and "lena (admin)" in done.stdout
    assert "lena.k (consultant)" in done.stdout
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 1
    assert again.stderr.startswith("error: ") and "--force" in again.stderr


def test_demo_never_takes_its_target_from_tally_db(tmp_path, monkeypatch):
    """`TALLY_DB=~/real.db tally demo --force` must not replace the real database."""
    from click.testing import CliRunner

    from tallytui.cli.root import cli

    real = tmp_path / "real.db"
    real.write_bytes(b"precious")
    monkeypatch.setenv("TALLY_DB", str(real))
    result = CliRunner().invoke(cli, ["demo", "--force"])
    assert result.exit_code == 2 and "give --db PATH" in result.stderr
    assert real.read_bytes() == b"precious"
