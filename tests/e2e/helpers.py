"""Steps the browser tests share: working through a course and answering its final quiz from the course files."""

from __future__ import annotations

import re
from functools import cache

import yaml

from tests.e2e.conftest import ROOT

CATALOGS = ROOT / "lms" / "translations"

COURSE = "ai-foundations"


@cache
def quiz_questions(course: str = COURSE) -> dict[str, dict]:
    """The final quiz's questions by id, read from the course folder (the source of truth for right answers)."""
    data = yaml.safe_load((ROOT / "courses" / course / "quiz.yml").read_text(encoding="utf-8"))
    return {q["id"]: q for q in data["questions"]}


@cache
def _catalog(locale: str):
    from babel.messages.pofile import read_po

    with (CATALOGS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def t(locale: str, msgid: str) -> str:
    """A UI string as the catalog translates it (English is its own msgid)."""
    message = _catalog(locale).get(msgid)
    return message.string if locale != "en" and message and message.string else msgid


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def complete_all_lessons(page, course: str = COURSE) -> int:
    """From the course page, open the first lesson and press "Mark as complete" on each one; return how many."""
    if not page.url.endswith(f"/courses/{course}"):
        page.goto(f"/courses/{course}")
    enrol = page.locator(f"form[action$='/courses/{course}/enroll'] button")
    if enrol.count():
        enrol.click()
        page.wait_for_load_state("load")
        page.goto(f"/courses/{course}")
    page.locator(f"main a[href^='/courses/{course}/lessons/']").first.click()
    done = 0
    # "Mark as complete" leads to the next lesson not yet done, and after the last one back to the course page.
    while "/lessons/" in page.url:
        page.wait_for_selector("article.lesson")
        button = page.locator(".lesson-complete form[action$='/complete'] button")
        if button.count():
            with page.expect_navigation():
                button.click()
            done += 1
        elif page.locator("nav.pager a[rel=next]").count():
            page.locator("nav.pager a[rel=next]").click()
            page.wait_for_load_state("load")
        else:
            break
    return done


def quiz_plan(page, locale: str, *, right: bool) -> list[tuple[str, str, str]]:
    """What to answer on the open attempt: (control id, "check" | "fill" | "select", value) for each answer.

    Questions are drawn at random and options shuffled per attempt, so each question is found by its text in
    `locale` and each control by its label text, as a person would. Wrong answers when not `right`.
    """
    by_text = {_norm(q["text"][locale]): q for q in quiz_questions().values()}
    fieldsets = page.locator("fieldset.question")
    assert fieldsets.count() > 0
    plan = []
    for index in range(fieldsets.count()):
        fs = fieldsets.nth(index)
        legend = _norm(fs.locator("legend").inner_text())
        matches = [q for text, q in by_text.items() if legend.endswith(text)]
        assert len(matches) == 1, f"question not found in quiz.yml: {legend}"
        plan += _plan(fs, matches[0], locale, right=right)
    return plan


def fill_quiz(page, locale: str, *, right: bool) -> None:
    """Answer the open attempt (right or wrong) through the controls."""
    for control, action, value in quiz_plan(page, locale, right=right):
        element = page.locator(f"[id='{control}']")
        if action == "check":
            element.check()
        elif action == "fill":
            element.fill(value)
        else:
            element.select_option(value)


def _control_id(fs, text: str) -> str:
    """The id of the form control whose label reads exactly `text` (whitespace normalised)."""
    target = fs.evaluate(
        "(fs, text) => [...fs.querySelectorAll('label')]"
        ".find(l => l.textContent.replace(/\\s+/g, ' ').trim() === text)?.htmlFor", text)
    assert target, f"no label reading {text!r}"
    return target


def _option_value(fs, control: str, text: str) -> str:
    """The value (an opaque token) of the option reading exactly `text` in the select with id `control`."""
    value = fs.locator(f"[id='{control}']").evaluate(
        "(select, text) => [...select.options]"
        ".find(o => o.textContent.replace(/\\s+/g, ' ').trim() === text)?.value", text)
    assert value, f"no option reading {text!r}"
    return value


def _plan(fs, q: dict, locale: str, *, right: bool) -> list[tuple[str, str, str]]:
    kind = q["type"]
    if kind in ("single", "multiple"):
        picks = [o for o in q["options"] if bool(o.get("correct")) == right][: None if right else 1]
        return [(_control_id(fs, _norm(o["text"][locale])), "check", "") for o in picks]
    if kind == "true_false":
        value = q["answer"] if right else not q["answer"]
        # The values are opaque tokens; the page shows "True" before "False" (in every language).
        return [(fs.locator("input[type=radio]").nth(0 if value else 1).get_attribute("id"), "check", "")]
    if kind in ("short_text", "numeric"):
        answer = (q["accepted"][locale][0] if kind == "short_text" else str(q["answer"])) if right else "-1"
        return [(fs.locator("input[type=text]").get_attribute("id"), "fill", answer)]
    if kind == "ordering":
        plan = []
        for position, item in enumerate(q["items"], start=1):
            control = _control_id(fs, _norm(item["text"][locale]))
            plan.append((control, "select", _option_value(fs, control, str(position if right else 1))))
        return plan
    if kind == "matching":
        if not right:
            return []
        plan = []
        for pair in q["pairs"]:
            control = _control_id(fs, _norm(pair["left"][locale]))
            plan.append((control, "select", _option_value(fs, control, _norm(pair["right"][locale]))))
        return plan
    raise AssertionError(f"unknown question type {kind}")


def start_quiz(page, course: str = COURSE) -> None:
    """Open the quiz overview and start an attempt."""
    page.goto(f"/courses/{course}/quiz")
    page.locator("form[action$='/quiz/start']:not(.preview-form) button[type=submit]").click()
    page.wait_for_selector("form.quiz")


def submit_quiz(page) -> bool:
    """Submit the open attempt; return whether the result page says it passed."""
    page.locator("form.quiz button[type=submit]").click()
    page.wait_for_selector("p.result")
    return page.locator("p.result.result--pass").count() == 1
