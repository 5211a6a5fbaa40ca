"""Consistent copies of an SQLite database while other processes may be writing to it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from ..domain.errors import Conflict, TallyError
from .models import db


def backup_to(target: str) -> Path:
    """Copy the open database with SQLite's online backup into a new private file."""
    source = db.obj
    if not isinstance(source, SqliteDatabase):
        raise TallyError("backup copies SQLite files; back up PostgreSQL with pg_dump")
    path = Path(target).expanduser()
    if path.exists():
        raise Conflict(f"{path} exists already; choose a new file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
    try:
        with sqlite3.connect(path) as copy:
            source.connection().backup(copy)
        copy.close()
    except sqlite3.Error as exc:
        path.unlink(missing_ok=True)
        raise TallyError(f"backup to {path} failed: {exc}") from exc
    return path
