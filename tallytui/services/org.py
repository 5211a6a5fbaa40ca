"""Setting up the organisation: who issues the invoices, in which currency and zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..domain.errors import Conflict, InvalidInput
from ..domain.localtime import check_timezone, local_date
from ..domain.money import basis_points_to_percent, check_currency, percent_to_basis_points
from ..domain.names import check_name, check_org_code, check_user_name
from ..domain.rounding import parse_rounding
from ..store.db import write_transaction
from ..store.models import Organisation, User, db
from . import lookup
from .clock import now_utc
from .views import OrgView


@dataclass(frozen=True)
class OrgSettings:
    name: str
    code: str
    currency: str = "EUR"
    timezone: str = "Europe/Berlin"
    address: str = ""
    email: str = ""
    vat_id: str = ""
    iban: str = ""
    bic: str = ""
    bank_name: str = ""
    tax_rate: Decimal = Decimal("0")
    payment_terms_days: int = 14
    rounding: str | None = None


def check_terms(days: int) -> int:
    if not 0 <= days <= 365:
        raise InvalidInput(f"terms: {days} days is not between 0 and 365")
    return days


def init(settings: OrgSettings, admin: str) -> OrgView:
    """Create the organisation and make the acting user its admin."""
    values = dict(
        name=check_name(settings.name, "organisation"),
        code=check_org_code(settings.code),
        currency=check_currency(settings.currency),
        timezone=check_timezone(settings.timezone),
        address=settings.address.strip(),
        email=settings.email.strip(),
        vat_id=settings.vat_id.strip(),
        iban=settings.iban.replace(" ", "").upper(),
        bic=settings.bic.strip().upper(),
        bank_name=settings.bank_name.strip(),
        tax_rate_bp=percent_to_basis_points(settings.tax_rate),
        payment_terms_days=check_terms(settings.payment_terms_days),
        rounding=r.spec() if (r := parse_rounding(settings.rounding)) else None,
    )
    admin = check_user_name(admin)
    with write_transaction():
        if Organisation.select().exists():
            raise Conflict("this database already has an organisation; nothing was changed")
        now = now_utc()
        org = Organisation.create(created_at=now, **values)
        existing = User.get_or_none(User.name == admin)
        if existing is None:
            User.create(name=admin, role="admin", created_at=now)
        else:
            existing.role = "admin"
            existing.save()
    return view(org)


def view(org: Organisation) -> OrgView:
    return OrgView(
        name=org.name,
        code=org.code,
        currency=org.currency,
        timezone=org.timezone,
        address=org.address,
        email=org.email,
        vat_id=org.vat_id,
        iban=org.iban,
        bic=org.bic,
        bank_name=org.bank_name,
        tax_rate=basis_points_to_percent(org.tax_rate_bp),
        payment_terms_days=org.payment_terms_days,
        rounding=org.rounding,
    )


def current() -> OrgView:
    with db.atomic():
        return view(lookup.organisation())


def local_today(org: Organisation | OrgView) -> date:
    """Today's date in the organisation's time zone (from its row, or its view)."""
    return local_date(now_utc(), org.timezone)


def today() -> date:
    return local_today(lookup.organisation())
