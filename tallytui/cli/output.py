"""JSON shapes of the public contract, built from service views."""

from __future__ import annotations

from decimal import Decimal

from ..domain.localtime import format_utc
from ..domain.money import format_plain
from ..services.views import ClientView, EntryView, ExpenseView, OrgView, ProjectView


def hours(seconds: int) -> str:
    return format_plain(Decimal(seconds) / 3600)


def money(value: Decimal | None) -> str | None:
    """Amounts arrive quantised to their currency's minor unit (EUR 2 decimals, JPY none)."""
    return None if value is None else str(value)


def entry_json(e: EntryView) -> dict:
    return {
        "id": e.id,
        "project": e.project,
        "client": e.client,
        "user": e.user,
        "start": format_utc(e.start_utc),
        "end": format_utc(e.end_utc),
        "seconds": e.seconds,
        "date": e.day.isoformat(),
        "hours": hours(e.seconds),
        "description": e.description,
        "billable": e.billable,
        "source": e.source,
        "state": e.state,
        "invoice": e.invoice,
    }


def client_json(c: ClientView) -> dict:
    return {
        "name": c.name,
        "currency": c.currency,
        "address": c.address,
        "email": c.email,
        "vat_id": c.vat_id,
        "terms": c.payment_terms_days,
        "tax_rate": format_plain(c.tax_rate),
        "vat": c.vat,
        "exemption_reason": c.exemption_reason,
        "archived": c.archived,
        "street": c.street,
        "postcode": c.postcode,
        "city": c.city,
        "country": c.country,
        "buyer_reference": c.buyer_reference,
        "endpoint": c.endpoint,
        "einvoice": c.einvoice,
        "language": c.language,
    }


def org_json(o: OrgView) -> dict:
    return {
        "name": o.name,
        "code": o.code,
        "currency": o.currency,
        "timezone": o.timezone,
        "address": o.address,
        "street": o.street,
        "postcode": o.postcode,
        "city": o.city,
        "country": o.country,
        "email": o.email,
        "phone": o.phone,
        "contact": o.contact,
        "vat_id": o.vat_id,
        "tax_number": o.tax_number,
        "registration": o.registration,
        "endpoint": o.endpoint,
        "language": o.language,
        "iban": o.iban,
        "bic": o.bic,
        "bank_name": o.bank_name,
        "creditor_reference": o.creditor_reference,
        "logo": o.logo_name,
        "tax_rate": format_plain(o.tax_rate),
        "terms": o.payment_terms_days,
        "round": o.rounding,
    }


def project_json(p: ProjectView) -> dict:
    return {
        "name": p.name,
        "client": p.client,
        "currency": p.currency,
        "rate": money(p.rate),
        "rates": [
            {"from": r.valid_from.isoformat() if r.valid_from else None, "rate": money(r.amount)}
            for r in p.rates
        ],
        "billable": p.billable,
        "schedule": p.schedule,
        "schedule_start": p.schedule_start.isoformat() if p.schedule_start else None,
        "approval": p.approval_required,
        "approver": p.approver,
        "owner": p.owner,
        "round": p.rounding,
        "watch": list(p.watch),
        "urls": list(p.urls),
        "archived": p.archived,
    }


def expense_json(x: ExpenseView) -> dict:
    return {
        "id": x.id,
        "project": x.project,
        "client": x.client,
        "user": x.user,
        "date": x.day.isoformat(),
        "quantity": format_plain(x.quantity),
        "unit": x.unit,
        "unit_price": money(x.unit_price),
        "amount": money(x.amount),
        "currency": x.currency,
        "category": x.category,
        "description": x.description,
        "billable": x.billable,
        "invoice": x.invoice,
        "tax_rate": None if x.tax_rate is None else format_plain(x.tax_rate),
    }


def _day(value) -> str | None:
    return value.isoformat() if value else None


def invoice_json(v) -> dict:
    """The contract's invoice shape, from an ``InvoiceView``."""
    return {
        "number": v.number,
        "kind": v.kind,
        "status": v.status,
        "client": v.client,
        "project": v.project,
        "issue_date": _day(v.issue_date),
        "due_date": _day(v.due_date),
        "currency": v.currency,
        "period_start": _day(v.period_start),
        "period_end": _day(v.period_end),
        "credits": v.credits,
        "lines": [
            {
                "id": line.id,
                "description": line.description,
                "project": line.project,
                "type": line.line_type,
                "quantity": format_plain(line.quantity),
                "unit": line.unit,
                "unit_price": money(line.unit_price),
                "amount": money(line.amount),
                "entries": list(line.entries),
                "expenses": list(line.expenses),
                "credits_line": line.credits_line,
                "tax_category": line.tax_category,
                "tax_rate": format_plain(line.tax_rate),
            }
            for line in v.lines
        ],
        "subtotal": money(v.subtotal),
        "tax_rate": format_plain(v.tax_rate),
        "tax": money(v.tax),
        "total": money(v.total),
        "tax_breakdown": [tax_json(g) for g in v.tax_breakdown],
        "grouping": v.grouping,
        "round": v.rounding,
        "reason": v.reason,
        "terms": v.payment_terms_days,
        "paid_on": _day(v.paid_on),
        "paid": money(v.paid),
        "open": money(v.open),
        "overdue_days": v.overdue_days,
        "seller": dict(v.seller.__dict__),
        "buyer": dict(v.buyer.__dict__),
        "language": v.language,
    }


def tax_json(g) -> dict:
    """One row of the VAT breakdown: ``category`` is the EN 16931 code, as on each line."""
    return {
        "category": g.category,
        "rate": format_plain(g.rate),
        "taxable": money(g.taxable),
        "tax": money(g.tax),
        "exemption_code": (g.exemption.code or None) if g.exemption else None,
        "exemption_reason": g.exemption.text if g.exemption else None,
    }


def invoice_summary_json(s) -> dict:
    return {
        "number": s.number,
        "kind": s.kind,
        "status": s.status,
        "client": s.client,
        "issue_date": _day(s.issue_date),
        "due_date": _day(s.due_date),
        "currency": s.currency,
        "total": money(s.total),
        "paid": money(s.paid),
        "open": money(s.open),
        "overdue_days": s.overdue_days,
    }
