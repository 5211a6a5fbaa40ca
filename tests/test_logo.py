"""The organisation's logo: checked once when set, stored in the database, printed in the
header of every PDF from what the document froze."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from tallytui.domain.errors import InvalidInput
from tallytui.domain.logo import MAX_BYTES, check_logo


def image_file(path, size=(240, 80), kind="PNG"):
    Image.new("RGB", size, (11, 61, 145)).save(path, kind)
    return path


def image_sizes(reader: PdfReader) -> list[tuple[int, int]]:
    """The pixel sizes of the images on the first page (the logo's, the EPC code's)."""
    return [Image.open(io.BytesIO(image.data)).size for image in reader.pages[0].images]


def invoice_pdf(org, tmp_path, name: str) -> PdfReader:
    number = org.ok(
        "invoice", "freeform", "--client", "Globex", "--line", "Workshop|2|400", "--json"
    ).json()["number"]
    target = tmp_path / name
    org.ok("invoice", "pdf", number, "-o", str(target))
    return PdfReader(target)


def test_a_logo_set_once_prints_on_every_pdf_and_the_file_is_not_read_again(org, tmp_path):
    logo = image_file(tmp_path / "acme.png")
    org.ok("org", "set", "--logo", str(logo))
    assert org.ok("org", "show", "--json").json()["logo"] == "acme.png"
    logo.unlink()  # stored in the database: the file is no longer needed
    assert (240, 80) in image_sizes(invoice_pdf(org, tmp_path, "with.pdf"))
    org.ok("org", "set", "--no-logo")
    assert org.ok("org", "show", "--json").json()["logo"] == ""
    assert (240, 80) not in image_sizes(invoice_pdf(org, tmp_path, "without.pdf"))
    # The document issued with the logo keeps it.
    number = org.ok("invoice", "list", "--json").json()[0]["number"]
    org.ok("invoice", "pdf", number, "-o", str(tmp_path / "again.pdf"))
    assert (240, 80) in image_sizes(PdfReader(tmp_path / "again.pdf"))


def test_a_jpeg_logo_is_taken_and_an_empty_logo_option_removes_it(org, tmp_path):
    org.ok("org", "set", "--logo", str(image_file(tmp_path / "acme.jpg", kind="JPEG")))
    assert (240, 80) in image_sizes(invoice_pdf(org, tmp_path, "jpeg.pdf"))
    org.ok("org", "set", "--logo", "")
    assert org.ok("org", "show", "--json").json()["logo"] == ""


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: p.write_text("GIF89a not really"), "is not a PNG or JPEG image"),
        (lambda p: image_file(p, kind="GIF"), "is not a PNG or JPEG image"),
        (lambda p: image_file(p, size=(2100, 2000)), "is 2100×2000 pixels, more than"),
        (lambda p: p.write_bytes(b"\x89PNG" + b"\0" * MAX_BYTES), "is 1.0 MB, more than the 1 MB"),
        (lambda p: p.write_bytes(_truncated_png()), "is a damaged image"),
    ],
)
def test_a_file_that_is_no_usable_image_is_refused_naming_it_and_changes_nothing(
    org, tmp_path, make, why
):
    good = image_file(tmp_path / "good.png")
    org.ok("org", "set", "--logo", str(good))
    bad = tmp_path / "[b]bad[b] <img src=x>.png"
    make(bad)
    result = org("org", "set", "--logo", str(bad))
    assert result.exit_code == 1
    assert f"--logo: {bad.name} {why}" in result.stderr
    assert org.ok("org", "show", "--json").json()["logo"] == "good.png"


def _truncated_png() -> bytes:
    data = io.BytesIO()
    Image.effect_noise((300, 300), 60).save(data, "PNG")
    return data.getvalue()[:-2000]


def test_a_missing_file_is_refused_with_its_name(org, tmp_path):
    result = org("org", "set", "--logo", str(tmp_path / "nowhere.png"))
    assert result.exit_code == 1 and "nowhere.png" in result.stderr


def test_a_hostile_file_name_is_stored_and_shown_as_text(org, tmp_path):
    name = '<img src="x" onerror="fetch(1)">[red]logo.png'
    org.ok("org", "set", "--logo", str(image_file(tmp_path / name)))
    assert org.ok("org", "show", "--json").json()["logo"] == name
    assert name in org.ok("org", "show").stdout


def test_a_logo_keeps_its_proportions_inside_the_header_box():
    data = io.BytesIO()
    Image.new("RGB", (1000, 100), 0).save(data, "PNG")
    assert check_logo("wide.png", data.getvalue()).print_size() == (60.0, 6.0)
    data = io.BytesIO()
    Image.new("RGB", (100, 100), 0).save(data, "PNG")
    assert check_logo("square.png", data.getvalue()).print_size() == (18.0, 18.0)
    with pytest.raises(InvalidInput, match="empty.png is not a PNG or JPEG"):
        check_logo("empty.png", b"")


def test_logo_and_no_logo_together_are_a_usage_error(org, tmp_path):
    result = org("org", "set", "--logo", str(image_file(tmp_path / "a.png")), "--no-logo")
    assert result.exit_code == 2 and "contradict" in result.stderr
    assert org.ok("org", "show", "--json").json()["logo"] == ""
