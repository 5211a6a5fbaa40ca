"""Writing a finished document to disk so that no reader ever sees half of it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..domain.errors import TallyError


def write_atomically(data: bytes, target: Path) -> Path:
    """Write ``data`` to ``target`` at once (``replaced_atomically``)."""
    with replaced_atomically(target) as file:
        file.write(data)
    return Path(target).expanduser().resolve()


@contextmanager
def replaced_atomically(target: Path, mode: str = "wb", **options) -> Iterator[IO]:
    """A file to write ``target`` through, as the block writes it (a stream needs no copy
    in memory): it is written next to ``target`` under a temporary name and renamed into
    place when the block ends, so a crash or an error mid-write leaves the old file or
    none, never a truncated one. ``options`` go to ``open`` (encoding, newline)."""
    target = Path(target).expanduser()
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        try:
            with os.fdopen(handle, mode, **options) as file:
                yield file
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise TallyError(f"cannot write {target}: {exc.strerror}") from exc
