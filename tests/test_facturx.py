"""Factur-X / ZUGFeRD PDFs: the invoice PDF as PDF/A-3b with the EN 16931 CII embedded,
read back with pypdf and with the ``factur-x`` package (as receivers read them), the
embedded XML run through the Factur-X and EN 16931 rules."""

from __future__ import annotations

import io
from datetime import date

import facturx
import pytest
from einvoice_documents import credit_note, languages, mixed_rates
from einvoice_rules import FORMAT_RULES, failing, stylesheet
from lxml import etree
from pypdf import PdfReader
from test_invoice_pdf import document, line, text_of

from tallytui.domain.vat import TaxGroup
from tallytui.render import pdf
from tallytui.render.einvoice import write
from tallytui.render.facturx import facturx_pdf

FX = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "fx": FX,
}
UNITS = {"HUR": "h", "DAY": "d", "C62": "pc"}


def view_of(edoc, **changes):
    """The invoice view of an e-invoice document: the PDF and the XML tell one invoice."""
    lines = [
        line(
            int(item.id),
            item.name,
            amount=str(item.net_amount),
            quantity=item.quantity,
            unit=UNITS.get(item.unit_code, ""),
            unit_price=item.net_price,
            tax_category=item.tax_category,
            tax_rate=item.tax_rate,
        )
        for item in edoc.lines
    ]
    breakdown = tuple(TaxGroup(t.category, t.rate, t.taxable, t.tax) for t in edoc.tax)
    values = dict(
        number=edoc.number,
        kind="credit_note" if edoc.kind == "credit_note" else "invoice",
        client=edoc.buyer.name,
        issue_date=edoc.issue_date,
        due_date=edoc.due_date,
        subtotal=edoc.totals.tax_exclusive,
        tax_rate=edoc.tax[0].rate,
        tax=edoc.totals.tax_total,
        total=edoc.totals.tax_inclusive,
        tax_breakdown=breakdown,
    )
    values.update(changes)
    return document(lines, **values)


def title_of(edoc) -> str:
    return f"{'Credit note' if edoc.kind == 'credit_note' else 'Invoice'} {edoc.number}"


def build(edoc, **changes) -> tuple[bytes, bytes, bytes]:
    """(plain PDF, CII, Factur-X PDF) of one document."""
    plain = pdf.pdf_bytes(view_of(edoc, **changes))
    cii = write(edoc, "cii")
    fx = facturx_pdf(
        plain,
        cii,
        title=title_of(edoc),
        author=edoc.seller.name,
        subject=f"{title_of(edoc)} for {edoc.buyer.name}",
        issued=edoc.issue_date,
    )
    return plain, cii, fx


@pytest.fixture(scope="module")
def invoice():
    return build(mixed_rates())


def catalog_of(data: bytes):
    return PdfReader(io.BytesIO(data)).trailer["/Root"]


def xmp_of(data: bytes) -> etree._Element:
    return etree.fromstring(catalog_of(data)["/Metadata"].get_object().get_data())


def test_embedded_file_is_the_cii_byte_for_byte(invoice):
    _, cii, fx = invoice
    assert PdfReader(io.BytesIO(fx)).attachments == {"factur-x.xml": [cii]}
    # As receivers read it: the factur-x package finds the file by its Factur-X name.
    assert facturx.get_facturx_xml_from_pdf(fx, check_xsd=True) == ("factur-x.xml", cii)


def test_the_xml_is_an_associated_file_of_the_document(invoice):
    catalog = catalog_of(invoice[2])
    [spec] = [item.get_object() for item in catalog["/AF"]]
    names = catalog["/Names"]["/EmbeddedFiles"]["/Names"]
    assert names[0] == "factur-x.xml" and names[1].get_object() == spec
    assert spec["/AFRelationship"] == "/Alternative"
    assert spec["/F"] == spec["/UF"] == "factur-x.xml"
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/text/xml"
    assert stream["/Params"]["/Size"] == len(invoice[1])
    assert stream["/Params"]["/ModDate"] == "D:20261201000000Z"


def test_xmp_claims_pdfa_3b_and_the_facturx_extension_schema(invoice):
    xmp = xmp_of(invoice[2])

    def values(path: str) -> list[str]:
        return [node.text for node in xmp.xpath(path, namespaces=XMP_NS)]

    assert values("//pdfaid:part") == ["3"]
    assert values("//pdfaid:conformance") == ["B"]
    [schema] = xmp.xpath("//pdfaExtension:schemas/rdf:Bag/rdf:li", namespaces=XMP_NS)
    assert schema.findtext("pdfaSchema:namespaceURI", namespaces=XMP_NS) == FX
    assert schema.findtext("pdfaSchema:prefix", namespaces=XMP_NS) == "fx"
    declared = schema.xpath(".//pdfaProperty:name/text()", namespaces=XMP_NS)
    assert sorted(declared) == ["ConformanceLevel", "DocumentFileName", "DocumentType", "Version"]
    assert values("//fx:DocumentType") == ["INVOICE"]
    assert values("//fx:DocumentFileName") == ["factur-x.xml"]
    assert values("//fx:Version") == ["1.0"]
    assert values("//fx:ConformanceLevel") == ["EN 16931"]


