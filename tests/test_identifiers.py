"""Identifiers of the parties, checked where typed: each refusal names field and value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tallytui.domain.errors import InvalidInput
from tallytui.domain.identifiers import (
    SCHEMES,
    check_bic,
    check_country,
    check_endpoint,
    check_iban,
    check_vat_id,
    country_name,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("de", "DE"), (" ch ", "CH"), ("XI", "XI"), ("", "")],
)
def test_country_codes_of_iso_3166_and_en_16931(typed, stored):
    assert check_country(typed) == stored


@pytest.mark.parametrize("typed", ["XX", "EU", "001", "DEU", "Germany", "ZZ"])
def test_a_code_that_is_no_country_is_refused(typed):
    with pytest.raises(InvalidInput, match=rf"^--country: {typed} is not an ISO 3166-1"):
        check_country(typed)


def test_country_names_for_printing():
    assert [country_name(c) for c in ("DE", "CH", "XI")] == [
        "Germany",
        "Switzerland",
        "Northern Ireland",
    ]


def test_iban_is_stored_compact_and_its_check_digits_verified():
    assert check_iban("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    with pytest.raises(InvalidInput) as refused:
        check_iban("DE89 3704 0044 0532 0130 01")
    assert str(refused.value) == "--iban: DE89 3704 0044 0532 0130 01 has a wrong check digit"
    with pytest.raises(InvalidInput, match=r"^IBAN: DE8937 is not an IBAN"):
        check_iban("DE8937", "IBAN")


@given(st.integers(min_value=0, max_value=21), st.integers(min_value=1, max_value=9))
def test_any_one_changed_digit_of_an_iban_is_refused(position, shift):
    """IBAN's MOD 97 catches every single-digit error."""
    digits = "370400440532013000"
    wrong = digits[: position % 18] + str((int(digits[position % 18]) + shift) % 10)
    wrong += digits[position % 18 + 1 :]
    with pytest.raises(InvalidInput, match="has a wrong check digit"):
        check_iban(f"DE89{wrong}")


def test_bic_of_eight_or_eleven_characters():
    assert check_bic("cobadeffxxx") == "COBADEFFXXX"
    assert check_bic("COBADEFF") == "COBADEFF"
    with pytest.raises(InvalidInput, match=r"^--bic: COBAXXFF is not a BIC"):
        check_bic("COBAXXFF")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("DE 136 695 976", "DE136695976"),
        ("fr40303265045", "FR40303265045"),
        ("EL094259216", "EL094259216"),
        ("CHE-123.456.788 MWST", "CHE123456788MWST"),  # Switzerland, through stdnum.ch.vat
        ("GB980780684", "GB980780684"),
        ("NO 974 760 673 MVA", "NO974760673MVA"),
        ("US-12-3456789", "US-12-3456789"),  # no format known: the prefix is checked
    ],
)
def test_vat_ids_of_the_eu_and_beyond(typed, stored):
    assert check_vat_id(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("DE136695977", "--vat-id: DE136695977 has a wrong check digit"),
        ("CHE-123.456.789 MWST", "--vat-id: CHE-123.456.789 MWST has a wrong check digit"),
        ("DE12345", "--vat-id: DE12345 is not a valid DE VAT id"),
        ("136695976", "--vat-id: 136695976 has no country prefix (e.g. DE123456789)"),
        ("QQ123", "--vat-id: QQ123 does not start with a country code"),
    ],
)
def test_a_wrong_vat_id_is_refused_naming_field_and_value(typed, message):
    with pytest.raises(InvalidInput) as refused:
        check_vat_id(typed)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("EM:billing@example.com", "EM:billing@example.com"),
        ("em:Billing@Example.com", "EM:Billing@Example.com"),
        ("9930:de136695976", "9930:DE136695976"),
        ("0204:991-33333TEST-33", "0204:991-33333TEST-33"),
        ("0088:4000001123452", "0088:4000001123452"),
        ("0208:0403170701", "0208:0403170701"),
        ("0192:974760673", "0192:974760673"),
        ("0060:123456789", "0060:123456789"),
        ("0007:5560360793", "0007:5560360793"),
        ("0009:73282932000074", "0009:73282932000074"),
    ],
)
def test_endpoints_of_known_schemes(typed, stored):
    assert check_endpoint(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("billing@example.com", "is not SCHEME:ID"),
        ("EM:", "is not SCHEME:ID"),
        ("9906:IT01234567890", "9906 is not an EAS scheme tally knows"),
        ("EM:not-an-address", "not-an-address is not a valid e-mail address"),
        ("0204:04011000-12345-34", "is not a valid Leitweg-ID (DE)"),
        ("0088:4000001123453", "is not a valid GLN (GS1)"),
        ("0007:556036-0793", "is not a valid organisation number (SE)"),  # 10 digits only
        ("9930:DE136695977", "is not a valid VAT id (DE)"),
        ("9930:FR40303265045", "is not a valid VAT id (DE)"),
    ],
)
def test_an_endpoint_that_would_be_rejected_is_refused(typed, message):
    with pytest.raises(InvalidInput) as refused:
        check_endpoint(typed)
    assert str(refused.value).startswith("--endpoint: ") and message in str(refused.value)


# EN 16931's EAS code list, as its rule BR-CL-25 has it.
EAS_LIST = (
    "0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154 0158 "
    "0170 0177 0183 0184 0188 0190 0191 0192 0193 0194 0195 0196 0198 0199 0200 0201 "
    "0202 0203 0204 0205 0208 0209 0210 0211 0212 0213 0215 0216 0217 0218 0219 0220 "
    "0221 0225 0230 0235 0240 0244 0242 0245 0246 0248 9910 9913 9914 9915 9918 9919 "
    "9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931 9932 9933 9934 9935 9936 "
    "9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950 9951 9952 "
    "9953 9957 9959 AN AQ AS AU EM"
)


def test_the_schemes_are_codes_of_the_eas_list():
    """Every scheme tally offers is on the list; Peppol takes all of them but EM."""
    assert set(SCHEMES) <= set(EAS_LIST.split())
    assert [code for code, scheme in SCHEMES.items() if not scheme.peppol] == ["EM"]
