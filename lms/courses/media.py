"""Media file types: the content type each suffix is served as, and a check that the bytes are of that type."""

from __future__ import annotations

from lms.courses.svg import check_svg

#: Suffix -> the Content-Type a media file is served with (fixed here, never guessed from the system).
MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
}
MEDIA_MAX_BYTES = 20 * 1024 * 1024

_KINDS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WebP", ".pdf": "PDF"}


def _signature_matches(suffix: str, data: bytes) -> bool:
    if suffix == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if suffix == ".gif":
        return data.startswith((b"GIF87a", b"GIF89a"))
    if suffix == ".webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return data.startswith(b"%PDF-")


def content_problems(name: str, suffix: str, data: bytes) -> list[tuple[int, str]]:
    """(line, message) for each reason the bytes of media file `name` are not a safe file of its type."""
    if suffix == ".svg":
        return [(p.line, p.message) for p in check_svg(data)]
    if not _signature_matches(suffix, data):
        return [(1, f"{name} is not a {_KINDS[suffix]} file (its content does not match its name)")]
    return []
