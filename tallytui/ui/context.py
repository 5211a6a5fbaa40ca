"""What the interface knows about where it runs: acting user and database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Session:
    actor: str
    database: str