def test_document_information_and_xmp_say_the_same(invoice):
    """PDF/A: each entry of the information dictionary has its equal in the XMP; user text
    with markup characters (the buyer's "&") stays text in both."""
    fx = invoice[2]
    info = PdfReader(io.BytesIO(fx)).metadata
    xmp = xmp_of(fx)

    def value(path: str) -> str:
        [text] = xmp.xpath(path + "/text()", namespaces=XMP_NS)
        return text

    assert info["/Title"] == value("//dc:title/rdf:Alt/rdf:li") == "Invoice RE-2026-0042"
    assert info["/Author"] == value("//dc:creator/rdf:Seq/rdf:li") == "Kranich Software GmbH"
    subject = "Invoice RE-2026-0042 for Müller & Söhne GmbH"
    assert info["/Subject"] == value("//dc:description/rdf:Alt/rdf:li") == subject
    assert info["/Producer"] == value("//pdf:Producer") == "tallytui"
    assert info["/Creator"] == value("//xmp:CreatorTool") == "tallytui"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261201000000Z"
    assert value("//xmp:CreateDate") == value("//xmp:ModifyDate") == "2026-12-01T00:00:00Z"


def test_pdf_1_7_header_and_a_file_identifier(invoice):
    fx = invoice[2]
    assert fx.startswith(b"%PDF-1.7\n%")
    first, second = PdfReader(io.BytesIO(fx)).trailer["/ID"]
    assert len(first) == 16 and first == second


def test_output_intent_carries_an_srgb_icc_profile(invoice):
    [intent] = [item.get_object() for item in catalog_of(invoice[2])["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1"
    stream = intent["/DestOutputProfile"].get_object()
    profile = stream.get_data()
    assert stream["/N"] == 3
    assert profile[36:40] == b"acsp"  # an ICC profile
    assert profile[12:20] == b"mntrRGB "  # display class, RGB: what PDF/A-3 accepts
    assert profile[8] < 5  # major version below 5
    assert len(profile) == int.from_bytes(profile[:4], "big")


def _fonts(resources, seen):
    """Every font dictionary reachable from ``resources``: form XObjects' own resources
    and the descendant fonts of composite (Type0) fonts included."""
    resources = resources.get_object() if resources is not None else {}
    for font in resources.get("/Font", {}).values():
        font = font.get_object()
        yield font
        for descendant in font.get("/DescendantFonts", []):
            yield descendant.get_object()
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            yield from _fonts(xobject.get("/Resources"), seen)


def unembedded_fonts(data: bytes) -> list[str]:
    missing = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in _fonts(page.get("/Resources"), set()):
            if font.get("/Subtype") == "/Type0":
                continue  # its glyphs are in its descendant font, checked on its own
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor):
                missing.append(str(font.get("/BaseFont")))
    return missing


def test_every_font_of_every_page_is_embedded():
    """Three pages (header, line table, totals, stamped footers): no page names a font it
    does not carry, not even ReportLab's initial Helvetica."""
    lines = [line(i, f"Web shop: checkout, part {i}") for i in range(1, 90)]
    plain = pdf.pdf_bytes(document(lines))
    assert len(PdfReader(io.BytesIO(plain)).pages) >= 3
    fx = facturx_pdf(plain, b"<x/>", title="t", author="a", subject="s", issued=date(2026, 11, 20))
    assert unembedded_fonts(plain) == []
    assert unembedded_fonts(fx) == []


def test_pages_read_as_the_plain_pdf(invoice):
    plain, _, fx = invoice
    assert text_of(fx) == text_of(plain)
    assert "Invoice RE-2026-0042" in text_of(fx)[0]


def test_the_same_invoice_gives_the_same_bytes(invoice):
    assert build(mixed_rates())[2] == invoice[2]


@pytest.fixture(scope="module")
def compiled_rules():
    for name in FORMAT_RULES["cii"]:
        if name != "schema":
            stylesheet(name)


@pytest.mark.parametrize("case", [mixed_rates, credit_note, languages])
def test_embedded_xml_passes_the_facturx_and_en16931_rules(case, compiled_rules):
    """The XML as a receiver extracts it from the PDF: the Factur-X EN 16931 schema and
    Schematron, and the CEN EN 16931 CII rules, without a fatal or error assertion."""
    _, _, fx = build(case())
    name, xml = facturx.get_facturx_xml_from_pdf(fx, check_xsd=False)
    assert name == "factur-x.xml"
    assert FORMAT_RULES["cii"] == ("schema", "en16931-cii", "facturx-en16931")
    assert failing("cii", xml) == []
