"""Subjects and bodies of invoice e-mails: a default per language and kind, which the
organisation may override in ``config.toml``::

    [mail.templates.en]
    subject = "Invoice {number} from {seller}"
    body = "Hello,\\n\\nplease find invoice {number} over {total} attached ..."

    [mail.templates.en.first_reminder]
    subject = "Reminder: invoice {number}"

A template names values in braces; one it does not know is an error naming it, before
anything is sent."""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter

from ..domain.errors import InvalidInput

PLACEHOLDERS = ("number", "total", "due_date", "seller", "client")
KINDS = ("send", "first_reminder", "second_reminder", "final_notice")
LEVELS = {1: "first_reminder", 2: "second_reminder", 3: "final_notice"}
LEVEL_WORDS = {1: "first reminder", 2: "second reminder", 3: "final notice"}
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


_EN = {
    "send": Template(
        "Invoice {number} from {seller}",
        "Hello,\n\nplease find attached invoice {number} over {total}, due on {due_date}.\n\n"
        "Kind regards\n{seller}\n",
    ),
    "first_reminder": Template(
        "Reminder: invoice {number}",
        "Hello,\n\nour invoice {number} over {total} was due on {due_date}, and we have not "
        "received your payment yet. Perhaps it slipped through: we attach the invoice "
        "again.\n\nIf you have paid in the meantime, please disregard this message.\n\n"
        "Kind regards\n{seller}\n",
    ),
    "second_reminder": Template(
        "Second reminder: invoice {number}",
        "Hello,\n\ninvoice {number} over {total} was due on {due_date} and is still open "
        "despite our reminder. Please pay it within the next days; the invoice is attached."
        "\n\nKind regards\n{seller}\n",
    ),
    "final_notice": Template(
        "Final notice: invoice {number}",
        "Hello,\n\ninvoice {number} over {total}, due on {due_date}, remains unpaid after "
        "two reminders. Please pay it within seven days; after that we will have to take "
        "further steps.\n\nKind regards\n{seller}\n",
    ),
}
_DE = {
    "send": Template(
        "Rechnung {number} von {seller}",
        "Guten Tag,\n\nanbei erhalten Sie die Rechnung {number} über {total}, fällig am "
        "{due_date}.\n\nMit freundlichen Grüßen\n{seller}\n",
    ),
    "first_reminder": Template(
        "Zahlungserinnerung: Rechnung {number}",
        "Guten Tag,\n\nunsere Rechnung {number} über {total} war am {due_date} fällig; "
        "eine Zahlung haben wir noch nicht erhalten. Sicher ist sie nur übersehen worden: "
        "die Rechnung liegt noch einmal bei.\n\nSollten Sie inzwischen gezahlt haben, "
        "betrachten Sie diese Nachricht bitte als gegenstandslos.\n\n"
        "Mit freundlichen Grüßen\n{seller}\n",
    ),
    "second_reminder": Template(
        "Zweite Mahnung: Rechnung {number}",
        "Guten Tag,\n\ndie Rechnung {number} über {total} war am {due_date} fällig und ist "
        "trotz unserer Erinnerung noch offen. Bitte begleichen Sie sie in den nächsten "
        "Tagen; die Rechnung liegt bei.\n\nMit freundlichen Grüßen\n{seller}\n",
    ),
    "final_notice": Template(
        "Letzte Mahnung: Rechnung {number}",
        "Guten Tag,\n\ndie Rechnung {number} über {total}, fällig am {due_date}, ist nach "
        "zwei Mahnungen noch offen. Bitte zahlen Sie innerhalb von sieben Tagen; danach "
        "müssen wir weitere Schritte einleiten.\n\nMit freundlichen Grüßen\n{seller}\n",
    ),
}
DEFAULTS = {"en": _EN, "de": _DE}


def template(language: str, kind: str, overrides: dict) -> Template:
    """The template of ``kind`` in ``language`` (English where none is known), with the
    subject and body ``[mail.templates.LANG]`` (or its ``.KIND`` table) replaces."""
    base = DEFAULTS.get(language, DEFAULTS[DEFAULT_LANGUAGE])[kind]
    table = overrides.get(language, {})
    if kind != "send":
        table = table.get(kind, {})
    return Template(table.get("subject", base.subject), table.get("body", base.body))


def fill(text: str, values: dict[str, str], where: str) -> str:
    """``text`` with its placeholders filled; an unknown one is an error naming it."""
    try:
        names = [name for _, name, _, _ in Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise InvalidInput(f"{where}: {exc}") from exc
    for name in names:
        if name not in values:
            raise InvalidInput(
                f"{where}: unknown placeholder {{{name}}} (known: "
                + ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)
                + ")"
            )
    return text.format_map(values)
