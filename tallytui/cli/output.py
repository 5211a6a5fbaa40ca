"""JSON shapes of the public contract, built from service views."""

from __future__ import annotations

from decimal import Decimal

from ..domain.localtime import format_utc
from ..domain.money import format_plain
from ..services.views import ClientView, EntryView, ExpenseView, ProjectView


def hours(seconds: int) -> str:
    return format_plain(Decimal(seconds) / 3600)


def money(value: Decimal | None) -> str | None:
    """Amounts arrive quantised to their currency's minor unit (EUR 2 decimals, JPY none)."""
    return None if value is None else str(value)


def entry_json(e: EntryView) -> dict:
    return {
        "id": e.id, "project": e.project, "client": e.client, "user": e.user,
        "start": format_utc(e.start_utc), "end": format_utc(e.end_utc), "seconds": e.seconds,
        "date": e.day.isoformat(), "hours": hours(e.seconds), "description": e.description,
        "billable": e.billable, "source": e.source, "state": e.state, "invoice": e.invoice,
    }


def client_json(c: ClientView) -> dict:
    return {
        "name": c.name, "currency": c.currency, "address": c.address, "email": c.email,
        "vat_id": c.vat_id, "terms": c.payment_terms_days, "tax_rate": format_plain(c.tax_rate),
        "archived": c.archived,
    }


def project_json(p: ProjectView) -> dict:
    return {
        "name": p.name, "client": p.client, "currency": p.currency, "rate": money(p.rate),
        "rates": [
            {"from": r.valid_from.isoformat() if r.valid_from else None, "rate": money(r.amount)}
            for r in p.rates
        ],
        "billable": p.billable, "schedule": p.schedule,
        "schedule_start": p.schedule_start.isoformat() if p.schedule_start else None,
        "approval": p.approval_required, "approver": p.approver, "round": p.rounding,
        "watch": list(p.watch), "urls": list(p.urls), "archived": p.archived,
    }


def expense_json(x: ExpenseView) -> dict:
    return {
        "id": x.id, "project": x.project, "client": x.client, "user": x.user,
        "date": x.day.isoformat(), "quantity": format_plain(x.quantity), "unit": x.unit,
        "unit_price": money(x.unit_price), "amount": money(x.amount), "currency": x.currency,
        "category": x.category, "description": x.description, "billable": x.billable,
        "invoice": x.invoice,
    }
