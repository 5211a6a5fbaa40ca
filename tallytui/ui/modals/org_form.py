"""The organisation's details: who issues the invoices, as invoices and e-invoices name it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from ...domain.errors import InvalidInput
from ...domain.identifiers import check_bic, check_country, check_endpoint, check_iban, check_vat_id
from ...domain.languages import CHOICES as LANGUAGE_CHOICES
from ...domain.localtime import check_timezone
from ...domain.money import check_currency, parse_percent
from ...domain.names import address_text, check_name, check_org_code
from ...domain.rounding import parse_rounding
from ...services import org
from ...services.org import OrgChanges
from ...services.views import OrgView
from .form_fields import FormFields

if TYPE_CHECKING:
    from ..screens.base import AreaScreen

# (field id, label, placeholder): the form's one-line fields, in the order shown.
FIELDS = (
    ("name", "Name", ""),
    ("code", "Code", "ORG of ORG-YYYYMM-XXXX"),
    ("street", "Street", ""),
    ("postcode", "Post code", ""),
    ("city", "City", ""),
    ("country", "Country", "DE, FR, CH …"),
    ("contact", "Contact", "person or department (BT-41)"),
    ("phone", "Phone", "+49 30 1234567"),
    ("email", "E-mail", "billing@example.com"),
    ("vat_id", "VAT id", "DE123456789"),
    ("tax_number", "Tax number", "national tax number (BT-32)"),
    ("registration", "Registration", "HRB 12345, Amtsgericht Köln (BT-30)"),
    ("endpoint", "E-address", "SCHEME:ID, e.g. EM:billing@example.com"),
    ("iban", "IBAN", ""),
    ("bic", "BIC", ""),
    ("bank_name", "Bank", ""),
    ("logo_name", "Logo", "PNG or JPEG file; empty: no logo"),
    ("currency", "Currency", "EUR"),
    ("timezone", "Time zone", "Europe/Berlin"),
    ("tax", "Tax rate %", ""),
    ("terms", "Terms (days)", ""),
    ("rounding", "Rounding", "none, or N:up|down|nearest"),
)


def edit_org(area: AreaScreen, current: OrgView, focus: str | None = None) -> None:
    """Edit the organisation in the form and save it, from whichever area asks; ``focus``
    names the field to start in (the one a fix is about)."""
    area.app.push_screen(
        OrgForm(current, focus=focus),
        lambda changes: (
            changes
            and area.change(
                lambda: org.update(area.app.session.actor, changes),
                f"saved the details of {changes.name}",
            )
        ),
    )


def _value(current: OrgView, field: str) -> str:
    if field == "tax":
        return str(current.tax_rate)
    if field == "terms":
        return str(current.payment_terms_days)
    if field == "rounding":
        return current.rounding or "none"
    return getattr(current, field)


class OrgForm(FormFields, ModalScreen[OrgChanges | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="org.cancel"),
        Binding("ctrl+s", "save", "Save", id="org.save"),
    ]

    def __init__(self, current: OrgView, focus: str | None = None) -> None:
        super().__init__()
        self.current = current
        self.start_in = focus

    def on_mount(self) -> None:
        if self.start_in is not None:
            self.query_one(f"#{self.start_in}").focus()

    def compose(self) -> ComposeResult:
        c = self.current
        with Vertical(classes="dialog wide"):
            yield Label("Organisation", classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False), Grid(classes="form"):
                for field, label, placeholder in FIELDS:
                    yield Label(label)
                    yield Input(_value(c, field), id=field, placeholder=placeholder)
                    if field == "country" and c.address:  # typed before addresses had parts
                        yield Label("Address (text)")
                        yield TextArea(c.address, id="address")
                    if field == "bank_name":
                        yield Label("QR-bills")
                        yield Checkbox(
                            "SCOR reference (RF…) from the invoice number",
                            c.creditor_reference,
                            id="creditor_reference",
                        )
                yield Label("Language")
                yield Select(
                    LANGUAGE_CHOICES,
                    value=c.language,
                    allow_blank=False,
                    id="language",
                )
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label("[b]ctrl+s[/b] save   [b]esc[/b] cancel", classes="dialog-keys")

    def changes(self) -> OrgChanges:
        """What the form says, each field checked by the rules the service applies."""
        terms = self._text("terms")
        if not terms.isdigit():
            raise InvalidInput(f"terms: {terms!r} is not a number of days")
        rounding = parse_rounding(self._text("rounding"))
        address = self.query("#address")
        return OrgChanges(
            name=check_name(self._text("name"), "name"),
            code=check_org_code(self._text("code")),
            street=self._text("street"),
            postcode=self._text("postcode"),
            city=self._text("city"),
            country=self._checked("country", check_country, "country"),
            address=address_text(address.first(TextArea).text) if address else None,
            contact=self._text("contact"),
            phone=self._text("phone"),
            email=self._text("email"),
            vat_id=self._checked("vat_id", check_vat_id, "VAT id"),
            tax_number=self._text("tax_number"),
            registration=self._text("registration"),
            endpoint=self._checked("endpoint", check_endpoint, "e-address"),
            iban=self._checked("iban", check_iban, "IBAN"),
            bic=self._checked("bic", check_bic, "BIC"),
            bank_name=self._text("bank_name"),
            currency=check_currency(self._text("currency")),
            timezone=check_timezone(self._text("timezone")),
            tax_rate=parse_percent(self._text("tax") or "0", "tax rate"),
            payment_terms_days=int(terms),
            rounding=rounding.spec() if rounding else "none",
            language=self.query_one("#language", Select).value,
            logo=self._logo(),
            creditor_reference=self.query_one("#creditor_reference", Checkbox).value,
        )

    def _logo(self) -> str | None:
        """A file to read the logo from ("": remove it); None keeps the stored one, whose
        file name the field shows."""
        text = self._text("logo_name")
        return None if text == self.current.logo_name else text

    @on(Input.Submitted)
    def action_save(self) -> None:
        try:
            self.dismiss(self.changes())
        except InvalidInput as exc:
            self.query_one("#form-error", Label).update(str(exc))

    def action_cancel(self) -> None:
        self.dismiss(None)
