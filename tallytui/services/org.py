"""Setting up the organisation: who issues the invoices, in which currency and zone."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..domain.errors import Conflict, InvalidInput
from ..domain.identifiers import (
    check_bic,
    check_country,
    check_endpoint,
    check_iban,
    check_vat_id,
)
from ..domain.languages import check_language
from ..domain.localtime import check_timezone, local_date
from ..domain.logo import LogoImage, check_logo
from ..domain.money import basis_points_to_percent, check_currency, percent_to_basis_points
from ..domain.names import address_text, check_name, check_org_code, check_user_name
from ..domain.rounding import parse_rounding
from ..store import team_roles
from ..store.db import is_sqlite, write_transaction
from ..store.models import Logo, Organisation, User, db
from . import lookup, permissions
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
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    contact: str = ""
    tax_number: str = ""
    registration: str = ""
    endpoint: str = ""
    language: str = "en"


@dataclass(frozen=True)
class OrgChanges:
    """Fields of :class:`OrgSettings` to change; None leaves a field as it is."""

    name: str | None = None
    code: str | None = None
    currency: str | None = None
    timezone: str | None = None
    address: str | None = None
    email: str | None = None
    vat_id: str | None = None
    iban: str | None = None
    bic: str | None = None
    bank_name: str | None = None
    tax_rate: Decimal | None = None
    payment_terms_days: int | None = None
    rounding: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    phone: str | None = None
    contact: str | None = None
    tax_number: str | None = None
    registration: str | None = None
    endpoint: str | None = None
    language: str | None = None
    logo: str | None = None  # a PNG or JPEG file to read; "" removes the logo
    creditor_reference: bool | None = None


def check_terms(days: int) -> int:
    if not 0 <= days <= 365:
        raise InvalidInput(f"terms: {days} days is not between 0 and 365")
    return days


def _text(value: str) -> str:
    return value.strip()


# Field -> (column, check): every value typed for the organisation passes its check here,
# whether it comes from init, org set or the interface's form.
_CHECKS = {
    "name": ("name", lambda v: check_name(v, "organisation")),
    "code": ("code", check_org_code),
    "currency": ("currency", check_currency),
    "timezone": ("timezone", check_timezone),
    "address": ("address", address_text),
    "email": ("email", _text),
    "vat_id": ("vat_id", check_vat_id),
    "iban": ("iban", check_iban),
    "bic": ("bic", check_bic),
    "bank_name": ("bank_name", _text),
    "tax_rate": ("tax_rate_bp", percent_to_basis_points),
    "payment_terms_days": ("payment_terms_days", check_terms),
    "rounding": ("rounding", lambda v: r.spec() if (r := parse_rounding(v)) else None),
    "street": ("street", _text),
    "postcode": ("postcode", _text),
    "city": ("city", _text),
    "country": ("country", check_country),
    "phone": ("phone", _text),
    "contact": ("contact", _text),
    "tax_number": ("tax_number", _text),
    "registration": ("registration", _text),
    "endpoint": ("endpoint", check_endpoint),
    "language": ("language", check_language),
}


def _columns(fields: dict) -> dict:
    """Column values for the given fields, each checked; a field given as None is left
    out (on init: the column's default)."""
    return {
        _CHECKS[key][0]: _CHECKS[key][1](value)
        for key, value in fields.items()
        if value is not None and key in _CHECKS
    }


def read_logo(path: str) -> LogoImage | None:
    """The checked image of the file at ``path``; None for "" (no logo)."""
    if not path.strip():
        return None
    file = Path(path).expanduser()
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"--logo: cannot read {path}: {exc.strerror}") from None
    return check_logo(file.name, data)


def _stored_logo(image: LogoImage) -> Logo:
    """The logo row of this image, the one stored before if the same image was."""
    found = Logo.get_or_none(Logo.digest == image.digest)
    if found is not None:
        return found
    return Logo.create(
        digest=image.digest,
        media_type=image.media_type,
        width=image.width,
        height=image.height,
        data=base64.b64encode(image.data).decode("ascii"),
        created_at=now_utc(),
    )


def init(settings: OrgSettings, admin: str) -> OrgView:
    """Create the organisation and make the acting user its admin."""
    values = _columns(settings.__dict__)
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
        if not is_sqlite():
            team_roles.add_login(admin, "admin", None)
    return view(org)


def update(actor: str, changes: OrgChanges) -> OrgView:
    """Change the organisation's details; issued documents keep the copy they froze."""
    values = _columns(changes.__dict__)
    if changes.creditor_reference is not None:
        values["creditor_reference"] = changes.creditor_reference
    image = read_logo(changes.logo) if changes.logo is not None else None
    with write_transaction():
        permissions.require(lookup.user(actor), "catalog.write")
        org = lookup.organisation()
        if changes.logo is not None:
            values["logo"] = _stored_logo(image) if image else None
            values["logo_name"] = Path(changes.logo).name if image else ""
        for column, value in values.items():
            setattr(org, column, value)
        org.save()
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
        street=org.street,
        postcode=org.postcode,
        city=org.city,
        country=org.country,
        phone=org.phone,
        contact=org.contact,
        tax_number=org.tax_number,
        registration=org.registration,
        endpoint=org.endpoint,
        language=org.language,
        logo_name=org.logo_name,
        creditor_reference=org.creditor_reference,
    )


def current() -> OrgView:
    with db.atomic():
        return view(lookup.organisation())


def local_today(org: Organisation | OrgView) -> date:
    """Today's date in the organisation's time zone (from its row, or its view)."""
    return local_date(now_utc(), org.timezone)


def today() -> date:
    return local_today(lookup.organisation())
