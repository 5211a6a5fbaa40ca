"""The one clock: ``TALLY_NOW`` freezes it for tests and demos."""

from __future__ import annotations

import os
import time

from ..domain.localtime import parse_instant


def now_utc() -> int:
    """Epoch seconds now, or the instant in ``TALLY_NOW`` (ISO 8601 with an offset)."""
    frozen = os.environ.get("TALLY_NOW")
    if not frozen:
        return int(time.time())
    return parse_instant(frozen, None, "TALLY_NOW")
