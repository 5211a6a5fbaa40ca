"""E-mail addresses as people type them: one, or a comma list, checked before anything is
stored or sent, so a typo is refused where it was typed and not by a mail server later."""

from __future__ import annotations

import re

from ..domain.errors import InvalidInput

# A dot-atom local part and a domain of letter-digit-hyphen labels with an alphabetic top
# level: what billing addresses are, without the quoted and bracketed forms no one uses.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


def check_address(text: str, field: str) -> str:
    """The address stripped; an address that is not one is refused, naming ``field``."""
    address = text.strip()
    if not _ADDRESS.fullmatch(address) or len(address) > 254:
        raise InvalidInput(f"{field}: {text.strip()!r} is not an e-mail address (name@example.com)")
    return address


def parse_list(text: str, field: str) -> list[str]:
    """``a@x.com, b@y.com`` → both addresses, each checked, repeats dropped, in order."""
    found: list[str] = []
    for part in text.split(","):
        if part.strip():
            address = check_address(part, field)
            if address.lower() not in (known.lower() for known in found):
                found.append(address)
    return found


def check_list(text: str, field: str = "--email") -> str:
    """A stored comma list (``a@x.com, b@y.com``); empty stays empty."""
    return ", ".join(parse_list(text, field))
