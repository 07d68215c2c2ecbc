"""A course folder's files as found on disk: regular files only, read without following links.

Every course file the loader reads (manifest, lessons, quiz, media) comes through a CourseFolder. Scanning it
refuses symbolic links (wherever they point, used or not), hard links, devices, pipes and sockets, and folders on
another file system (a mount point), so no path inside a course folder can lead out of it. Each file is then opened
with O_NOFOLLOW and must still be the file the scan saw (same device and inode); a file swapped for a link or
another file between the scan and the read is refused instead of read.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lms.courses.problems import TEXT_MAX_BYTES, Collector

_CHUNK = 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class FileChanged(Exception):
    """A course file is no longer the regular file the scan found (replaced, turned into a link, removed)."""


@dataclass(frozen=True)
class FileEntry:
    """A regular file inside a course folder, as the scan found it."""

    #: Path relative to the course folder, with / separators, e.g. "media/diagram.svg".
    relative: str
    #: The file's path (the course folder joined with `relative`, not resolved).
    path: Path
    size: int
    device: int
    inode: int

    @property
    def is_hidden(self) -> bool:
        """True for names starting with a dot (.gitkeep): never read as content, never served."""
        return PurePosixPath(self.relative).name.startswith(".")


@contextmanager
def _open(entry: FileEntry) -> Iterator[int]:
    try:
        fd = os.open(entry.path, _OPEN_FLAGS)
    except OSError as exc:
        raise FileChanged(f"{entry.relative} cannot be opened: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (entry.device, entry.inode):
            raise FileChanged(f"{entry.relative} changed while the course was being read")
        yield fd
    finally:
        os.close(fd)


def read_bytes(entry: FileEntry, *, limit: int) -> bytes:
    """The bytes of `entry`, read through the link-refusing open; raises FileChanged, or ValueError past `limit`."""
    with _open(entry) as fd:
        parts, total = [], 0
        while chunk := os.read(fd, _CHUNK):
            total += len(chunk)
            if total > limit:
                raise ValueError(f"{entry.relative} is over {limit} bytes")
            parts.append(chunk)
    return b"".join(parts)


def _sha256(entry: FileEntry) -> str:
    h = hashlib.sha256()
    with _open(entry) as fd:
        while chunk := os.read(fd, _CHUNK):
            h.update(chunk)
    return h.hexdigest()


def normalise(relative: str) -> str | None:
    """`relative` (a path written in a course file) as a clean path inside the course folder, or None.

    Purely textual: absolute paths, backslashes, drive letters and any `..` that climbs out are refused.
    """
    if not relative or relative.startswith(("/", "\\")) or "\\" in relative or ":" in relative:
        return None
    path = posixpath.normpath(relative)
    if path == ".." or path.startswith("../") or path.startswith("/") or path == ".":
        return None
    return path


@dataclass
class CourseFolder:
    """The regular files of one course folder, keyed by relative path, and the paths the scan refused."""

    folder: Path
    files: dict[str, FileEntry] = field(default_factory=dict)
    #: Relative paths reported as errors by the scan (links, special files); lookups do not report them again.
    refused: set[str] = field(default_factory=set)
    _hashes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def scan(cls, folder: Path, out: Collector) -> CourseFolder:
        """Walk `folder` without following links; report every entry that is not a regular file or folder."""
        found = cls(Path(folder))
        top = os.stat(folder)
        pending = [("", Path(folder))]
        while pending:
            prefix, directory = pending.pop()
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                out.error(directory, 1, f"cannot read the folder: {exc.strerror}")
                continue
            for entry in entries:
                relative = prefix + entry.name
                path = Path(entry.path)
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISLNK(info.st_mode):
                    found.refused.add(relative)
                    out.error(path, 1, f"{relative} is a symbolic link (to {_link_target(path)}); a course folder "
                                       "may hold only regular files and folders")
                elif stat.S_ISDIR(info.st_mode):
                    if info.st_dev != top.st_dev:
                        found.refused.add(relative)
                        out.error(path, 1, f"{relative} is on another file system (a mount point); a course "
                                           "folder may not reach outside itself")
                    else:
                        pending.append((relative + "/", path))
                elif stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
                    # A hard link is the same file under a second name, which may be anywhere on the file system
                    # (the database, a key): like a symbolic link, it could lead out of the course folder.
                    found.refused.add(relative)
                    out.error(path, 1, f"{relative} is a hard link ({info.st_nlink} names for one file); a course "
                                       "folder may hold only files of its own (copy the file instead)")
                elif stat.S_ISREG(info.st_mode):
                    found.files[relative] = FileEntry(relative, path, info.st_size, info.st_dev, info.st_ino)
                else:
                    found.refused.add(relative)
                    out.error(path, 1, f"{relative} is not a regular file (a device, pipe or socket)")
        return found

    def get(self, relative: str) -> FileEntry | None:
        """The regular file at the clean relative path `relative`, or None."""
        return self.files.get(relative)

    def is_refused(self, relative: str) -> bool:
        """True when `relative`, or a folder above it, was reported by the scan."""
        parts = relative.split("/")
        return any("/".join(parts[:i]) in self.refused for i in range(1, len(parts) + 1))

    def under(self, prefix: str) -> list[FileEntry]:
        """The files below the folder `prefix` (e.g. "media/"), in path order."""
        return [self.files[key] for key in sorted(self.files) if key.startswith(prefix)]

    def read_text(self, entry: FileEntry, out: Collector) -> str | None:
        """The UTF-8 text of a manifest, lesson or quiz file (at most 1 MB); report problems to `out`."""
        if entry.size > TEXT_MAX_BYTES:
            out.error(entry.path, 1, f"the file is {entry.size} bytes; the limit is {TEXT_MAX_BYTES}")
            return None
        data = self.read(entry, out, limit=TEXT_MAX_BYTES)
        if data is None:
            return None
        try:
            # Editors on Windows save UTF-8 with a byte-order mark; it is not part of the text (YAML skips it too, and a
            # lesson's front matter must still be found at the very start).
            return data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            out.error(entry.path, 1, f"not UTF-8 text (byte {exc.start})")
            return None

    def read(self, entry: FileEntry, out: Collector, *, limit: int) -> bytes | None:
        """The bytes of `entry` (remembering their hash), or None with the problem reported to `out`."""
        try:
            data = read_bytes(entry, limit=limit)
        except FileChanged as exc:
            out.error(entry.path, 1, str(exc))
            return None
        except ValueError:
            out.error(entry.path, 1, f"the file grew past the limit of {limit} bytes while it was being read")
            return None
        self._hashes[entry.relative] = hashlib.sha256(data).hexdigest()
        return data

    def sha256(self, entry: FileEntry) -> str:
        """The SHA-256 of `entry`'s bytes (as read before, or read now); raises FileChanged."""
        if entry.relative not in self._hashes:
            self._hashes[entry.relative] = _sha256(entry)
        return self._hashes[entry.relative]

    def digest(self, out: Collector) -> str | None:
        """A hash of every file (names and bytes; hidden names skipped): the course's content version."""
        h = hashlib.sha256()
        # Ordered by path parts, as pathlib orders paths, so versions stay what they were before this module.
        for key in sorted(self.files, key=lambda k: k.split("/")):
            entry = self.files[key]
            if entry.is_hidden:
                continue
            try:
                digest = self.sha256(entry)
            except FileChanged as exc:
                out.error(entry.path, 1, str(exc))
                return None
            h.update(key.encode() + b"\0")
            h.update(bytes.fromhex(digest))
        return h.hexdigest()


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"
