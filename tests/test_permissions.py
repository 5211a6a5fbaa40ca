"""The permission matrix: every role tries every action that writes, on their own data and
on someone else's, through the services (which the CLI, the TUI and capture all call), on
SQLite and on PostgreSQL.

The expected outcomes are written out here by hand, not read from the rules table, so the
table is checked against what the roles are meant to allow: consultants their own time,
approvers also the time of projects they approve, finance invoicing and the catalogue,
admins everything. A refused attempt raises ``PermissionDenied`` and changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tallytui.domain.errors import NotFound, PermissionDenied
from tallytui.domain.localtime import parse_instant
from tallytui.services import (
    approvals,
    billing_cycle,
    capture,
    clients,
    corrections,
    entries,
    expenses,
    invoice_lifecycle,
    invoices,
    org,
    permissions,
    projects,
    review,
    timesheets,
    users,
)
from tallytui.store.db import is_sqlite, open_database
from tallytui.store.models import ALL_MODELS, Expense, Invoice, InvoiceLine, TimeEntry, User, db

ROLE_OF = {"ada": "admin", "cole": "consultant", "ava": "approver", "fay": "finance"}
ACTOR = {role: name for name, role in ROLE_OF.items()}
OTHER = "ben"  # a consultant whose data the others act on
ALL = {"consultant", "approver", "finance", "admin"}
ADMIN = {"admin"}
BILLING = {"finance", "admin"}
APPROVING = {"approver", "admin"}
OCT_LAST = date(2026, 10, 31)


def at(text: str) -> int:
    return parse_instant(text, "Europe/Berlin")


ACTING: list[str | None] = [None]  # the login an attempt runs as, on PostgreSQL


def become(name: str | None) -> None:
    """On PostgreSQL, act as the login ``name`` to the end of the transaction (None: the
    test's own superuser again), so the server's rights meet every attempt too."""
    if is_sqlite():
        return
    if name is None:
        db.execute_sql("RESET SESSION AUTHORIZATION")
    else:
        db.execute_sql(f'SET LOCAL SESSION AUTHORIZATION "{name}"')


def by_the_test(find):
    """``find`` picks the rows an attempt is about as the test (a superuser), not as the
    login attempting it, who may not see them."""

    def found(*args):
        become(None)
        try:
            return find(*args)
        finally:
            if ACTING[0] is not None:
                become(ACTING[0])

    return found


@by_the_test
def open_entries(owner: str) -> list[int]:
    return [
        e.id
        for e in TimeEntry.select()
        .join(User)
        .where((User.name == owner) & (TimeEntry.start_utc >= at("2026-11-01 00:00")))
        .order_by(TimeEntry.start_utc)
    ]


@by_the_test
def expense_of(owner: str) -> int:
    return Expense.select(Expense.id).join(User).where(User.name == owner).scalar()


def web(owner: str) -> approvals.Scope:
    return approvals.Scope(user=owner, project="Web", last=OCT_LAST)


# (action, rule it exercises, roles allowed on their own data, roles allowed on another
# person's data, the attempt, a preparation made by an admin first)
OWNED = [
    (
        "entry add",
        "entry.write",
        ALL,
        ADMIN,
        lambda a, t: entries.add(
            a, entries.NewEntry("Ops", at("2026-11-18 09:00"), at("2026-11-18 10:00")), user=t
        ),
        None,
    ),
    (
        "entry edit",
        "entry.write",
        ALL,
        ADMIN,
        lambda a, t: entries.edit(
            a, open_entries(t)[0], entries.EntryChanges(description="changed")
        ),
        None,
    ),
    (
        "entry delete",
        "entry.write",
        ALL,
        ADMIN,
        lambda a, t: entries.delete(a, open_entries(t)[0]),
        None,
    ),
    (
        "entry split",
        "entry.write",
        ALL,
        ADMIN,
        lambda a, t: review.split(a, open_entries(t)[0], at("2026-11-17 09:30")),
        None,
    ),
    ("entry merge", "entry.write", ALL, ADMIN, lambda a, t: review.merge(a, open_entries(t)), None),
    (
        "entry retag",
        "entry.write",
        ALL,
        ADMIN,
        lambda a, t: review.retag(a, open_entries(t), "Web"),
        None,
    ),
    ("sessions rebuild", "entry.write", ALL, ADMIN, lambda a, t: capture.rebuild(a, user=t), None),
    (
        "expense edit",
        "expense.write",
        ALL,
        BILLING,
        lambda a, t: expenses.edit(
            a,
            expense_of(t),
            expenses.NewExpense("Ops", date(2026, 11, 17), amount=Decimal("12.50")),
        ),
        None,
    ),
    (
        "expense delete",
        "expense.write",
        ALL,
        BILLING,
        lambda a, t: expenses.delete(a, expense_of(t)),
        None,
    ),
    (
        "timesheet lock",
        "timesheet.lock",
        ALL,
        ADMIN,
        lambda a, t: timesheets.lock(a, date(2026, 11, 10), user=t),
        None,
    ),
    (
        "timesheet unlock",
        "timesheet.unlock",
        ADMIN,
        ADMIN,
        lambda a, t: timesheets.unlock(a, date(2026, 10, 15), user=t),
        None,
    ),
    (
        "timesheet approve",
        "timesheet.approve",
        ADMIN,
        APPROVING,
        lambda a, t: approvals.approve(a, web(t)),
        None,
    ),
    (
        "timesheet send back",
        "timesheet.approve",
        ADMIN,
        APPROVING,
        lambda a, t: approvals.send_back(a, web(t), "split the workshop from the build"),
        None,
    ),
    (
        "timesheet withdraw",
        "timesheet.approve",
        ADMIN,
        APPROVING,
        lambda a, t: approvals.withdraw(a, web(t)),
        lambda t: approvals.approve("ada", web(t)),
    ),
]


@by_the_test
def ready_invoice() -> str:
    return Invoice.get(Invoice.status == "ready").number


@by_the_test
def sent_invoice() -> str:
    return Invoice.get(Invoice.status == "sent").number


@by_the_test
def ready_line() -> int:
    return (
        InvoiceLine.select(InvoiceLine.id).join(Invoice).where(Invoice.status == "ready").scalar()
    )


UNOWNED = [
    ("invoice show", "invoice.read", BILLING, lambda a: invoices.show(a, ready_invoice())),
    ("invoice list", "invoice.read", BILLING, lambda a: invoices.list_invoices(a)),
    ("billing cycle", "invoice.read", BILLING, lambda a: billing_cycle.cycle(a)),
    ("sent documents", "invoice.read", BILLING, lambda a: billing_cycle.sent(a)),
    (
        "invoice create",
        "invoice.write",
        BILLING,
        lambda a: invoices.create(
            a, invoices.InvoiceRequest(project="Support", first=date(2026, 10, 1), last=OCT_LAST)
        ),
    ),
    (
        "invoice freeform",
        "invoice.write",
        BILLING,
        lambda a: corrections.freeform(
            a, "Globex", [corrections.FreeLine("Workshop", Decimal(1), Decimal(500))]
        ),
    ),
    ("invoice credit", "invoice.write", BILLING, lambda a: corrections.credit(a, sent_invoice())),
    (
        "invoice remove line",
        "invoice.write",
        BILLING,
        lambda a: invoice_lifecycle.remove_line(
            a,
            ready_invoice(),
            ready_line(),
        ),
    ),
    (
        "invoice delete",
        "invoice.write",
        BILLING,
        lambda a: invoice_lifecycle.delete(a, ready_invoice()),
    ),
    (
        "invoice mark sent",
        "invoice.write",
        BILLING,
        lambda a: invoice_lifecycle.mark_sent(a, ready_invoice()),
    ),
    (
        "invoice mark paid",
        "invoice.write",
        BILLING,
        lambda a: invoice_lifecycle.mark_paid(a, sent_invoice()),
    ),
    (
        "client add",
        "catalog.write",
        BILLING,
        lambda a: clients.add(a, clients.ClientChanges(name="Initech")),
    ),
    (
        "client set",
        "catalog.write",
        BILLING,
        lambda a: clients.update(a, "Globex", clients.ClientChanges(email="ap@globex.test")),
    ),
    (
        "project add",
        "catalog.write",
        BILLING,
        lambda a: projects.add(a, projects.ProjectChanges(name="Audit", client="Globex")),
    ),
    (
        "project set",
        "catalog.write",
        BILLING,
        lambda a: projects.update(a, "Ops", projects.ProjectChanges(rate=Decimal("85"))),
    ),
    ("user add", "user.write", ADMIN, lambda a: users.add(a, "dora")),
    ("user set role", "user.write", ADMIN, lambda a: users.set_role(a, OTHER, "finance")),
]


def build_team() -> None:
    """ada (admin) runs the organisation; cole, ava, fay and ben each have October time
    on Web (approval by ava), Ops and Support, locked; two open sessions and an expense
    in November. Ops' October is invoiced and sent; a freeform invoice is ready."""
    org.init(org.OrgSettings(name="Acme", code="ACME", address="Hauptstr. 1"), "ada")
    for name, role in [*ROLE_OF.items(), (OTHER, "consultant")]:
        if name != "ada":
            users.add("ada", name, role)
    clients.add("ada", clients.ClientChanges(name="Globex", address="1 Main St"))
    for name, approval in (("Web", True), ("Ops", False), ("Support", False)):
        projects.add(
            "ada",
            projects.ProjectChanges(
                name=name,
                client="Globex",
                rate=Decimal("90"),
                schedule="monthly",
                approval_required=approval,
                approver="ava" if approval else None,
            ),
        )
    for name in ROLE_OF.keys() | {OTHER}:
        for project, day in (("Web", 5), ("Ops", 6), ("Support", 7)):
            start = at(f"2026-10-{day:02d} 09:00")
            entries.add("ada", entries.NewEntry(project, start, start + 3 * 3600), user=name)
        for hour in (9, 10):
            start = at(f"2026-11-17 {hour:02d}:00")
            entries.add("ada", entries.NewEntry("Ops", start, start + 3600), user=name)
        expenses.add(name, expenses.NewExpense("Ops", date(2026, 11, 17), amount=Decimal("9")))
        timesheets.lock("ada", OCT_LAST, user=name)
    sent = invoices.create(
        "ada", invoices.InvoiceRequest(project="Ops", first=date(2026, 10, 1), last=OCT_LAST)
    )
    invoice_lifecycle.mark_sent("ada", sent.number)
    lines = [corrections.FreeLine(f"Item {n}", Decimal(1), Decimal(100)) for n in (1, 2)]
    corrections.freeform("ada", "Globex", lines)


def snapshot() -> dict[str, list]:
    return {
        model._meta.table_name: sorted(map(repr, model.select().tuples())) for model in ALL_MODELS
    }


def attempt(act, prepare=None, actor: str | None = None) -> str:
    """Run ``act`` in a transaction that is rolled back; "allowed" or "denied". With
    ``actor``, logged in as them on PostgreSQL."""
    with db.atomic() as outer:
        if prepare is not None:
            prepare()
        before = snapshot()
        ACTING[0] = actor
        become(actor)
        try:
            act()
            outcome = "allowed"
        except (PermissionDenied, NotFound) as refused:
            # A login does not even see what is not theirs to see (row-level security).
            assert isinstance(refused, PermissionDenied) or not is_sqlite(), refused
            become(None)
            assert snapshot() == before, "a refused operation changed data"
            outcome = "denied"
        finally:
            ACTING[0] = None
        outer.rollback()
    return outcome


@pytest.fixture
def team(engine):
    handle = open_database(engine)
    build_team()
    yield
    handle.close()


def test_each_role_against_each_action(team):
    """Every attempt runs in a transaction that is rolled back, so all of them meet the
    same data; every mismatch is listed at once. On PostgreSQL each runs logged in as its
    actor: what the services allow, the server's rights allow too."""
    wrong = []
    for role in sorted(ALL):
        actor = ACTOR[role]
        for action, _, own, others, act, prepare in OWNED:
            for target, allowed in ((actor, own), (OTHER, others)):
                outcome = attempt(
                    lambda actor=actor, target=target, act=act: act(actor, target),
                    prepare and (lambda target=target, prepare=prepare: prepare(target)),
                    actor,
                )
                expected = "allowed" if role in allowed else "denied"
                if outcome != expected:
                    whose = "own" if target == actor else "other's"
                    wrong.append(f"{role} {action} ({whose}): {outcome}, expected {expected}")
        for action, _, allowed, act in UNOWNED:
            outcome = attempt(lambda actor=actor, act=act: act(actor), actor=actor)
            expected = "allowed" if role in allowed else "denied"
            if outcome != expected:
                wrong.append(f"{role} {action}: {outcome}, expected {expected}")
    assert wrong == []


def test_every_rule_is_exercised():
    exercised = {case[1] for case in OWNED} | {case[1] for case in UNOWNED}
    assert exercised == set(permissions.RULES)


def test_a_refusal_names_the_person_and_who_may(team):
    with pytest.raises(PermissionDenied, match=r"cole \(consultant\) may not unlock .* an admin"):
        timesheets.unlock("cole", date(2026, 10, 1), user="cole")
    with pytest.raises(PermissionDenied, match="only for themselves, not ben's"):
        entries.delete("cole", open_entries(OTHER)[0])
    with pytest.raises(PermissionDenied, match="ava .* may not approve their own time"):
        approvals.approve("ava", web("ava"))
    with pytest.raises(PermissionDenied, match="finance or an admin"):
        invoice_lifecycle.mark_sent("cole", ready_invoice())


def test_an_approver_approves_only_projects_they_own_or_are_named_for(team):
    users.add("ada", "ivo", "approver")
    with pytest.raises(PermissionDenied, match="ivo .* does not approve Web"):
        approvals.approve("ivo", web(OTHER))
    projects.update("ada", "Web", projects.ProjectChanges(owner="ivo"))
    approved = approvals.approve("ivo", web(OTHER))  # owners approve too
    assert approved.people == (OTHER,)


def test_who_sees_whose_time(team):
    def seen(viewer: str, user: str | None = None) -> set[tuple[str, str]]:
        found = entries.list_entries(entries.EntryFilter(user=user, viewer=viewer))
        return {(e.user, e.project) for e in found}

    everyone = ROLE_OF.keys() | {OTHER}
    assert {user for user, _ in seen("ada")} == everyone
    assert {user for user, _ in seen("fay")} == everyone
    assert {user for user, _ in seen("cole")} == {"cole"}
    with pytest.raises(PermissionDenied, match="sees only their own time"):
        seen("cole", OTHER)
    # An approver sees their own time and the time of the projects they approve.
    assert seen("ava", OTHER) == {(OTHER, "Web")}
    assert {p for u, p in seen("ava") if u == "ava"} == {"Web", "Ops", "Support"}


def test_the_first_user_of_an_organisation_is_its_admin(engine):
    handle = open_database(engine)
    try:
        org.init(org.OrgSettings(name="Acme", code="ACME"), "ada")
        assert [(u.name, u.role) for u in users.list_all()] == [("ada", "admin")]
        with pytest.raises(Exception, match="only admin"):
            users.set_role("ada", "ada", "consultant")
    finally:
        handle.close()
