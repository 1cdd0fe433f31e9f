"""Content-addressed file store for evidence (minh chứng), outside the static files.

A file lives at ``<root>/ab/cd/<sha256>`` where ``abcd…`` is the SHA-256 of its
bytes, so identical files are stored once and no path is ever built from what a
user typed (original names stay in the database). Writes are atomic: a temporary
file in the same directory, flushed to disk, then renamed over the target.
Directories are created 0o750 and files 0o640.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

SHA256_RE = re.compile(r"[0-9a-f]{64}")
DIR_MODE = 0o750
FILE_MODE = 0o640


class FileStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the file with this digest lives; ValueError unless 64 lowercase hex digits."""
        if not isinstance(sha256, str) or not SHA256_RE.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store ``data`` once and return its SHA-256; an existing copy is left as it is.

        Raises OSError (disk full, unwritable directory); no partial file is left behind.
        """
        sha256 = sha256 or hashlib.sha256(data).hexdigest()  # callers that hashed already pass it in
        target = self.path(sha256)
        if target.is_file() and target.stat().st_size == len(data):
            return sha256
        self._make_dirs(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), FILE_MODE)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        return sha256

    def delete(self, sha256: str) -> None:
        """Remove the stored file (when no evidence refers to it any more); missing is fine."""
        self.path(sha256).unlink(missing_ok=True)

    def _make_dirs(self, directory: Path) -> None:
        self.root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        for level in (directory.parent, directory):
            level.mkdir(mode=DIR_MODE, exist_ok=True)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a directory; the data is already safe
        pass
    finally:
        os.close(fd)


evidence_store = FileStore(".")


def configure_store(root: str | Path) -> FileStore:
    """Point the evidence store at ``root`` (the ``UPLOAD_DIR`` setting) and create it."""
    evidence_store.root = Path(root)
    evidence_store.root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return evidence_store
