"""Where the database lives when no ``--db`` names it. Apart from the database layer, so
the interface can name the database on its first frame before that layer is imported."""

from __future__ import annotations

import os
from pathlib import Path


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
    if url.startswith(("postgresql://", "postgres://")):
        return None
    path = Path(url.removeprefix("sqlite:///")).expanduser()
    return None if path.is_file() else f"no database at {path}: `tally init` creates one"
