"""Posting statements to the LRS (xAPI 1.0.3 Statement API, HTTP basic auth) and reading its answer.

No database and no Flask here: lms.xapi.sending reads the batch, calls send_batch, and records the outcomes.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

SENT, REJECTED, RETRY = "sent", "rejected", "retry"

#: Answers that say a statement of the batch is at fault (malformed: 400, or 422 from LRSs built on FastAPI such as
#: Ralph; its id taken by a different statement: 409; too large: 413): the batch is sent one by one to find it;
#: alone, it is rejected and not retried. Every other failure (network, 401/403 misconfiguration, 429, 5xx) is the
#: LRS's or ours to fix, and the batch is retried with backoff.
REFUSALS = frozenset({400, 409, 413, 422})


@dataclass(frozen=True)
class Lrs:
    """Where and how to post statements."""

    endpoint: str
    key: str
    secret: str
    timeout: float = 10

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Lrs:
        """The LRS named by the XAPI_* settings."""
        return cls(config["XAPI_ENDPOINT"], config["XAPI_KEY"], config["XAPI_SECRET"],
                   config["XAPI_TIMEOUT_SECONDS"])

    @property
    def statements_url(self) -> str:
        """The Statement resource: <endpoint>/statements."""
        return self.endpoint.rstrip("/") + "/statements"


@dataclass(frozen=True)
class Answer:
    """The LRS's answer: its HTTP status (None when it could not be reached) and a short text."""

    status: int | None
    text: str = ""

    @property
    def error(self) -> str:
        """The answer as a one-line error message."""
        return f"HTTP {self.status}: {self.text}" if self.status is not None else self.text


def post(lrs: Lrs, statements: list[dict]) -> Answer:
    """POST `statements` to the LRS as one array; return its answer (never raises for HTTP or network errors)."""
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"}
    if lrs.key or lrs.secret:
        token = base64.b64encode(f"{lrs.key}:{lrs.secret}".encode()).decode("ascii")
        headers["Authorization"] = "Basic " + token
    body = json.dumps(statements, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    request = urllib.request.Request(lrs.statements_url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=lrs.timeout) as response:  # noqa: S310 - a configured URL
            return Answer(response.status, response.read(2000).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        text = exc.read(2000).decode("utf-8", "replace") if exc.fp is not None else ""
        return Answer(exc.code, text.strip())
    except (OSError, ValueError) as exc:  # URLError, refused, reset, timeout, a malformed answer
        reason = getattr(exc, "reason", exc)
        return Answer(None, f"{type(exc).__name__}: {reason}")


def outcome_of(answer: Answer) -> str:
    """SENT, REJECTED (the batch holds a statement the LRS refuses) or RETRY."""
    if answer.status is not None and 200 <= answer.status < 300:
        return SENT
    if answer.status in REFUSALS:
        return REJECTED
    return RETRY


def send_batch(lrs: Lrs, items: list[tuple[int, dict]],
               poster: Callable[[Lrs, list[dict]], Answer] = post) -> dict[int, tuple[str, str]]:
    """Send a batch of (row id, statement) in order; return {row id: (SENT | REJECTED | RETRY, error)}.

    A batch the LRS refuses is sent again one statement at a time, so that only the faulty ones are rejected; the
    first failure that is not a refusal stops there, and it and the statements after it wait for a retry (order
    is kept).
    """
    answer = poster(lrs, [statement for _, statement in items])
    outcome = outcome_of(answer)
    if outcome != REJECTED or len(items) == 1:
        return {row_id: (outcome, "" if outcome == SENT else answer.error) for row_id, _ in items}
    outcomes: dict[int, tuple[str, str]] = {}
    for position, (row_id, statement) in enumerate(items):
        answer = poster(lrs, [statement])
        outcome = outcome_of(answer)
        if outcome == RETRY:
            for later_id, _ in items[position:]:
                outcomes[later_id] = (RETRY, answer.error)
            break
        outcomes[row_id] = (outcome, "" if outcome == SENT else answer.error)
    return outcomes
