"""User settings for the interface: key overrides in ``config.toml`` under the platform's
config folder, e.g. ``~/.config/tallytui/config.toml`` (or where ``TALLY_CONFIG`` names)::

    [keymap]
    "review.delete" = "x"
    "review.previous" = "h,left_square_bracket"
"""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import TallyError
from ..locations import config_path, read_config


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """Binding id → keys; an absent file means no overrides, a broken one is an error."""
    path = path or config_path()
    data = read_config(path)
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
    ):
        raise TallyError(
            f'{path}: [keymap] maps binding ids to key names, e.g. "review.delete" = "x"'
        )
    return keymap
