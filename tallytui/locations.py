"""Where the database lives when no ``--db`` names it. Apart from the database layer, so
the interface can name the database on its first frame before that layer is imported."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("tallytui", appauthor=False) / "tally.db"


def config_path() -> Path:
    """``config.toml``: where ``TALLY_CONFIG`` names it, else in the platform's config
    folder (e.g. ``~/.config/tallytui/config.toml``)."""
    named = os.environ.get("TALLY_CONFIG")
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_path

    return user_config_path("tallytui", appauthor=False) / "config.toml"


def read_config(path: Path | None = None) -> dict:
    """The config file's tables; an absent file is empty, a broken one an error naming it."""
    from .domain.errors import TallyError

    path = path or config_path()
    if not path.exists():
        return {}
    import tomllib  # only when there is a file: most starts have none

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TallyError(f"{path}: {exc}") from exc


def resolve_url(url: str | None) -> str:
    """``--db`` wins, then ``TALLY_DB``, then the platform data dir."""
    return url or os.environ.get("TALLY_DB") or str(default_path())


def missing_database(url: str) -> str | None:
    """Why the SQLite file ``url`` names cannot be opened without creating it, or None.
    Only ``tally init`` and ``tally demo`` create one: SQLite would make an empty file of a
    mistyped ``--db`` and every command would go on in that second database."""
    if is_postgres(url):
        return None
    path = Path(url.removeprefix("sqlite:///")).expanduser()
    return None if path.is_file() else f"no database at {path}: `tally init` creates one"


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#]*")
# user:password@ before the host: the authority ends at the first "/", and a password
# typed with a bare "@" in it still ends at the last one.
_CREDENTIALS = re.compile(r"([^@/:]*):([^/]*)@")


def url_password(url: str) -> str | None:
    """The password in a ``postgresql://`` URL's user info, as written."""
    credentials = _CREDENTIALS.match(url.split("://", 1)[1]) if is_postgres(url) else None
    return credentials[2] if credentials else None


def _passwords(url: str) -> list[str]:
    """The password(s) a ``postgresql://`` URL carries, as written and as decoded: in its
    user info and in a ``password=`` parameter."""
    found = [url_password(url)]
    found += [m[0].split("=", 1)[1] for m in _QUERY_PASSWORD.finditer(url)]
    return [form for secret in found if secret for form in {secret, unquote(secret)}]


def redacted(url: str) -> str:
    """``url`` with any password shown as ``***`` (``postgresql://ada:***@host/db``): the
    form of a URL fit for an error, a log line, the interface or JSON."""
    if not is_postgres(url):
        return url
    scheme, rest = url.split("://", 1)
    rest = _QUERY_PASSWORD.sub(r"\1***", rest)
    credentials = _CREDENTIALS.match(rest)
    if credentials:
        rest = f"{credentials[1]}:***@{rest[credentials.end() :]}"
    return f"{scheme}://{rest}"


def scrubbed(text: str, url: str) -> str:
    """``text`` (say, a driver's error about ``url``) with the URL's password hidden
    wherever it shows: libpq quotes a malformed part of a URL back in its errors."""
    if not is_postgres(url):
        return text
    text = text.replace(url, redacted(url))
    for secret in sorted(_passwords(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
