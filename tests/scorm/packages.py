"""Small SCORM 1.2 and 2004 packages for the tests: a page that finds the API, initialises, reads what it left
(suspend data and location), moves through pages (location, suspend data, status), and finishes (status, score,
session time, commit, finish), plus builders of broken zips (zip-slip, symbolic link, XXE, zip bomb)."""

from __future__ import annotations

import zipfile
from pathlib import Path

INDEX = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Test SCO {version}</title><script src="sco.js"></script></head>
<body>
<main>
  <h1>Test SCO {version}</h1>
  <p id="state">starting</p>
  <p id="resume"></p>
  <p id="learner"></p>
  <p id="cookies"></p>
  <button id="next" type="button">Next page</button>
  <button id="commit" type="button">Save</button>
  <button id="finish" type="button">Finish</button>
  <button id="fail" type="button">Fail</button>
</main>
</body>
</html>
"""

#: The SCO's script: the API names of its version, the usual discovery through the parent frames.
SCO_JS = """(function () {
  var v = "%(version)s";
  var names = v === "1.2"
    ? {api: "API", init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit",
       finish: "LMSFinish", status: "cmi.core.lesson_status", location: "cmi.core.lesson_location",
       score: "cmi.core.score.raw", session: "cmi.core.session_time", exit: "cmi.core.exit", entry: "cmi.core.entry",
       name: "cmi.core.student_name", language: "cmi.student_preference.language"}
    : {api: "API_1484_11", init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit",
       finish: "Terminate", status: "cmi.completion_status", location: "cmi.location", score: "cmi.score.raw",
       session: "cmi.session_time", exit: "cmi.exit", entry: "cmi.entry", name: "cmi.learner_name",
       language: "cmi.learner_preference.language"};
  function find(win) {
    for (var i = 0; win && i < 10; i++) {
      try { if (win[names.api]) { return win[names.api]; } } catch (e) { return null; }
      if (win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }
  var api = find(window);
  var page = 0;
  function text(id, value) { document.getElementById(id).textContent = value; }
  window.addEventListener("load", function () {
    if (!api) { text("state", "no API"); return; }
    api[names.init]("");
    var saved = api[names.get]("cmi.suspend_data");
    if (saved) {
      page = parseInt(saved.replace("page=", ""), 10) || 0;
      text("resume", "resumed at " + api[names.get](names.location) + " with " + saved);
    } else {
      text("resume", "fresh start");
    }
    text("learner", "learner " + api[names.get](names.name) + " in " + api[names.get](names.language));
    text("cookies", "cookies: [" + document.cookie + "]");
    text("state", "ready, entry " + api[names.get](names.entry));
    document.getElementById("next").addEventListener("click", function () {
      page += 1;
      api[names.set](names.location, "page-" + page);
      api[names.set]("cmi.suspend_data", "page=" + page);
      api[names.set](names.status, "incomplete");
      text("state", "on page " + page);
    });
    document.getElementById("commit").addEventListener("click", function () {
      api[names.commit]("");
      text("state", "saved page " + page);
    });
    function end(passed) {
      api[names.set](names.status, v === "1.2" ? (passed ? "passed" : "failed") : "completed");
      if (v !== "1.2") {
        api[names.set]("cmi.success_status", passed ? "passed" : "failed");
        api[names.set]("cmi.score.scaled", passed ? "0.85" : "0.2");
      }
      api[names.set](names.score, passed ? "85" : "20");
      api[names.set](names.session, v === "1.2" ? "0000:01:05.00" : "PT1M5S");
      api[names.set](names.exit, v === "1.2" ? "" : "normal");
      api[names.commit]("");
      api[names.finish]("");
      text("state", passed ? "finished" : "failed");
    }
    document.getElementById("finish").addEventListener("click", function () { end(true); });
    document.getElementById("fail").addEventListener("click", function () { end(false); });
  });
}());
"""

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="test-sco-12" version="1.0"
          xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item" identifierref="res"{item_attrs}>
        <title>{title}</title>
      </item>{extra_items}
    </organization>
  </organizations>
  <resources>
    <resource identifier="res" type="webcontent" adlcp:scormtype="sco" href="{launch}">
      <file href="index.html"/>
      <file href="sco.js"/>
    </resource>
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="test-sco-2004" version="1.0"
          xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
          xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item" identifierref="res"{item_attrs}>
        <title>{title}</title>
      </item>{extra_items}{sequencing}
    </organization>
  </organizations>
  <resources>
    <resource identifier="res" type="webcontent" adlcp:scormType="sco" href="{launch}">
      <file href="index.html"/>
      <file href="sco.js"/>
    </resource>
  </resources>
</manifest>
"""

SEQUENCING = """
      <imsss:sequencing>
        <imsss:controlMode choice="true" flow="true"/>
      </imsss:sequencing>"""


def manifest(version: str, *, title: str = "Test activity", launch: str = "index.html", item_attrs: str = "",
             extra_items: str = "", sequencing: bool = False) -> str:
    """An imsmanifest.xml of `version` ("1.2" or "2004") launching `launch`."""
    if version == "1.2":
        return MANIFEST_12.format(title=title, launch=launch, item_attrs=item_attrs, extra_items=extra_items)
    return MANIFEST_2004.format(title=title, launch=launch, item_attrs=item_attrs, extra_items=extra_items,
                                sequencing=SEQUENCING if sequencing else "")


def sco_files(version: str, **manifest_options) -> dict[str, bytes]:
    """The files of a working test package."""
    return {
        "imsmanifest.xml": manifest(version, **manifest_options).encode(),
        "index.html": INDEX.format(version=version).encode(),
        "sco.js": (SCO_JS % {"version": version}).encode(),
    }


def write_zip(path: Path, files: dict[str, bytes], *, extra: list[tuple[zipfile.ZipInfo, bytes]] = ()) -> Path:
    """A zip of `files` (deflated) plus `extra` entries written as given (for broken packages)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for info, data in extra:
            archive.writestr(info, data)
    return path


def write_package(path: Path, version: str = "1.2", **manifest_options) -> Path:
    """A working test package of `version` at `path`."""
    return write_zip(path, sco_files(version, **manifest_options))


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    """A zip entry that unpacks (with `unzip`) as a symbolic link `name` -> `target`."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return info, target.encode()


def plain_entry(name: str, data: bytes = b"x", *, compress: int = zipfile.ZIP_STORED) -> tuple[zipfile.ZipInfo, bytes]:
    """A zip entry with exactly this name (no cleaning)."""
    info = zipfile.ZipInfo(name)
    info.compress_type = compress
    return info, data


XXE_MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE manifest [
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<manifest identifier="xxe" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2">
  <metadata><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>&secret;</title>
    <item identifier="i" identifierref="r"/></organization></organizations>
  <resources><resource identifier="r" type="webcontent" href="index.html"/></resources>
</manifest>
"""


def scorm_course(folder: Path, *, course_id: str = "scorm-course", lessons: dict[str, str] | None = None,
                 quiz: bool = False) -> Path:
    """A course whose lessons are SCORM packages: {lesson id: version}; each package under scorm/<id>.zip."""
    lessons = lessons or {"sco-12": "1.2"}
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"id: {course_id}", "default_language: en", "title:", "  en: SCORM course", "  ru: Курс SCORM",
             "  kk: SCORM курсы", "summary:", "  en: Packages", "  ru: Пакеты", "  kk: Пакеттер",
             "competency_area: foundations", "level: beginner", "estimated_minutes: 20", "self_enrollment: true",
             "certificate: true", "lessons:"]
    for lesson_id, version in lessons.items():
        write_package(folder / "scorm" / f"{lesson_id}.zip", version, title=f"Activity {lesson_id}")
        lines += [f"  - id: {lesson_id}", f"    scorm: scorm/{lesson_id}.zip", "    title:",
                  f"      en: Activity {version}", f"      ru: Задание {version}", f"      kk: Тапсырма {version}",
                  "    estimated_minutes: 5"]
    if quiz:
        from tests.courses.builders import quiz_text

        (folder / "quiz.yml").write_text(quiz_text(), encoding="utf-8")
        lines.append("quiz: quiz.yml")
    (folder / "course.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def mark_encrypted(path: Path, name: str) -> None:
    """Set the 'encrypted' flag of entry `name` in the zip at `path` (zipfile never writes encrypted entries)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            length = int.from_bytes(data[start + name_at - (4 if signature == b"PK\x03\x04" else 18):][:2], "little")
            if bytes(data[start + name_at:start + name_at + length]) == encoded:
                data[start + flag_at] |= 0x1
            start += 4
    path.write_bytes(bytes(data))
