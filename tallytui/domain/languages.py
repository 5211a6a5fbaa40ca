"""The languages documents are written in: the ones the catalogs translate into."""

from __future__ import annotations

from .errors import InvalidInput

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("de", "en", "fr", "it", "nl", "es")
NAMES = {
    "de": "Deutsch",
    "en": "English",
    "fr": "Français",
    "it": "Italiano",
    "nl": "Nederlands",
    "es": "Español",
}
# (label, code) of each language, as a form's choice shows it.
CHOICES = tuple((f"{NAMES[code]} ({code})", code) for code in LANGUAGES)


def check_language(value: str, field: str = "--language") -> str:
    """A language code of :data:`LANGUAGES`, lower-cased."""
    code = (value or "").strip().lower()
    if code not in LANGUAGES:
        raise InvalidInput(f"{field}: {value!r} is not one of {', '.join(LANGUAGES)}")
    return code
