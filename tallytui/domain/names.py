"""Names people type for clients, projects, users and the organisation code."""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidInput

_CODE = re.compile(r"^[A-Z0-9]{2,10}$")
_USER = re.compile(r"^[\w.@+-]{1,64}$")


def check_name(text: str, what: str, *, limit: int = 200) -> str:
    """A trimmed, non-empty name without control characters."""
    name = (text or "").strip()
    if not name:
        raise InvalidInput(f"{what}: a name is required")
    if len(name) > limit:
        raise InvalidInput(f"{what}: {name[:20]!r}… is longer than {limit} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise InvalidInput(f"{what}: {name!r} contains a control character")
    return name


def check_user_name(text: str) -> str:
    """Login-style user names (letters, digits, ``._@+-``), matching OS and SSH logins."""
    name = (text or "").strip()
    if not _USER.match(name):
        raise InvalidInput(f"user: {text!r} is not a user name (letters, digits and ._@+- only)")
    return name


def check_org_code(text: str) -> str:
    code = (text or "").strip().upper()
    if not _CODE.match(code):
        raise InvalidInput(f"code: {text!r} must be 2 to 10 letters or digits (e.g. ACME)")
    return code


def address_lines(text: str) -> list[str]:
    """A postal address as its lines. A typed backslash and ``n`` (what a shell passes for
    ``--address "a\\nb"``, or what one types in a one-line field) is a line break like a
    real one: no address has that pair in it. Lines are trimmed, blank ones dropped."""
    lines = (text or "").replace("\\n", "\n").splitlines()
    return [line.strip() for line in lines if line.strip()]


def address_text(text: str) -> str:
    """The address as stored: its lines joined by real line breaks."""
    return "\n".join(address_lines(text))
