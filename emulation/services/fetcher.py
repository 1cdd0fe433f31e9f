"""The only way WeasyPrint reads a resource: :class:`FolderFetcher`, confined to one folder.

Rules:
- Served: ``file:`` URLs (no host, or ``localhost``) naming an existing regular file inside
  the folder, checked AFTER resolving ``..``, percent-escapes and symbolic links — so a link
  pointing out of the folder is refused like the path it points to.
- Refused (``ValueError``, which WeasyPrint reports and skips): http, https, ftp, data: and
  every other scheme, any other host, folders, missing files, anything outside the folder.
  Nothing is ever fetched from the network.
- ``fetched`` records what was served, in order (tests and audits read it).
- Written for WeasyPrint ≥ 70, whose fetchers are ``URLFetcher`` subclasses overriding
  ``fetch(url, headers=None)`` and returning a ``URLFetcherResponse``.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse


class FolderFetcher(URLFetcher):
    """A WeasyPrint URL fetcher serving only the files of one folder (module rules)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.folder = folder.resolve()
        self.fetched: list[str] = []

    def path_for(self, url: str) -> Path:
        """The file a URL names inside the folder; ValueError for anything else."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused URL outside the folder {self.folder.name!r}: {url[:200]!r}")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            raise ValueError(f"refused URL outside the folder {self.folder.name!r}: {url[:200]!r}")
        return path

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self.path_for(url)
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
