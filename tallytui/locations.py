"""Where the database lives when no ``--db`` names it. Apart from the database layer, so
the interface can name the database on its first frame before that layer is imported."""

from __future__ import annotations

import os
from pathlib import Path


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("tallytui", appauthor=False) / "tally.db"


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
