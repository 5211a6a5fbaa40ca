"""Clients: who is billed, in which currency, on which terms."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..domain.einvoice_requirements import EINVOICE_FORMATS
from ..domain.errors import Conflict, InvalidInput
from ..domain.identifiers import check_country, check_endpoint, check_vat_id
from ..domain.languages import check_language
from ..domain.money import basis_points_to_percent, check_currency, percent_to_basis_points
from ..domain.names import address_text, check_name
from ..domain.vat import WORDS, check_reason, parse_category
from ..mail.addresses import check_list
from ..store.db import write_transaction
from ..store.models import Client, Organisation, db
from . import lookup, permissions
from .clock import now_utc
from .org import check_terms
from .views import ClientView


@dataclass(frozen=True)
class ClientChanges:
    """Fields to set; None leaves a field as it is (on add: the organisation's default)."""

    name: str | None = None
    currency: str | None = None
    address: str | None = None
    email: str | None = None
    vat_id: str | None = None
    payment_terms_days: int | None = None
    tax_rate: Decimal | None = None
    archived: bool | None = None
    vat: str | None = None  # a category word or EN 16931 code
    exemption_reason: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    buyer_reference: str | None = None
    endpoint: str | None = None
    einvoice: str | None = None
    language: str | None = None  # "" returns the client to the organisation's language


def check_einvoice(value: str, field: str = "--einvoice") -> str:
    name = (value or "").strip().lower()
    if name not in EINVOICE_FORMATS:
        raise InvalidInput(f"{field}: {value} is not one of {', '.join(EINVOICE_FORMATS)}")
    return name


def _text(value: str) -> str:
    return value.strip()


# Every value typed for a client passes its check here, from the command line or the form.
_CHECKS = {
    "address": address_text,
    "email": check_list,
    "vat_id": check_vat_id,
    "street": _text,
    "postcode": _text,
    "city": _text,
    "country": check_country,
    "buyer_reference": _text,
    "endpoint": check_endpoint,
    "einvoice": check_einvoice,
}


def view(row: Client, org: Organisation) -> ClientView:
    terms = row.payment_terms_days
    tax = row.tax_rate_bp
    return ClientView(
        name=row.name,
        currency=row.currency,
        address=row.address,
        email=row.email,
        vat_id=row.vat_id,
        archived=row.archived,
        payment_terms_days=org.payment_terms_days if terms is None else terms,
        tax_rate=basis_points_to_percent(org.tax_rate_bp if tax is None else tax),
        vat=WORDS[row.vat_category],
        exemption_reason=row.vat_exemption_reason,
        street=row.street,
        postcode=row.postcode,
        city=row.city,
        country=row.country,
        buyer_reference=row.buyer_reference,
        endpoint=row.endpoint,
        einvoice=row.einvoice,
        language=row.language or org.language,
        own_language=row.language is not None,
    )


def _apply(row: Client, changes: ClientChanges) -> None:
    if changes.name is not None:
        row.name = check_name(changes.name, "client")
    if changes.currency is not None:
        row.currency = check_currency(changes.currency)
    for text_field, check in _CHECKS.items():
        value = getattr(changes, text_field)
        if value is not None:
            setattr(row, text_field, check(value))
    if changes.payment_terms_days is not None:
        row.payment_terms_days = check_terms(changes.payment_terms_days)
    if changes.tax_rate is not None:
        row.tax_rate_bp = percent_to_basis_points(changes.tax_rate)
    if changes.language is not None:
        row.language = check_language(changes.language) if changes.language.strip() else None
    if changes.archived is not None:
        row.archived = changes.archived
    if changes.vat is not None:
        category = parse_category(changes.vat)
        if category != row.vat_category:  # the old reason was the old category's
            row.vat_category, row.vat_exemption_reason = category, ""
    if changes.exemption_reason is not None:
        row.vat_exemption_reason = changes.exemption_reason
    row.vat_exemption_reason = check_reason(row.vat_category, row.vat_exemption_reason)


def _refuse_duplicate(name: str, own_id: int | None = None) -> None:
    query = Client.select().where(Client.name == name)
    if own_id is not None:
        query = query.where(Client.id != own_id)
    if query.exists():
        raise Conflict(f"a client named {name!r} exists already")


def add(actor: str, changes: ClientChanges) -> ClientView:
    with write_transaction():
        org = lookup.organisation()
        permissions.require(lookup.user(actor), "catalog.write")
        row = Client(currency=org.currency, created_at=now_utc())
        _apply(row, changes)
        _refuse_duplicate(row.name)
        row.save()
        return view(row, org)


def update(actor: str, name: str, changes: ClientChanges) -> ClientView:
    with write_transaction():
        permissions.require(lookup.user(actor), "catalog.write")
        row = lookup.client(name)
        _apply(row, changes)
        _refuse_duplicate(row.name, row.id)
        row.save()
        return view(row, lookup.organisation())


def list_all(include_archived: bool = True) -> list[ClientView]:
    with db.atomic():
        org = lookup.organisation()
        query = Client.select().order_by(Client.name)
        if not include_archived:
            query = query.where(Client.archived == False)  # noqa: E712
        return [view(row, org) for row in query]
