"""Which project a saved file or a visited URL belongs to, and what is never recorded."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

IGNORED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        "_darcs",
        "CVS",
        "node_modules",
        "bower_components",
        "vendor",
        ".venv",
        "venv",
        "env",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        "build",
        "dist",
        "target",
        "out",
        ".next",
        ".nuxt",
        ".gradle",
        ".cache",
        ".idea",
        ".vscode",
        ".eggs",
        "site-packages",
        "coverage",
        "htmlcov",
        ".terraform",
    }
)
IGNORED_FILES = (
    "*.swp",
    "*.swo",
    "*.swx",
    "*.swn",
    "*~",
    ".#*",
    "#*#",
    "*.tmp",
    "*.temp",
    "*.bak",
    "*.orig",
    "*.part",
    "*.crdownload",
    "4913",
    ".DS_Store",
    "Thumbs.db",
    "*.pyc",
    "*.pyo",
    "*.class",
    "*.o",
    "*.so",
    "*.lock",
    "*.log",
    "*.sqlite-journal",
    "*-wal",
    "*-shm",
)


@dataclass(frozen=True)
class CaptureRules:
    """Watched folders and URL patterns by project, plus extra ignore patterns."""

    folders: Mapping[str, int] = field(default_factory=dict)  # absolute folder -> project id
    urls: Mapping[str, int] = field(default_factory=dict)  # normalised pattern -> project id
    ignore: tuple[str, ...] = ()

    def root_of(self, path: str) -> str | None:
        """The deepest watched folder containing ``path`` (string walk, no PurePath)."""
        folder = os.path.normpath(path)
        while True:
            if folder in self.folders:
                return folder
            parent = os.path.dirname(folder)
            if parent == folder:
                return None
            folder = parent

    def project_for_path(self, path: str) -> int | None:
        """The project of the deepest watched folder containing ``path``."""
        root = self.root_of(path)
        return None if root is None else self.folders[root]

    @cached_property
    def _file_pattern(self) -> re.Pattern:
        return re.compile("|".join(fnmatch.translate(p) for p in (*IGNORED_FILES, *self.ignore)))

    def ignored(self, path: str) -> bool:
        """VCS, dependency and build folders, editor swap and temp files, user patterns.
        Only folders below the watched folder count: ``~/vendor/acme`` can be a project."""
        root = self.root_of(path)
        below = path[len(root) :] if root is not None else path
        if any(self.ignored_dir(part) for part in below.split(os.sep)[:-1]):
            return True
        name = os.path.basename(path)
        return bool(self._file_pattern.match(name) or self._file_pattern.match(path))

    def ignored_dir(self, name: str) -> bool:
        return name in IGNORED_DIRS or any(fnmatch.fnmatchcase(name, p) for p in self.ignore)

    def project_for_url(self, url: str) -> int | None:
        """The project whose pattern matches the visit; the longest pattern wins."""
        clean = clean_url(url)
        if clean is None:
            return None
        host = clean.split("/", 1)[0]
        best: tuple[int, int] | None = None
        for pattern, project in self.urls.items():
            if _url_matches(pattern, clean, host) and (best is None or len(pattern) > best[0]):
                best = (len(pattern), project)
        return best[1] if best else None


def _url_matches(pattern: str, clean: str, host: str) -> bool:
    if "/" not in pattern and "*" not in pattern:
        return host == pattern or host.endswith("." + pattern)  # a bare domain
    if fnmatch.fnmatchcase(clean, pattern):
        return True
    return pattern.endswith("/*") and clean == pattern[:-2]


def clean_url(url: str) -> str | None:
    """``host/path`` of an http(s) URL without scheme, credentials, query or fragment."""
    try:
        parts = urlsplit(url)
        number = parts.port  # raises for a port that is not a number from 0 to 65535
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    port = f":{number}" if number and number not in (80, 443) else ""
    return f"{host}{port}{parts.path or '/'}".rstrip("/") or host


def visit_record(url: str) -> str | None:
    """What is stored of a visit: scheme, host and path, never the query string."""
    clean = clean_url(url)
    return None if clean is None else f"{urlsplit(url).scheme}://{clean}"


def folders_of(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Folder → project, with each folder in the normal form ``root_of`` compares against."""
    return {os.path.normpath(folder): project for folder, project in pairs}
