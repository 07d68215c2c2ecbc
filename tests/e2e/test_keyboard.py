"""The final quiz taken with the keyboard only: Tab to move, Space and arrow keys to choose, Enter to submit."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in, switch_language
from tests.e2e.helpers import complete_all_lessons, quiz_plan

pytestmark = pytest.mark.e2e

ACTIVE = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {id: e.id, tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
          index: e.tagName === 'SELECT' ? e.selectedIndex : -1, value: e.value || '',
          submit: e.matches('form.quiz button[type=submit], form[action$="/quiz/start"] button'),
          focusVisible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'}; }"""


def _tab_to(page, predicate, limit: int = 200) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if predicate(active):
            return active
    raise AssertionError("focus never reached the control")


def test_the_quiz_can_be_taken_with_the_keyboard_only(server, new_context):
    email, password = server.new_learner("keyboard@e2e.lms.kz", "Марат Ерланұлы Сейітов")
    page = new_context().new_page()
    log_in(page, email, password)
    switch_language(page, "kk")
    complete_all_lessons(page)  # set-up with the mouse; the quiz below uses keys only

    page.goto("/courses/ai-foundations/quiz")
    start = _tab_to(page, lambda a: a["submit"])
    assert start["focusVisible"], "the focused button shows no focus indicator"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("form.quiz")

    plan = {control: (action, value) for control, action, value in quiz_plan(page, "kk", right=True)}
    radio_groups = {}
    for control in plan:
        name = page.locator(f"[id='{control}']").get_attribute("name")
        if page.locator(f"[id='{control}']").get_attribute("type") == "radio":
            radio_groups[name] = control
    answered = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        assert active["focusVisible"], f"no visible focus on {active}"
        if active["submit"]:
            break
        if active["type"] == "radio" and active["name"] in radio_groups:
            # Arrow keys move through a radio group (Tab enters and leaves it) and select as they go.
            ids = page.locator(f"input[type=radio][name='{active['name']}']").evaluate_all("l => l.map(e => e.id)")
            steps = ids.index(radio_groups[active["name"]]) - ids.index(active["id"])
            page.keyboard.press("Space")
            for _ in range(abs(steps)):
                page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
            answered.add(radio_groups[active["name"]])
        elif active["id"] in plan:
            action, value = plan[active["id"]]
            if action == "check":
                page.keyboard.press("Space")
            elif action == "fill":
                page.keyboard.type(value)
            else:
                options = page.locator(f"[id='{active['id']}'] option").evaluate_all("l => l.map(o => o.value)")
                for _ in range(options.index(value) - active["index"]):
                    page.keyboard.press("ArrowDown")
            answered.add(active["id"])
    else:
        raise AssertionError("never reached the submit button")
    assert answered == set(plan)
    for control, (action, value) in plan.items():
        element = page.locator(f"[id='{control}']")
        if action == "check":
            assert element.is_checked(), control
        else:
            assert element.input_value() == value, control
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("p.result")
    assert page.locator("p.result.result--pass").count() == 1
