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
