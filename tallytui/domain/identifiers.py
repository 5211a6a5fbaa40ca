"""Identifiers typed for the parties of an invoice, checked where they are entered: a
country code, an IBAN and BIC, a VAT id, an electronic address. A receiver's validator
refuses a document with a wrong one, so a typo is refused here, naming field and value.

The libraries are imported inside the checks: tally starts without paying for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .errors import InvalidInput

# Beyond ISO 3166-1, EN 16931's country list has XI (Northern Ireland, for VAT) and
# 1A (Kosovo).
_EXTRA_COUNTRIES = {"XI": "Northern Ireland", "1A": "Kosovo"}


def _country(code: str):
    import pycountry

    return pycountry.countries.get(alpha_2=code)


def check_country(value: str, field: str = "--country") -> str:
    """An ISO 3166-1 alpha-2 code (``de`` → ``DE``); empty stays empty."""
    code = (value or "").strip().upper()
    if not code:
        return ""
    if code in _EXTRA_COUNTRIES or (len(code) == 2 and code.isalpha() and _country(code)):
        return code
    raise InvalidInput(f"{field}: {value.strip()} is not an ISO 3166-1 country code (e.g. DE, FR)")


def country_name(code: str) -> str:
    """``DE`` → ``Germany``, for printing an address; an unknown code as it is."""
    if code in _EXTRA_COUNTRIES:
        return _EXTRA_COUNTRIES[code]
    found = _country(code) if len(code) == 2 and code.isalpha() else None
    return getattr(found, "common_name", None) or (found.name if found else code)


def check_iban(value: str, field: str = "--iban") -> str:
    """The IBAN without spaces, its check digits and length verified."""
    text = (value or "").strip()
    if not text:
        return ""
    from schwifty import IBAN
    from schwifty.exceptions import InvalidBBANChecksum, InvalidChecksumDigits, SchwiftyException

    try:
        return IBAN(text).compact
    except (InvalidChecksumDigits, InvalidBBANChecksum):
        raise InvalidInput(f"{field}: {text} has a wrong check digit") from None
    except SchwiftyException as exc:
        raise InvalidInput(f"{field}: {text} is not an IBAN ({_reason(exc)})") from None


def check_bic(value: str, field: str = "--bic") -> str:
    """A BIC of 8 or 11 characters with a known country."""
    text = (value or "").strip()
    if not text:
        return ""
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        return BIC(text).compact
    except SchwiftyException as exc:
        raise InvalidInput(f"{field}: {text} is not a BIC ({_reason(exc)})") from None


def _reason(exc: Exception) -> str:
    return str(exc)[:1].lower() + str(exc)[1:]


def check_vat_id(value: str, field: str = "--vat-id") -> str:
    """A VAT id with its country prefix (EN 16931 BR-CO-9; EL for Greece), format and check
    digits verified for the EU and the countries python-stdnum knows (CH, GB, NO …), and
    returned in their compact form; of another country, a valid prefix is all that can be
    checked, and the id stays as typed."""
    text = (value or "").strip()
    if not text:
        return ""
    compact = re.sub(r"[\s.\-/]", "", text).upper()
    prefix = compact[:2]
    if not prefix.isalpha():
        raise InvalidInput(f"{field}: {text} has no country prefix (e.g. DE123456789)")
    module = _vat_module(prefix)
    if module is None:
        if prefix not in _EXTRA_COUNTRIES and not _country(prefix):
            raise InvalidInput(f"{field}: {text} does not start with a country code")
        return text
    from stdnum.exceptions import InvalidChecksum, ValidationError

    try:
        found = module.validate(text).upper()
    except InvalidChecksum:
        raise InvalidInput(f"{field}: {text} has a wrong check digit") from None
    except ValidationError:
        raise InvalidInput(f"{field}: {text} is not a valid {prefix} VAT id") from None
    return found if found.startswith(prefix) else prefix + found


def _vat_module(prefix: str):
    from stdnum import get_cc_module
    from stdnum.eu import vat

    if prefix.lower() in vat.MEMBER_STATES or prefix == "EL":
        return vat
    if prefix == "GR":
        return None  # Greece's VAT ids carry EL; GR is checked as a country only
    return get_cc_module(prefix.lower(), "vat")


# Electronic addresses (BT-34, BT-49): SCHEME:ID with a code of the EAS list.


def _stdnum(module: str) -> Callable[[str], bool]:
    def valid(identifier: str) -> bool:
        from importlib import import_module

        return import_module(f"stdnum.{module}").is_valid(identifier)

    return valid


def _digits(count: int, module: str) -> Callable[[str], bool]:
    """``count`` digits and nothing else (as Peppol wants them) with a valid check digit."""
    checked = _stdnum(module)
    return lambda identifier: (
        re.fullmatch(rf"[0-9]{{{count}}}", identifier) is not None and (checked(identifier))
    )


def _pattern(regex: str) -> Callable[[str], bool]:
    return lambda identifier: re.fullmatch(regex, identifier) is not None


def _leitweg(identifier: str) -> bool:
    """A Leitweg-ID: coarse address, optional fine address, and two check digits of
    ISO 7064 MOD 97-10 over the rest (letters counted as in an IBAN)."""
    if not re.fullmatch(r"[0-9]{2,12}(-[0-9A-Z]{1,30})?-[0-9]{2}", identifier):
        return False
    digits = "".join(str(int(ch, 36)) for ch in identifier.replace("-", ""))
    return int(digits) % 97 == 1


def _vat_of(country: str) -> Callable[[str], bool]:
    """A VAT id of ``country``, written with its prefix or without."""

    def valid(identifier: str) -> bool:
        full = identifier if identifier[:2].isalpha() else country + identifier
        try:
            return full[:2] == country and bool(check_vat_id(full))
        except InvalidInput:
            return False

    return valid


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    valid: Callable[[str], bool] | None = None  # None: any identifier is taken as typed
    peppol: bool = True  # Peppol BIS accepts it as an endpoint (EM it does not)


SCHEMES = {
    s.code: s
    for s in (
        Scheme("EM", "e-mail address", _pattern(r"[^@\s]+@[^@\s]+\.[^@\s]+"), peppol=False),
        Scheme("0002", "SIRENE (FR)", _digits(9, "fr.siren")),
        Scheme("0007", "organisation number (SE)", _digits(10, "se.orgnr")),
        Scheme("0009", "SIRET (FR)", _digits(14, "fr.siret")),
        Scheme("0037", "LY-tunnus (FI)", _stdnum("fi.ytunnus")),
        Scheme("0060", "DUNS number", _pattern(r"[0-9]{9}")),
        Scheme("0088", "GLN (GS1)", _digits(13, "ean")),
        Scheme("0106", "KvK number (NL)", _pattern(r"[0-9]{8}")),
        Scheme("0151", "ABN (AU)", _digits(11, "au.abn")),
        Scheme("0184", "CVR number (DK)", _pattern(r"(DK)?[0-9]{8}")),
        Scheme("0190", "OIN (NL)", _pattern(r"[0-9]{20}")),
        Scheme("0192", "organisation number (NO)", _digits(9, "no.orgnr")),
        Scheme("0196", "kennitala (IS)", _stdnum("is_.kennitala")),
        Scheme("0204", "Leitweg-ID (DE)", _leitweg),
        Scheme("0208", "enterprise number (BE)", _digits(10, "be.vat")),
        Scheme("0211", "partita IVA (IT)", _stdnum("it.iva")),
        Scheme("9914", "VAT id (AT)", _vat_of("AT")),
        Scheme("9920", "VAT id (ES)", _vat_of("ES")),
        Scheme("9925", "VAT id (BE)", _vat_of("BE")),
        Scheme("9930", "VAT id (DE)", _vat_of("DE")),
        Scheme("9938", "VAT id (LU)", _vat_of("LU")),
        Scheme("9944", "VAT id (NL)", _vat_of("NL")),
        Scheme("9957", "VAT id (FR)", _vat_of("FR")),
    )
}


@dataclass(frozen=True)
class Endpoint:
    scheme: str
    identifier: str

    def __str__(self) -> str:
        return f"{self.scheme}:{self.identifier}"


def parse_endpoint(text: str) -> Endpoint | None:
    """``SCHEME:ID`` as stored (already checked); None when empty."""
    if not text or ":" not in text:
        return None
    scheme, identifier = text.split(":", 1)
    return Endpoint(scheme, identifier)


def check_endpoint(value: str, field: str = "--endpoint") -> str:
    """``SCHEME:ID`` with a scheme of the EAS code list and, where the scheme has a check,
    an identifier that passes it; returned as ``SCHEME:ID`` without spaces."""
    text = (value or "").strip()
    if not text:
        return ""
    scheme, colon, identifier = text.partition(":")
    scheme, identifier = scheme.strip().upper(), identifier.strip()
    if not colon or not scheme or not identifier:
        raise InvalidInput(f"{field}: {text} is not SCHEME:ID (e.g. EM:billing@example.com)")
    known = SCHEMES.get(scheme)
    if known is None:
        codes = ", ".join(SCHEMES)
        raise InvalidInput(f"{field}: {scheme} is not an EAS scheme tally knows ({codes})")
    if scheme != "EM":
        identifier = re.sub(r"\s", "", identifier).upper()
    if known.valid is not None and not known.valid(identifier):
        raise InvalidInput(f"{field}: {identifier} is not a valid {known.name}")
    return f"{scheme}:{identifier}"
