"""The invoice register: gap-free numbers taken inside the caller's write transaction."""

from __future__ import annotations

from datetime import date

from ..domain.numbering import format_number, next_sequence, parse_number, register_period
from ..store.db import is_sqlite
from ..store.models import NumberCounter, Organisation


def _counter(org: Organisation, period: str) -> NumberCounter:
    """The month's counter row, locked for this transaction.

    SQLite already holds the write lock (BEGIN IMMEDIATE); PostgreSQL locks the row, and
    creating it first with ON CONFLICT DO NOTHING keeps two first-of-the-month writers from
    failing on the unique key.
    """
    NumberCounter.insert(
        organisation=org, period=period, last_number=0
    ).on_conflict_ignore().execute()
    query = NumberCounter.select().where(
        (NumberCounter.organisation == org) & (NumberCounter.period == period)
    )
    return query.get() if is_sqlite() else query.for_update().get()


def take_number(org: Organisation, issue_date: date) -> str:
    """The next number of the issue month; must run inside ``write_transaction``."""
    period = register_period(issue_date)
    counter = _counter(org, period)
    sequence = next_sequence(counter.last_number, period)
    NumberCounter.update(last_number=sequence).where(NumberCounter.id == counter.id).execute()
    return format_number(org.code, period, sequence)


def give_back(org: Organisation, number: str) -> bool:
    """Return ``number`` to the register if it is the newest of its month.

    True when the counter rolled back (the document may then disappear); False when a later
    number exists, so the document must stay as void to keep the register gap-free.
    """
    parsed = parse_number(number)
    if parsed is None:
        return False
    _, period, sequence = parsed
    counter = _counter(org, period)
    if counter.last_number != sequence:
        return False
    NumberCounter.update(last_number=sequence - 1).where(NumberCounter.id == counter.id).execute()
    return True


def is_newest(number: str) -> bool:
    """Whether deleting ``number`` now would give it back (True) or leave it void (False)."""
    parsed = parse_number(number)
    if parsed is None:
        return False
    code, period, sequence = parsed
    last = (
        NumberCounter.select(NumberCounter.last_number)
        .join(Organisation)
        .where((Organisation.code == code) & (NumberCounter.period == period))
        .scalar()
    )
    return last == sequence
