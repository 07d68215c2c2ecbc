"""The demo SCORM 1.2 package, "Error hunt" (courses/spotting-ai-errors/scorm/error-hunt.zip), zipped from its
sources in lms/demo/scorm_sample_files/ with fixed dates, modes and order, so that the same sources give the same
files: `make scorm-demo` (python -m lms.demo.scorm_sample). tests/demo/test_scorm_sample.py checks the committed zip
holds exactly the sources."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from lms import PROJECT_ROOT

SOURCES = Path(__file__).with_name("scorm_sample_files")
TARGET = PROJECT_ROOT / "courses" / "spotting-ai-errors" / "scorm" / "error-hunt.zip"
#: The package's files, manifest first.
FILES = ("imsmanifest.xml", "index.html", "activity.js", "activity.css")


def build(target: Path = TARGET) -> Path:
    """Write the package to `target` and return it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for name in FILES:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(info, (SOURCES / name).read_bytes())
    return target


if __name__ == "__main__":
    print(f"wrote {build(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)}")
