"""Uploaded spreadsheets, kept between the admin import's preview and its confirmation, and not for long.

django-import-export saves each upload so that "Confirm import" imports the very file that was
previewed. Its default storage (TempFolderStorage) leaves a file in the system's temp folder for
every preview that is never confirmed, and opens whatever name the confirm form sends there. This
one keeps uploads in a folder of their own (``IMPORT_UPLOAD_DIR``, private to the app's user),
under random names only it makes, and ``sweep_uploads`` deletes those older than
``IMPORT_UPLOAD_MAX_AGE_MINUTES`` whenever anyone opens the import page; the admin also deletes an
upload at once when its preview offers nothing to confirm (clinics/admin.py).

Why not django-import-export's CacheStorage, which expires by itself: the cache here is Redis when
there is one, which is optional and fails open (an outage would lose previews), and otherwise each
web worker's own memory (a confirmation landing on another worker would find nothing). A folder
works with both; what it needs is that the confirmation reaches the same machine as the preview.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

from django.conf import settings
from import_export.tmp_storages import BaseStorage

NAME_RE = re.compile(r"^[0-9a-f]{32}$")


class UploadExpired(Exception):
    """The previewed file is gone (swept after IMPORT_UPLOAD_MAX_AGE_MINUTES) or was never ours."""


def upload_folder() -> Path:
    return Path(settings.IMPORT_UPLOAD_DIR)


class ImportUploadStorage(BaseStorage):
    """django-import-export's temporary storage for uploads, in ``IMPORT_UPLOAD_DIR``; always bytes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.name: str | None = kwargs.get("name")
        self.read_mode = "rb"  # the formats decode the bytes themselves (clinics/spreadsheets.py)

    def save(self, data: bytes) -> None:
        folder = upload_folder()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.name = self.name or uuid4().hex
        descriptor = os.open(self._path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    def read(self) -> bytes:
        try:
            return self._path().read_bytes()
        except FileNotFoundError:
            raise UploadExpired(self.name) from None

    def remove(self) -> None:
        if self.name and NAME_RE.match(self.name):
            self._path().unlink(missing_ok=True)

    def _path(self) -> Path:
        """Only names this storage made: the confirm form's name can never reach another file."""
        if not self.name or not NAME_RE.match(self.name):
            raise UploadExpired(self.name)
        return upload_folder() / self.name


def sweep_uploads(*, now: float | None = None) -> int:
    """Delete uploads older than IMPORT_UPLOAD_MAX_AGE_MINUTES (previews never confirmed); returns how many."""
    folder = upload_folder()
    if not folder.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - settings.IMPORT_UPLOAD_MAX_AGE_MINUTES * 60
    removed = 0
    for path in folder.iterdir():
        if not NAME_RE.match(path.name):
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another worker swept it first
            continue
    return removed
