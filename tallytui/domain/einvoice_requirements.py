"""What each e-invoice format requires of the parties, and the command that fills each gap.

A receiver's validator rejects a document that lacks a mandatory element; tally names the
gap before writing anything instead. The rules are those of the official validation
artefacts: EN 16931 (CEN, BR-*), XRechnung (KoSIT, BR-DE-*) and Peppol BIS Billing 3.0
(PEPPOL-EN16931-*). Only what tally's own data can leave out is checked here; the writers
produce the rest (dates, totals, codes) themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from .identifiers import SCHEMES, parse_endpoint

# A client's preferred format (`tally client set --einvoice`).
EINVOICE_FORMATS = ("none", "facturx", "xrechnung-cii", "xrechnung-ubl", "peppol")
# What can be exported, and so checked: EN 16931 in either syntax and the CIUS built on it.
FORMATS = ("cii", "ubl", "facturx", "xrechnung-cii", "xrechnung-ubl", "peppol")
LABELS = {
    "cii": "EN 16931 (CII)",
    "ubl": "EN 16931 (UBL)",
    "facturx": "Factur-X",
    "xrechnung-cii": "XRechnung",
    "xrechnung-ubl": "XRechnung",
    "peppol": "Peppol BIS 3.0",
}

# EN 16931 VAT category codes whose invoices must name the seller's VAT id or tax number
# (BR-S-02, BR-Z-02, BR-E-02, BR-AE-02, and BR-DE-16 for L and M), and those that accept
# only the VAT id (BR-IC-02 intra-community supply, BR-G-02 export).
_VAT_OR_TAX_NUMBER = {"S", "Z", "E", "AE", "L", "M"}
_VAT_ONLY = {"K", "G"}


@dataclass(frozen=True)
class Party:
    """A seller or buyer as a document carries it (build one with :func:`party_from`)."""

    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""
    contact: str = ""
    vat_id: str = ""
    tax_number: str = ""
    registration: str = ""
    endpoint: str = ""  # SCHEME:ID
    buyer_reference: str = ""
    iban: str = ""


def party_from(source) -> Party:
    """A :class:`Party` from any object with (some of) its fields: a frozen PartyView, an
    organisation's or a client's view."""
    return Party(**{f.name: getattr(source, f.name, "") or "" for f in fields(Party)})


@dataclass(frozen=True)
class Document:
    """What the requirements depend on: the parties and the invoice's VAT categories
    (EN 16931 codes: S, Z, E, AE, K, G, O, L, M) and order reference (BT-13), if any."""

    seller: Party
    buyer: Party
    vat_categories: frozenset[str] = frozenset({"S"})
    order_reference: str = ""


@dataclass(frozen=True)
class Gap:
    """One missing piece: which format, under which rule, of which party, and how to fill it."""

    format: str
    rule: str
    term: str  # "the buyer reference (BT-10)"
    seller: bool  # the organisation's (else the client's)
    name: str  # of the party
    option: str  # the command line option that fills it, with a placeholder

    @property
    def command(self) -> str:
        if self.seller:
            return f"tally org set {self.option}"
        return f"tally client set {shell_quote(self.name)} {self.option}"

    @property
    def message(self) -> str:
        return f"{LABELS[self.format]} needs {self.term} of {self.name}: {self.command}"

    @property
    def short(self) -> str:
        """For a list of what is missing: ``XRechnung: buyer reference (BT-10) of the client``."""
        whose = "the organisation" if self.seller else "the client"
        term = self.term.removeprefix("the ").removeprefix("a ").removeprefix("an ")
        return f"{LABELS[self.format]}: {term} of {whose}"


def shell_quote(text: str) -> str:
    """``"Müller & Söhne GmbH"`` as a shell reads it back (double quotes read best)."""
    if re.fullmatch(r"[\w.@+-]+", text):
        return text
    return '"' + re.sub(r'(["\\$`])', r"\\\1", text) + '"'


def missing(format: str, document: Document) -> list[str]:
    """Each piece ``format`` needs that ``document`` lacks, as a message naming the
    element (BT number) and the command that fills it; empty when it can be written."""
    return [gap.message for gap in gaps(format, document)]


def gaps(format: str, document: Document) -> list[Gap]:
    if format not in FORMATS:
        raise ValueError(f"unknown e-invoice format {format!r}")
    found: list[Gap] = []
    seller, buyer = document.seller, document.buyer

    def need(rule: str, term: str, of: Party, option: str) -> None:
        found.append(Gap(format, rule, term, of is seller, of.name, option))

    _core(document, need)
    if format.startswith("xrechnung"):
        _xrechnung(seller, buyer, need)
    if format == "peppol":
        _peppol(document, need)
    return found


def _core(document: Document, need) -> None:
    """EN 16931 itself: what every format checks."""
    seller, buyer, categories = document.seller, document.buyer, document.vat_categories
    if not seller.country:
        need("BR-09", "the country (BT-40)", seller, "--country CC")
    if not buyer.country:
        need("BR-11", "the country (BT-55)", buyer, "--country CC")
    vat_missing = False
    if categories & _VAT_ONLY and not seller.vat_id:
        need("BR-IC-02", "the VAT id (BT-31)", seller, "--vat-id VAT-ID")
        vat_missing = True
    elif categories & _VAT_OR_TAX_NUMBER and not (seller.vat_id or seller.tax_number):
        need(
            "BR-S-02",
            "the VAT id (BT-31) or tax number (BT-32)",
            seller,
            "--vat-id VAT-ID (or --tax-number NUMBER)",
        )
        vat_missing = True
    # BR-CO-26: the seller is identified by its VAT id or legal registration. An invoice
    # outside the scope of VAT may not carry the VAT id (BR-O-02): then only the latter.
    outside = "O" in categories
    if not seller.registration and (outside or (not seller.vat_id and not vat_missing)):
        if outside:
            term, option = "the legal registration (BT-30)", "--registration TEXT"
        else:
            term, option = (
                "the VAT id (BT-31) or legal registration (BT-30)",
                "--vat-id VAT-ID (or --registration TEXT)",
            )
        need("BR-CO-26", term, seller, option)
    if categories & {"AE", "K"} and not buyer.vat_id:
        need("BR-AE-02", "the VAT id (BT-48)", buyer, "--vat-id VAT-ID")


def _xrechnung(seller: Party, buyer: Party, need) -> None:
    """KoSIT's CIUS for German receivers (BR-DE-*), and XRechnung 3's electronic addresses."""
    if not buyer.buyer_reference:
        need("BR-DE-15", "the buyer reference (BT-10)", buyer, "--buyer-reference LEITWEG-ID")
    if not seller.contact:
        need("BR-DE-5", "a contact person (BT-41)", seller, "--contact NAME")
    if not seller.phone:
        need("BR-DE-6", "a contact telephone number (BT-42)", seller, "--phone NUMBER")
    if not seller.email:
        need("BR-DE-7", "a contact e-mail address (BT-43)", seller, "--email ADDRESS")
    for rule, term, option, party, value in (
        ("BR-DE-3", "the city (BT-37)", "--city CITY", seller, seller.city),
        ("BR-DE-4", "the post code (BT-38)", "--postcode CODE", seller, seller.postcode),
        ("BR-DE-8", "the city (BT-52)", "--city CITY", buyer, buyer.city),
        ("BR-DE-9", "the post code (BT-53)", "--postcode CODE", buyer, buyer.postcode),
    ):
        if not value:
            need(rule, term, party, option)
    if not seller.iban:
        need("BR-DE-1", "an IBAN for the payment instructions (BT-84)", seller, "--iban IBAN")
    if not seller.endpoint:
        need("BT-34", "an electronic address (BT-34)", seller, "--endpoint SCHEME:ID")
    if not buyer.endpoint:
        need("BT-49", "an electronic address (BT-49)", buyer, "--endpoint SCHEME:ID")


def _peppol(document: Document, need) -> None:
    """Peppol BIS Billing 3.0: both parties reachable on the network, and a reference."""
    for rule, term, party in (
        ("PEPPOL-EN16931-R020", "a Peppol electronic address (BT-34)", document.seller),
        ("PEPPOL-EN16931-R010", "a Peppol electronic address (BT-49)", document.buyer),
    ):
        endpoint = parse_endpoint(party.endpoint)
        scheme = SCHEMES.get(endpoint.scheme) if endpoint else None
        if scheme is None or not scheme.peppol:
            if endpoint is not None:  # PEPPOL-EN16931-CL008: EM is no Peppol scheme
                term = term[:-1] + f"; {endpoint.scheme} is not a Peppol scheme)"
            need(rule, term, party, "--endpoint SCHEME:ID")
    buyer = document.buyer
    if not (buyer.buyer_reference or document.order_reference):
        need(
            "PEPPOL-EN16931-R003",
            "the buyer reference (BT-10) or an order reference (BT-13)",
            buyer,
            "--buyer-reference REF",
        )
