"""The quiz form's field names and option values: opaque tokens per attempt, mapped back to ids on the server.

No name or value in the page says which question, option, item, pair or rank it stands for: each is a random
token drawn when the attempt starts and stored with its layout (layout["fields"]), so the same attempt shows the
same tokens on every reload and another attempt at the same question shows other ones. Attempts started before
tokens existed have none stored; theirs are derived from the attempt's secret seed (an HMAC keyed by it), which
gives the same tokens on every reload. Pure functions.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable

from lms.questions import TYPES

#: The shape of every token: a letter (so a token is also a valid HTML id and CSS identifier) and 16 hex digits.
PREFIX = "f"
HEX_DIGITS = 16
_TOKEN = re.compile(re.escape(PREFIX) + f"[0-9a-f]{{{HEX_DIGITS}}}")


def is_token(name: str) -> bool:
    """Whether a form field name has the shape of a token (known to the attempt or not)."""
    return _TOKEN.fullmatch(name) is not None


#: What a form needs a token for: ("name", None) the question's field (or fieldset), ("field", id) the select of an
#: ordering item or a matching pair, ("value", id) an option, a true/false choice or a rank.
Token = Callable[[str, str, str | None], str]


class _Distinct:
    """Hands out tokens that are distinct within one attempt (they double as HTML ids)."""

    def __init__(self, make: Callable[[str, int], str]):
        self._make = make
        self._seen: set[str] = set()

    def __call__(self, qid: str, part: str, key: str | None) -> str:
        label, tries = f"{qid}\x00{part}\x00{key or ''}", 0
        while (token := PREFIX + self._make(label, tries)) in self._seen:
            tries += 1
        self._seen.add(token)
        return token


def random_tokens() -> Token:
    """Fresh random tokens (64 bits each), for an attempt being started."""
    return _Distinct(lambda _label, _tries: secrets.token_hex(HEX_DIGITS // 2))


def derived_tokens(seed: int) -> Token:
    """Tokens derived from an attempt's secret seed: the same for the same seed and the same sequence of calls."""
    key = str(seed).encode()
    return _Distinct(lambda label, tries: hmac.new(key, f"{label}\x00{tries}".encode(), hashlib.sha256)
                     .hexdigest()[:HEX_DIGITS])


def old_names(qid: str, part: str, key: str | None) -> str:
    """The names and values of the form before tokens ("q-<question id>[-<item or pair id>]", ids, ranks), which
    an attempt started before tokens existed still accepts (its page may have been loaded before the upgrade)."""
    if part == "name":
        return f"q-{qid}"
    return f"q-{qid}-{key}" if part == "field" else str(key)


def question_fields(question: dict, layout: dict, token: Token) -> dict:
    """The tokens of one question's form controls. "name" is always there (the field name, or for ordering and
    matching only the id of the question's fieldset); then what its type asks for (QuestionType.controls):

    - single, multiple: "values" {option id: token};
    - true_false: "values" {"true": token, "false": token};
    - short_text, numeric: nothing more;
    - ordering: "fields" {item id: token (the name of its rank select)}, "values" {"1".."n": token of that rank};
    - matching: "fields" {pair id: token (the name of the select beside its left side)},
      "values" {pair id: token of the option showing its right side}.
    """
    qid = question["id"]
    fields: dict = {"name": token(qid, "name", None)}
    kind = TYPES.get(question.get("type"))
    if kind is not None:
        fields.update(kind.controls(question, layout, lambda part, key: token(qid, part, key)))
    return fields


def attempt_fields(questions: dict[str, dict], question_ids: list[str], layouts: dict[str, dict],
                   token: Token) -> dict[str, dict]:
    """question_fields() of every question of an attempt, by question id (in the attempt's order)."""
    return {qid: question_fields(questions[qid], layouts.get(qid, {}), token) for qid in question_ids}
