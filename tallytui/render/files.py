"""Writing a finished document to disk so that no reader ever sees half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..domain.errors import TallyError


def write_atomically(data: bytes, target: Path) -> Path:
    """Write ``data`` next to ``target`` under a temporary name, then rename it into place:
    a crash mid-write leaves the old file or none, never a truncated one."""
    target = Path(target).expanduser()
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise TallyError(f"cannot write {target}: {exc.strerror}") from exc
    return target.resolve()
