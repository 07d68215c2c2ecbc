"""Write programme files for the programme tests."""

from __future__ import annotations

from pathlib import Path


def write_programme(root: Path, programme_id: str = "basics", *, courses=("plain",), groups=(), title=None,
                    certificate: bool = True, valid_months: int | None = None, name: str | None = None) -> Path:
    """Write courses/programmes/<name or id>.yml with the given required courses and groups ((pick, [ids]), ...)."""
    folder = Path(root) / "programmes"
    folder.mkdir(exist_ok=True)
    title = title or {"en": "Basics", "ru": "Основы", "kk": "Негіздер"}
    lines = [f"id: {programme_id}", "default_language: en", "title:", *(f"  {k}: {v}" for k, v in title.items()),
             "summary:", *(f"  {k}: Summary {v}" for k, v in title.items())]
    if courses:
        lines += ["courses:", *(f"  - {key}" for key in courses)]
    if groups:
        lines.append("groups:")
        for pick, keys in groups:
            lines += ["  - title: {en: Any of these, ru: Любые из этих, kk: Осылардың кез келгені}",
                      f"    pick: {pick}", "    courses:", *(f"      - {key}" for key in keys)]
    lines.append(f"certificate: {'true' if certificate else 'false'}")
    if valid_months:
        lines.append(f"certificate_valid_months: {valid_months}")
    path = folder / f"{name or programme_id}.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
