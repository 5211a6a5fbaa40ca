"""Reports: figures checked against an independent computation over the entries, the
ageing buckets on fixed dates, who sees what, and the shapes of JSON and CSV output."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from team_setup import approval_team

from tallytui.domain.invoicing import hours, line_amount
from tallytui.domain.localtime import day_start, iso_week, local_date, parse_instant
from tallytui.domain.rates import Rate, rate_on
from tallytui.domain.rounding import Rounding
from tallytui.services import clients, entries, invoices, org, projects, reports, users
from tallytui.store.db import open_database
from tallytui.store.models import Project, TimeEntry, User, db

D = Decimal
TZ = "Europe/Berlin"
FIRST, LAST = date(2026, 1, 1), date(2026, 6, 30)

# name -> (client, currency, rates, rounding, billable project)
PROJECTS = {
    "Web": (
        "Globex",
        "EUR",
        [Rate(None, D("95")), Rate(date(2026, 3, 30), D("110.50"))],
        None,
        True,
    ),
    "Ops": ("Globex", "EUR", [Rate(None, D("80"))], Rounding(15, "up"), True),
    "Zen": ("Kyoto", "JPY", [Rate(None, D("12345"))], Rounding(6, "nearest"), True),
    "Intern": ("Globex", "EUR", [Rate(None, D("50"))], None, False),
}


def at(text: str) -> int:
    return parse_instant(text, TZ)


@pytest.fixture
def books(env):
    """ada (admin) and bob (consultant), two clients in two currencies, four projects
    with rate changes, rounding rules and one non-billable project."""
    handle = open_database(str(env))
    org.init(org.OrgSettings(name="Acme", code="ACME", address="Hauptstr. 1"), "ada")
    users.add("ada", "bob", "consultant")
    clients.add("ada", clients.ClientChanges(name="Globex", address="1 Main St"))
    clients.add("ada", clients.ClientChanges(name="Kyoto", address="1 Gion", currency="JPY"))
    for name, (client, _, rates, rule, billable) in PROJECTS.items():
        changes = projects.ProjectChanges(
            name=name,
            client=client,
            rate=rates[0].amount,
            rounding=rule.spec() if rule else None,
            billable=billable,
        )
        projects.add("ada", changes)
        for rate in rates[1:]:
            projects.update(
                "ada", name, projects.ProjectChanges(rate=rate.amount, rate_from=rate.valid_from)
            )
    yield handle
    handle.close()


entry_strategy = st.tuples(
    st.sampled_from(sorted(PROJECTS)),
    st.sampled_from(["ada", "bob"]),
    st.integers(0, (LAST - FIRST).days + 20),  # some fall after the period
    st.integers(0, 23 * 3600),  # start within the local day
    st.integers(1, 9 * 3600),
    st.booleans(),
)


def _entry(project: str, person: str, start: int, length: int, billable: bool = True) -> None:
    """A time entry written directly (overlaps do not matter to a report)."""
    TimeEntry.create(
        user=User.get(User.name == person),
        project=Project.get(Project.name == project),
        start_utc=start,
        end_utc=start + length,
        billable=billable,
        source="manual",
        created_at=0,
        updated_at=0,
    )


def _insert(rows) -> None:
    for project, person, offset, second, length, billable in rows:
        _entry(
            project,
            person,
            day_start(FIRST + timedelta(days=offset), TZ) + second,
            length,
            billable,
        )


def _group(by: str, project: str, person: str, day: date) -> str:
    return {
        "client": PROJECTS[project][0],
        "project": project,
        "person": person,
        "week": iso_week(day)[0].isoformat(),
        "month": f"{day:%Y-%m}",
    }[by]


def _expected(rows, by: str, billable_only: bool) -> dict[tuple[str, str], list]:
    """Per group and currency: seconds, billable hours and billable amount, computed entry
    by entry with the invoicing rules."""
    found: dict[tuple[str, str], list] = {}
    for project, person, offset, second, length, billable in rows:
        _, currency, rates, rule, project_billable = PROJECTS[project]
        start = day_start(FIRST + timedelta(days=offset), TZ) + second
        day = local_date(start, TZ)
        if not FIRST <= day <= LAST:
            continue
        counts = billable and project_billable
        if billable_only and not counts:
            continue
        figures = found.setdefault((_group(by, project, person, day), currency), [0, 0, D(0)])
        figures[0] += length
        if counts:
            quantity = hours(rule.apply(length) if rule else length)
            figures[1] += quantity
            figures[2] += line_amount(quantity, rate_on(rates, day).amount, currency)
    return found


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(entry_strategy, max_size=25),
    by=st.sampled_from(reports.GROUPINGS),
    billable_only=st.booleans(),
)
def test_figures_by_any_grouping_are_the_entries_rounded_hours_and_amounts(
    books, rows, by, billable_only
):
    with db.atomic() as transaction:
        _insert(rows)
        r = reports.report("ada", FIRST, LAST, by, billable_only)
        transaction.rollback()
    expected = _expected(rows, by, billable_only)
    got = {
        (line.key[0], line.currency): [line.seconds, line.billable_hours, line.billable]
        for line in r.lines
    }
    assert got == expected
    totals: dict[str, list] = {}
    for (_, currency), figures in expected.items():
        found = totals.setdefault(currency, [0, 0, D(0)])
        totals[currency] = [a + b for a, b in zip(found, figures, strict=True)]
    assert {t.currency: [t.seconds, t.billable_hours, t.billable] for t in r.totals} == totals
    assert all(line.invoiced == 0 and line.uninvoiced == line.billable for line in r.lines)


def test_weeks_and_months_are_labelled_by_their_local_first_day(books):
    # Sunday 23:30 in Berlin is still the week of Monday 2026-03-23, whatever UTC says.
    _entry("Web", "ada", at("2026-03-29 23:30"), 1800)  # the day the clocks go forward
    weeks = reports.report("ada", FIRST, LAST, "week")
    assert [line.key for line in weeks.lines] == [("2026-03-23",)]
    months = reports.report("ada", FIRST, LAST, "month")
    assert [line.key for line in months.lines] == [("2026-03",)]


def test_invoiced_time_is_split_out_at_what_a_detailed_invoice_bills(books):
    for day in (3, 4, 5):
        start = at(f"2026-02-0{day} 09:00")
        entries.add("ada", entries.NewEntry("Ops", start, start + 3600 + 7 * 60))
    start = at("2026-02-20 09:00")
    entries.add("ada", entries.NewEntry("Ops", start, start + 1000))
    billed = invoices.create(
        "ada",
        invoices.InvoiceRequest(
            project="Ops",
            first=date(2026, 2, 1),
            last=date(2026, 2, 10),
            grouping="detailed",
            include_unlocked=True,
        ),
    )
    assert reports.revenue("ada", date(2026, 11, 1), 1) == (
        reports.Revenue("2026-11", "EUR", D("300.00")),  # issued today, 20 November
    )
    assert reports.revenue("bob", date(2026, 11, 1), 1) is None  # a consultant's view
    [total] = reports.report("ada", FIRST, LAST, "project").totals
    assert total.invoiced == billed.subtotal == D("300.00")  # 3 × 1.25 h (rounded up) × 80
    assert total.uninvoiced == D("40.00")  # 1000 s rounded up to half an hour


def test_unbilled_work_is_aged_from_its_local_day_to_today(books, monkeypatch):
    monkeypatch.setenv("TALLY_NOW", "2026-11-20T10:00:00+01:00")
    today = date(2026, 11, 20)
    for age in (0, 30, 31, 60, 61, 90, 91, 400):
        day = today - timedelta(days=age)
        start = at(f"{day} 00:00")  # the first instant of the local day
        entries.add("ada", entries.NewEntry("Web", start, start + 3600))
    start = at("2026-11-19 09:00")
    entries.add("ada", entries.NewEntry("Zen", start, start + 3600))
    u = reports.unbilled("ada")
    assert u.today == today
    [globex, kyoto] = u.clients
    assert (globex.client, globex.currency) == ("Globex", "EUR")
    assert globex.hours == (D(2), D(2), D(2), D(2))
    # Time before the rate change on 30 March is billed at 95, after at 110.50.
    assert globex.amounts == (D("221.00"), D("221.00"), D("221.00"), D("205.50"))
    assert (kyoto.hours, kyoto.amounts) == ((D(1), D(0), D(0), D(0)), (D(12345), 0, 0, 0))
    assert [t.currency for t in u.totals] == ["EUR", "JPY"]


@pytest.fixture
def team(engine):
    """ada (admin), ava (approver of Web), cole (consultant), fay (finance); each has an
    hour on Web and on Ops."""
    handle = approval_team(engine)
    users.add("ada", "fay", "finance")
    projects.add("ada", projects.ProjectChanges(name="Ops", client="Globex", rate=D(50)))
    for n, person in enumerate(("ada", "ava", "cole", "fay")):
        for project, hour in (("Web", 9), ("Ops", 11)):
            start = at(f"2026-11-0{n + 2} {hour:02d}:00")
            entries.add("ada", entries.NewEntry(project, start, start + 3600), user=person)
    yield
    handle.close()


def test_each_role_sees_the_time_it_may(team):
    def seen(actor: str) -> set[tuple[str, ...]]:
        lines = reports.breakdown(
            actor, date(2026, 11, 1), date(2026, 11, 30), ("person", "project")
        )
        return {line.key for line in lines}

    everyone = {(p, x) for p in ("ada", "ava", "cole", "fay") for x in ("Web", "Ops")}
    assert seen("ada") == seen("fay") == everyone
    assert seen("cole") == {("cole", "Web"), ("cole", "Ops")}
    # An approver: their own time, and everyone's on the project they approve.
    assert seen("ava") == {("ava", "Ops")} | {(p, "Web") for p in ("ada", "ava", "cole", "fay")}
    aged = reports.unbilled("cole")
    assert aged.clients[0].total_hours == D(2)
    by_month = reports.report("cole", date(2026, 11, 1), date(2026, 11, 30), "month")
    assert [(line.key, line.hours) for line in by_month.lines] == [(("2026-11",), D(2))]


def test_report_json_has_groups_and_a_total(org):
    org.ok("entry", "add", "--project", "Web", "--start", "2026-11-02 09:00", "--end", "10:30")
    data = org.ok(
        "report", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "month", "--json"
    ).json()
    assert data == {
        "from": "2026-11-01",
        "to": "2026-11-30",
        "by": "month",
        "billable_only": False,
        "groups": [
            {
                "group": "2026-11",
                "hours": "1.50",
                "billable_hours": "1.50",
                "amounts": [
                    {
                        "currency": "EUR",
                        "hours": "1.50",
                        "billable_hours": "1.50",
                        "billable": "142.50",
                        "invoiced": "0.00",
                        "uninvoiced": "142.50",
                    }
                ],
            }
        ],
        "total": {
            "hours": "1.50",
            "billable_hours": "1.50",
            "amounts": [
                {
                    "currency": "EUR",
                    "hours": "1.50",
                    "billable_hours": "1.50",
                    "billable": "142.50",
                    "invoiced": "0.00",
                    "uninvoiced": "142.50",
                }
            ],
        },
    }


def test_report_csv_neutralises_formula_cells(org):
    org.ok("client", "add", "=SUM(A1)", "--address", "1 Main St")
    org.ok("project", "add", "Calc", "--client", "=SUM(A1)", "--rate", "10")
    org.ok("entry", "add", "--project", "Calc", "--start", "2026-11-02 09:00", "--end", "10:00")
    out = org.ok("report", "--from", "2026-11-01", "--to", "2026-11-30", "--csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "group",
        "currency",
        "hours",
        "billable_hours",
        "billable",
        "invoiced",
        "uninvoiced",
    ]
    assert rows[1] == ["'=SUM(A1)", "EUR", "1.00", "1.00", "10.00", "0.00", "10.00"]
    assert rows[-1][0] == "Total"


def test_a_report_of_no_time_has_a_zero_total(org):
    data = org.ok("report", "--by", "week", "--json").json()
    assert data["groups"] == []
    assert data["total"] == {"hours": "0.00", "billable_hours": "0.00", "amounts": []}


def test_unbilled_json_has_four_buckets_per_client(org):
    org.ok("entry", "add", "--project", "Web", "--start", "2026-08-01 09:00", "--end", "10:00")
    data = org.ok("report", "unbilled", "--json").json()
    assert data["today"] == "2026-11-20"
    [globex] = data["clients"]
    assert [b["days"] for b in globex["buckets"]] == ["0-30", "31-60", "61-90", "90+"]
    assert globex["buckets"][3] == {"days": "90+", "hours": "1.00", "amount": "95.00"}
    assert (globex["hours"], globex["amount"]) == ("1.00", "95.00")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-11-30", "--to", "2026-11-01"), "ends (2026-11-01) before it starts"),
        (("--from", "someday"), "--from"),
        (("--json", "--csv"), "--json or --csv"),
    ],
)
def test_bad_report_options_are_one_clear_error(org, args, message):
    result = org("report", *args)
    assert result.exit_code != 0
    assert message in result.stderr
