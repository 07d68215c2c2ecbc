"""SCORM packages (zip files in a course folder): checked without unpacking, then unpacked once per content hash.

A package is read from its bytes only. Every entry must be a regular file or folder with a clean relative name (no
absolute path, drive letter, backslash or `..`; no symbolic link or special file; no encryption, only stored or
deflated data), within the limits below, so that neither unpacking nor serving it can reach outside its folder and a
zip bomb is refused before anything is written. The manifest (imsmanifest.xml at the top) is parsed without DTDs or
entities (lms.courses.scorm_manifest) and must name a launch file that is in the package.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lms.courses.problems import Collector
from lms.courses.scorm_manifest import MANIFEST, Manifest, read_manifest

#: The zip file itself.
MAX_PACKAGE_BYTES = 200 * 1024 * 1024
#: Everything in it, unpacked (the sizes its directory declares; unpacking stops at them).
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_FILES = 5_000
#: An entry this large that unpacks to more than MAX_RATIO times its packed size is taken for a zip bomb.
RATIO_FROM_BYTES = 1024 * 1024
MAX_RATIO = 200
MANIFEST_MAX_BYTES = 2 * 1024 * 1024
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class PackageInfo:
    """What a checked package holds: its SCORM version, what to launch and how big it is."""

    version: str  # "1.2" | "2004"
    #: The launch file's path in the package, with the query string the manifest gives it (if any).
    launch: str
    title: str
    file_count: int
    unpacked_bytes: int
    #: SCORM 1.2 adlcp:masteryscore of the launched item, if any.
    mastery_score: str | None = None
    #: adlcp:datafromlms (1.2) / adlcp:dataFromLMS (2004) of the launched item: cmi.launch_data.
    launch_data: str | None = None


def entry_problem(info: zipfile.ZipInfo) -> str | None:
    """Why this zip entry may not be unpacked (None: it may)."""
    name = info.filename
    shown = repr(name)
    if info.flag_bits & 0x1:
        return f"entry {shown} is encrypted; packages may not be"
    kind = stat.S_IFMT(info.external_attr >> 16)
    if info.create_system == 3 and kind:  # made on Unix with a file type recorded (some tools leave it out)
        if kind == stat.S_IFLNK:
            return f"entry {shown} is a symbolic link; a package may hold only regular files and folders"
        if kind not in (stat.S_IFREG, stat.S_IFDIR):
            return f"entry {shown} is not a regular file or folder (a device, pipe or socket)"
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or ":" in name:
        return f"entry {shown} has an absolute path, a drive letter or a backslash; names must be relative"
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return f"entry {shown} leaves the package or has an empty part (`..`, `.` or `//`)"
    if not info.is_dir() and info.compress_type not in _METHODS:
        return f"entry {shown} is compressed with method {info.compress_type}; only stored and deflate are allowed"
    if info.file_size >= RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (f"entry {shown} unpacks to {info.file_size} bytes from {info.compress_size} (more than "
                f"{MAX_RATIO} times): refused as a zip bomb")
    return None


def _open_zip(data: bytes, where: Path, out: Collector) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        out.error(where, 1, "not a zip file (a SCORM package is a .zip with imsmanifest.xml at its top)")
    except (OSError, ValueError, NotImplementedError) as exc:
        out.error(where, 1, f"the zip file cannot be read: {exc}")
    return None


def _checked_entries(archive: zipfile.ZipFile, where: Path, out: Collector) -> dict[str, zipfile.ZipInfo] | None:
    """The package's files by name, or None with every problem reported."""
    infos = archive.infolist()
    if len(infos) > MAX_FILES:
        out.error(where, 1, f"the package has {len(infos)} entries; the limit is {MAX_FILES}")
        return None
    files: dict[str, zipfile.ZipInfo] = {}
    folders: set[str] = set()
    total, ok = 0, True
    for info in infos:
        problem = entry_problem(info)
        if problem is None and (info.filename.rstrip("/") in files or info.filename in folders):
            problem = f"entry {info.filename!r} appears twice"
        if problem is not None:
            out.error(where, 1, problem)
            ok = False
            continue
        parts = info.filename.rstrip("/").split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
        if info.is_dir():
            folders.add(info.filename.rstrip("/"))
            continue
        files[info.filename] = info
        total += info.file_size
    clash = sorted(folders & set(files))
    if clash:
        out.error(where, 1, f"entry {clash[0]!r} is both a file and a folder")
        ok = False
    if total > MAX_UNPACKED_BYTES:
        out.error(where, 1, f"the package unpacks to {total} bytes; the limit is {MAX_UNPACKED_BYTES} "
                            "(refused as a possible zip bomb)")
        ok = False
    return files if ok else None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as member:
        return member.read(limit + 1)


