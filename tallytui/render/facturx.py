"""Factur-X / ZUGFeRD: the invoice PDF as PDF/A-3b with its EN 16931 CII inside.

A receiver reads the embedded ``factur-x.xml``, a person reads the pages: the pages stay
those of the plain PDF. What PDF/A-3 and Factur-X 1.0.07 add around them:

- the CII as an embedded file named ``factur-x.xml``, listed in the catalog's
  ``/EmbeddedFiles`` names and its ``/AF`` array, with ``/AFRelationship /Alternative``
  (the XML is the same invoice in another form, as the EN 16931 profile allows);
- XMP metadata: the PDF/A identification (part 3, conformance B), the Factur-X extension
  schema and its values (INVOICE, factur-x.xml, 1.0, EN 16931), and the title, author and
  dates the document information dictionary repeats;
- an output intent with an sRGB ICC profile (the pages use device RGB);
- a file identifier in the trailer and a PDF 1.7 header.

Every date is the issue date and the identifier is a digest of the content, so the same
invoice always gives the same bytes, as the plain PDF does. The ``factur-x`` package does
the embedding too, but stamps the current time into the XMP, the information dictionary
and the file parameters, adds neither output intent nor identifier, and needs a second
pass over the PDF to fix that: pypdf does it all in one.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from functools import cache
from xml.sax.saxutils import escape

FILENAME = "factur-x.xml"
PRODUCER = "tallytui"
FACTURX_NS = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>{producer}</pdf:Producer>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>{producer}</xmp:CreatorTool>
<xmp:CreateDate>{when}</xmp:CreateDate>
<xmp:ModifyDate>{when}</xmp:ModifyDate>
</rdf:Description>
<rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>{fx}</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>fx</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>
{properties}
</rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:fx="{fx}">
<fx:DocumentType>INVOICE</fx:DocumentType>
<fx:DocumentFileName>{filename}</fx:DocumentFileName>
<fx:Version>1.0</fx:Version>
<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
_PROPERTY = """<rdf:li rdf:parseType="Resource">
<pdfaProperty:name>{0}</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType>
<pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>{1}</pdfaProperty:description>
</rdf:li>"""
_FX_PROPERTIES = (
    ("DocumentFileName", "The name of the embedded XML document"),
    ("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE"),
    ("Version", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "The conformance level of the embedded XML document"),
)


def facturx_pdf(
    pdf: bytes, cii: bytes, *, title: str, author: str, subject: str, issued: date
) -> bytes:
    """The plain invoice PDF ``pdf`` as a Factur-X EN 16931 PDF carrying ``cii`` (the
    document's EN 16931 CII, byte for byte); ``title``, ``author`` and ``subject`` go into
    both the information dictionary and the XMP, dated ``issued``."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.pdf_header = "%PDF-1.7"
    catalog = writer.root_object
    when = f"{issued:%Y-%m-%d}T00:00:00Z"
    stamp = f"D:{issued:%Y%m%d}000000Z"
    filespec = writer._add_object(_filespec(writer, cii, stamp))
    catalog[NameObject("/AF")] = ArrayObject([filespec])
    catalog[NameObject("/Names")] = _dictionary(
        {"/EmbeddedFiles": _dictionary({"/Names": ArrayObject([_text(FILENAME), filespec])})}
    )
    catalog[NameObject("/OutputIntents")] = ArrayObject([_output_intent(writer)])
    catalog[NameObject("/Metadata")] = writer._add_object(
        _xmp(title=title, author=author, subject=subject, when=when)
    )
    info = {
        "/Title": title,
        "/Author": author,
        "/Subject": subject,
        "/Creator": PRODUCER,
        "/Producer": PRODUCER,
        "/CreationDate": stamp,
        "/ModDate": stamp,
    }
    writer.add_metadata(info)
    digest = ByteStringObject(hashlib.md5(pdf + cii, usedforsecurity=False).digest())
    # pypdf has no public setter for the trailer's identifier; an unset one would be random.
    writer._ID = ArrayObject([digest, digest])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _dictionary(values: dict):
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject({NameObject(key): value for key, value in values.items()})


def _text(value: str):
    from pypdf.generic import TextStringObject

    return TextStringObject(value)


def _filespec(writer, cii: bytes, stamp: str):
    """The embedded file (compressed, MIME type, size, checksum, date) and its file
    specification with both names PDF/A-3 asks for."""
    from pypdf.generic import ByteStringObject, DecodedStreamObject, NameObject, NumberObject

    stream = DecodedStreamObject()
    stream.set_data(cii)
    stream = stream.flate_encode()
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    stream[NameObject("/Subtype")] = NameObject("/text/xml")
    stream[NameObject("/Params")] = _dictionary(
        {
            "/Size": NumberObject(len(cii)),
            "/CheckSum": ByteStringObject(hashlib.md5(cii, usedforsecurity=False).digest()),
            "/ModDate": _text(stamp),
        }
    )
    embedded = writer._add_object(stream)
    return _dictionary(
        {
            "/Type": NameObject("/Filespec"),
            "/F": _text(FILENAME),
            "/UF": _text(FILENAME),
            "/Desc": _text("Factur-X invoice (EN 16931 CII)"),
            "/AFRelationship": NameObject("/Alternative"),
            "/EF": _dictionary({"/F": embedded, "/UF": embedded}),
        }
    )


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (display class, version 4), made by Little CMS through Pillow
    rather than carried as a file."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _output_intent(writer):
    from pypdf.generic import DecodedStreamObject, NameObject, NumberObject

    profile = DecodedStreamObject()
    profile.set_data(srgb_profile())
    profile = profile.flate_encode()
    profile[NameObject("/N")] = NumberObject(3)
    return _dictionary(
        {
            "/Type": NameObject("/OutputIntent"),
            "/S": NameObject("/GTS_PDFA1"),
            "/OutputConditionIdentifier": _text("sRGB"),
            "/Info": _text("sRGB IEC61966-2.1"),
            "/DestOutputProfile": writer._add_object(profile),
        }
    )


def _xmp(*, title: str, author: str, subject: str, when: str):
    """The metadata stream, uncompressed so that any reader finds the PDF/A claim."""
    from pypdf.generic import DecodedStreamObject, NameObject

    properties = "\n".join(_PROPERTY.format(*p) for p in _FX_PROPERTIES)
    packet = _XMP.format(
        title=escape(title),
        author=escape(author),
        subject=escape(subject),
        producer=PRODUCER,
        when=when,
        fx=FACTURX_NS,
        filename=FILENAME,
        properties=properties,
    )
    stream = DecodedStreamObject()
    stream.set_data(packet.encode("utf-8"))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    return stream
