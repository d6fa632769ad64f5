"""The release: a digest of the portal's own code, templates and compiled catalogues.

Cached pages (scoring/selectors/cache.py) and the working pages' rows
(scoring/selectors/fragments.py) carry it in their keys: a deploy that changes how anything is
drawn (a template, a template filter's Python, a view, a translation) reads nothing drawn by the
code before it, with no step to remember. Computed once per process (a deploy restarts the
processes), from the files' contents: two instances of the same release agree, whatever the
files' dates.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from django.conf import settings

#: What draws a page: Python, templates and text, the compiled catalogues.
SUFFIXES = (".py", ".html", ".txt", ".mo")
#: Folders that are not the portal's code, or do not draw pages.
SKIPPED = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "tests",
    "bench",
    "media",
    "staticfiles",
    "static",
}


def digest_of(root: Path) -> str:
    """The digest of every file of `SUFFIXES` under `root` (names and contents, in name order),
    skipping `SKIPPED` folders and hidden ones."""
    files = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED and not d.startswith("."))
        files += [Path(folder) / name for name in names if name.endswith(SUFFIXES)]
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@functools.cache
def release() -> str:
    """This process's release (see the module's text)."""
    return digest_of(Path(settings.BASE_DIR))
