"""A client's details: what an invoice to them needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, TextArea

from ...domain.einvoice_requirements import EINVOICE_FORMATS
from ...domain.errors import InvalidInput
from ...domain.identifiers import check_country, check_endpoint, check_vat_id
from ...domain.languages import CHOICES as LANGUAGE_CHOICES
from ...domain.money import check_currency, parse_percent
from ...domain.names import address_text, check_name
from ...domain.vat import CATEGORIES as VAT_WORDS
from ...domain.vat import check_reason, parse_category
from ...services import clients
from ...services.clients import ClientChanges
from ...services.views import ClientView
from .form_fields import FormFields

if TYPE_CHECKING:
    from ..screens.base import AreaScreen


def edit_client(area: AreaScreen, current: ClientView, focus: str | None = None) -> None:
    """Edit ``current`` in the form and save what changed, from whichever area asks;
    ``focus`` names the field to start in (the one a fix is about)."""
    area.app.push_screen(
        ClientForm(current, focus=focus),
        lambda changes: (
            changes
            and area.change(
                lambda: clients.update(area.app.session.actor, current.name, changes),
                f"saved client {changes.name}",
            )
        ),
    )


class ClientForm(FormFields, ModalScreen[ClientChanges | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="client.cancel"),
        Binding("ctrl+s", "save", "Save", id="client.save"),
    ]

    def __init__(
        self, current: ClientView | None = None, currency: str = "EUR", focus: str | None = None
    ) -> None:
        super().__init__()
        self.current = current
        self.currency = currency
        self.start_in = focus

    def on_mount(self) -> None:
        if self.start_in is not None:
            field = self.query_one(f"#{self.start_in}")
            field.focus()
            if isinstance(field, TextArea):  # typing goes after what is there
                field.move_cursor(field.document.end)

    def compose(self) -> ComposeResult:
        c = self.current
        with Vertical(classes="dialog wide"):
            yield Label(
                f"Client {c.name}" if c else "New client", classes="dialog-title", markup=False
            )
            with VerticalScroll(classes="dialog-body", can_focus=False), Grid(classes="form"):
                yield Label("Name")
                yield Input(c.name if c else "", id="name")
                yield Label("Currency")
                yield Input(c.currency if c else self.currency, id="currency")
                yield Label("Street")
                yield Input(c.street if c else "", id="street")
                yield Label("Post code")
                yield Input(c.postcode if c else "", id="postcode")
                yield Label("City")
                yield Input(c.city if c else "", id="city")
                yield Label("Country")
                yield Input(c.country if c else "", id="country", placeholder="DE, FR, CH …")
                if c and c.address:  # typed before the address had parts; kept as it was
                    yield Label("Address (text)")
                    yield TextArea(c.address, id="address")
                yield Label("E-mail")
                yield Input(c.email if c else "", id="email")
                yield Label("VAT id")
                yield Input(c.vat_id if c else "", id="vat_id", placeholder="DE136695976")
                yield Label("Buyer ref.")
                yield Input(
                    c.buyer_reference if c else "",
                    id="buyer_reference",
                    placeholder="BT-10, the Leitweg-ID of a German public buyer",
                )
                yield Label("E-address")
                yield Input(
                    c.endpoint if c else "",
                    id="endpoint",
                    placeholder="SCHEME:ID, e.g. EM:ap@example.com, 0204:991-…",
                )
                yield Label("E-invoice")
                yield Select(
                    [(name, name) for name in EINVOICE_FORMATS],
                    value=c.einvoice if c else "none",
                    allow_blank=False,
                    id="einvoice",
                )
                yield Label("Language")
                yield Select(
                    [
                        ("organisation's", ""),
                        *LANGUAGE_CHOICES,
                    ],
                    value=c.language if c and c.own_language else "",
                    allow_blank=False,
                    id="language",
                )
                yield Label("Terms (days)")
                yield Input(
                    str(c.payment_terms_days) if c else "",
                    id="terms",
                    placeholder="organisation default",
                )
                yield Label("Tax rate %")
                yield Input(
                    str(c.tax_rate) if c else "", id="tax", placeholder="organisation default"
                )
                yield Label("VAT")
                yield Select(
                    [(word, word) for word in VAT_WORDS],
                    value=c.vat if c else "standard",
                    allow_blank=False,
                    id="vat",
                )
                yield Label("Exemption")
                yield Input(
                    c.exemption_reason if c else "",
                    id="exemption_reason",
                    placeholder="why no VAT is charged (default: the category's own words)",
                )
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label("[b]ctrl+s[/b] save   [b]esc[/b] cancel", classes="dialog-keys")

    def changes(self) -> ClientChanges:
        """What the form says, each field checked by the rules the service applies."""
        terms = self._text("terms")
        if terms and not terms.isdigit():
            raise InvalidInput(f"terms: {terms!r} is not a number of days")
        tax = self._text("tax")
        vat = self.query_one("#vat", Select).value
        address = self.query("#address")
        return ClientChanges(
            name=check_name(self._text("name"), "name"),
            currency=check_currency(self._text("currency")),
            street=self._text("street"),
            postcode=self._text("postcode"),
            city=self._text("city"),
            country=self._checked("country", check_country, "country"),
            address=address_text(address.first(TextArea).text) if address else None,
            email=self._text("email"),
            vat_id=self._checked("vat_id", check_vat_id, "VAT id"),
            buyer_reference=self._text("buyer_reference"),
            endpoint=self._checked("endpoint", check_endpoint, "e-address"),
            einvoice=self.query_one("#einvoice", Select).value,
            language=self.query_one("#language", Select).value,
            payment_terms_days=int(terms) if terms else None,
            tax_rate=parse_percent(tax, "tax rate") if tax else None,
            vat=vat,
            exemption_reason=check_reason(parse_category(vat), self._text("exemption_reason")),
        )

    @on(Input.Submitted)
    def action_save(self) -> None:
        try:
            self.dismiss(self.changes())
        except InvalidInput as exc:
            self.query_one("#form-error", Label).update(str(exc))

    def action_cancel(self) -> None:
        self.dismiss(None)
