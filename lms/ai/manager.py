"""Runs an action through the enabled providers in order, falling back on failure, and logs every attempt."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select

from lms.ai.actions import ACTIONS, Action, AIRequest, AIResult, ProviderError
from lms.ai.models import AILogEntry
from lms.ai.providers import FALLBACK, PROVIDERS
from lms.ai.redact import redact
from lms.errors import DomainError
from lms.extensions import db


class AIRefused(DomainError):
    """The AI does not run for this request; `reason` says why (disabled, rate_limited, open_attempt, notice)."""

    def __init__(self, reason: str, message: str = ""):
        super().__init__(message or reason)
        self.reason = reason


@dataclass(frozen=True)
class Outcome:
    """The result shown, the provider that gave it, and whether an earlier provider failed first."""

    result: AIResult
    provider: str
    fell_back: bool
    entries: tuple[AILogEntry, ...]


def split_setting(value) -> list[str]:
    """A comma-separated setting as a list of trimmed, non-empty items."""
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def enabled_actions(settings: dict) -> set[str]:
    """The actions switched on (AI_ACTIONS)."""
    return {a for a in split_setting(settings.get("AI_ACTIONS", ",".join(ACTIONS))) if a in ACTIONS}


def provider_chain(action: Action, settings: dict) -> list[str]:
    """The providers to try for `action`, in order: those of AI_PROVIDERS that are configured and support it,
    then the extractive provider if it is not among them (the fallback that always answers)."""
    chain = [name for name in split_setting(settings.get("AI_PROVIDERS", FALLBACK))
             if name in PROVIDERS and PROVIDERS[name].is_configured(settings) and PROVIDERS[name].supports(action)]
    if FALLBACK not in chain:
        chain.append(FALLBACK)
    return list(dict.fromkeys(chain))


def check_allowed(action: Action, *, user, agency_code: str | None, settings: dict, now: datetime) -> None:
    """Raise AIRefused when the action is switched off, off for the person's agency, or over the rate limit."""
    if action not in enabled_actions(settings):
        raise AIRefused("disabled")
    if agency_code and agency_code in split_setting(settings.get("AI_DISABLED_AGENCIES", "")):
        raise AIRefused("disabled")
    limit = int(settings.get("AI_RATE_LIMIT_PER_HOUR", 0) or 0)
    if user is not None and limit > 0:
        used = db.session.scalar(select(func.count(func.distinct(AILogEntry.request_id))).where(
            AILogEntry.user_id == user.id, AILogEntry.at > now - timedelta(hours=1)))
        if used >= limit:
            raise AIRefused("rate_limited")


def run(request: AIRequest, *, user, agency_id: int | None, settings: dict, now: datetime,
        clock=time.perf_counter) -> Outcome:
    """Perform `request` with the first provider of the chain that succeeds; one log entry per attempt.

    External providers get the question with personal data removed (lms.ai.redact). Returns the Outcome; the
    extractive provider cannot fail, so there always is one.
    """
    request_id = secrets.token_hex(8)
    entries: list[AILogEntry] = []
    chain = provider_chain(request.action, settings)
    for position, name in enumerate(chain):
        provider = PROVIDERS[name]
        sent = request
        if provider.is_external:
            names = tuple(n for n in (*request.names, getattr(user, "full_name", "")) if n)
            sent = replace(request, question=redact(request.question, names)[0], names=())
        model, version = provider.describe(settings)
        started = clock()
        try:
            result = provider.run(sent, settings)
        except ProviderError as exc:
            prompt = sent.question or sent.course_key
            entries.append(_entry(request, request_id, name, user, agency_id, now, model=model, version=version,
                                  prompt=prompt, latency=clock() - started, error=str(exc)[:300]))
            if position == len(chain) - 1:
                raise
            continue
        entries.append(_entry(request, request_id, name, user, agency_id, now, model=result.model or model,
                              version=result.model_version or version, prompt=result.prompt or sent.question,
                              latency=clock() - started, result=result))
        db.session.flush()
        return Outcome(result, name, position > 0, tuple(entries))
    raise AssertionError("the provider chain ends with the extractive provider")  # pragma: no cover


def _entry(request: AIRequest, request_id: str, provider: str, user, agency_id: int | None, now: datetime, *,
           model: str, version: str, prompt: str, latency: float, result: AIResult | None = None,
           error: str = "") -> AILogEntry:
    entry = AILogEntry(
        at=now, request_id=request_id, user_id=getattr(user, "id", None), agency_id=agency_id,
        action=str(request.action), provider=provider, model=model[:200], model_version=version[:200],
        course_key=request.course_key, language=request.language,
        prompt_hash=hashlib.sha256(prompt.encode()).hexdigest(), prompt=prompt,
        passages=[p.as_log() for p in (result.passages if result else request.passages)],
        output=result.text if result else None, tokens_in=result.tokens_in if result else 0,
        tokens_out=result.tokens_out if result else 0, latency_ms=round(latency * 1000),
        is_success=result is not None, error=error if result is None else ("" if result.answered else "no answer"))
    db.session.add(entry)
    return entry
