"""A WeasyPrint URL fetcher that reads local files inside the build folders and nothing else.

Reports are built on laptops with no network and from untrusted sheets: whatever a sheet or a
picture names (`http://...`, `file:///etc/passwd`, `../../.git/config`), WeasyPrint may only read
the theme's own files and the private folder the pictures and fonts were written to. In WeasyPrint
70 a custom fetcher subclasses `weasyprint.urls.URLFetcher` (a plain function no longer works).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".html": "text/html",
}


class RefusedURL(ValueError):
    """A URL outside the build folders; WeasyPrint logs it and leaves the resource out."""


class LocalFetcher(URLFetcher):
    """Serve `file:` URLs under `roots` (after resolving symbolic links and `..`); refuse the rest.

    `data:` URLs are decoded in memory (no file, no network). Every refused URL is kept in
    `refused`, so that a caller or a test can see what a document tried to load.
    """

    def __init__(self, roots: Iterable[Path], **kwargs) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, **kwargs)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:  # noqa: D401 - WeasyPrint API
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            return self._refuse(url, "only local files are read when building a PDF")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return self._refuse(url, "a file URL on another host")
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return self._refuse(url, "no such file")
        if not path.is_file() or not any(path.is_relative_to(root) for root in self.roots):
            return self._refuse(url, "outside the build folders")
        content_type = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        content_type = content_type or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    def _refuse(self, url: str, why: str) -> URLFetcherResponse:
        self.refused.append(url)
        raise RefusedURL(f"refused {url[:200]!r}: {why}")
