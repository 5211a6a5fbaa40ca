"""User settings for the interface: key overrides in ``config.toml`` under the platform's
config folder, e.g. ``~/.config/tallytui/config.toml``::

    [keymap]
    "review.delete" = "x"
    "review.previous" = "h,left_square_bracket"
"""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import TallyError


def config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("tallytui", appauthor=False) / "config.toml"


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """Binding id → keys; an absent file means no overrides, a broken one is an error."""
    path = path or config_path()
    if not path.exists():
        return {}
    import tomllib  # only when there is a file: most starts have none

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TallyError(f"{path}: {exc}") from exc
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
    ):
        raise TallyError(
            f'{path}: [keymap] maps binding ids to key names, e.g. "review.delete" = "x"'
        )
    return keymap