def inspect_package(data: bytes, where: Path, out: Collector) -> PackageInfo | None:
    """Check the package `data` (the zip file at `where`); report every problem; return what it holds, or None.

    Problems in the zip are reported at the zip file, line 1, naming the entry; problems in the manifest at
    `<zip>/imsmanifest.xml` and the manifest's line.
    """
    if len(data) > MAX_PACKAGE_BYTES:
        out.error(where, 1, f"the package is {len(data)} bytes; the limit is {MAX_PACKAGE_BYTES}")
        return None
    archive = _open_zip(data, where, out)
    if archive is None:
        return None
    with archive:
        files = _checked_entries(archive, where, out)
        if files is None:
            return None
        manifest_info = files.get(MANIFEST)
        if manifest_info is None:
            nested = sorted(name for name in files if name.rsplit("/", 1)[-1].lower() == MANIFEST)
            found = f" (found {nested[0]}: the manifest must be at the top of the zip)" if nested else ""
            out.error(where, 1, f"the package has no {MANIFEST}{found}")
            return None
        if manifest_info.file_size > MANIFEST_MAX_BYTES:
            out.error(where / MANIFEST, 1, f"{MANIFEST} is {manifest_info.file_size} bytes; the limit is "
                                           f"{MANIFEST_MAX_BYTES}")
            return None
        try:
            broken = archive.testzip()  # every entry's data against its checksum, within the declared sizes
            manifest_bytes = _read_member(archive, manifest_info, MANIFEST_MAX_BYTES)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            out.error(where, 1, f"the zip file is damaged: {exc}")
            return None
        if broken is not None:
            out.error(where, 1, f"entry {broken!r} is damaged (its checksum does not match)")
            return None
    manifest = read_manifest(manifest_bytes, where / MANIFEST, set(files), out)
    if manifest is None:
        return None
    return _info(manifest, files)


def _info(manifest: Manifest, files: dict[str, zipfile.ZipInfo]) -> PackageInfo:
    return PackageInfo(version=manifest.version, launch=manifest.launch, title=manifest.title,
                       file_count=len(files), unpacked_bytes=sum(info.file_size for info in files.values()),
                       mastery_score=manifest.mastery_score, launch_data=manifest.launch_data)


def unpack(data: bytes, sha256: str, into: Path) -> bool:
    """Unpack the checked package `data`, whose SHA-256 is `sha256`, into `into/<sha256>/`, once: return False when
    that folder exists already (this version was unpacked before, by this or another process).

    The entries are checked again and written into a new temporary folder that is renamed into place, so a half
    unpacked package is never served. Raises ValueError when an entry is refused or the data outgrow the limits.
    """
    target = into / sha256
    if target.is_dir():
        return False
    into.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".unpacking-{sha256[:12]}-", dir=into))
    try:
        _extract(data, work)
        try:
            os.rename(work, target)
        except OSError:
            if not target.is_dir():
                raise
            shutil.rmtree(work, ignore_errors=True)  # another process unpacked the same version meanwhile
            return False
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return True


def _extract(data: bytes, work: Path) -> None:
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_FILES:
            raise ValueError(f"the package has more than {MAX_FILES} entries")
        for info in infos:
            problem = entry_problem(info)
            if problem is not None:
                raise ValueError(problem)
            destination = work.joinpath(*info.filename.rstrip("/").split("/"))
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            # The member stops at its declared size (and fails on a wrong checksum): the declared sizes bound it.
            with archive.open(info) as member, open(destination, "xb") as written:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_UNPACKED_BYTES:
                        raise ValueError(f"the package unpacks to more than {MAX_UNPACKED_BYTES} bytes")
                    written.write(chunk)
