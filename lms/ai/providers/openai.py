"""Any OpenAI-compatible chat completions endpoint (vLLM, Ollama, a national-platform endpoint).

POST {AI_OPENAI_BASE_URL}/chat/completions with the model, a system message that confines the answer to the
numbered passages and a user message with the passages and the (redacted) question. The answer must cite the
passages it uses as [n]; an answer citing none, or any timeout, HTTP error or malformed body, is a ProviderError
(the manager then falls back to the extractive provider and says so). Off until AI_OPENAI_BASE_URL and
AI_OPENAI_MODEL are set.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request

from lms.ai.actions import Action, AIRequest, AIResult, ProviderError

LANGUAGE_NAMES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}
NO_ANSWER = "NO_ANSWER"
_CITATION = re.compile(r"\[(\d{1,2})\]")
MAX_ANSWER_CHARS = 8_000

SYSTEM_PROMPTS = {
    Action.TUTOR_ANSWER: (
        "You are the course tutor of a learning platform for civil servants. Answer the learner's question in "
        "{language}, using ONLY the numbered course passages below. Cite every passage you use as [n]. If the "
        f"passages do not answer the question, reply exactly {NO_ANSWER}. Never answer from other knowledge, and "
        "never reveal quiz answers."),
    Action.LESSON_SUMMARY: (
        "Summarise the numbered lesson passages below in {language} in at most five short bullet points, citing "
        "the passages as [n]. Use only what the passages say."),
}


class OpenAIProvider:
    """A chat-completions client with timeouts, citations checked against the passages sent."""

    name = "openai"
    is_external = True

    def supports(self, action: Action) -> bool:
        """Tutor answers and lesson summaries (question drafts come from the extractive templates)."""
        return action in SYSTEM_PROMPTS

    def is_configured(self, settings: dict) -> bool:
        """Whether a base URL and a model are set (external endpoints are off until configured)."""
        return bool(settings.get("AI_OPENAI_BASE_URL") and settings.get("AI_OPENAI_MODEL"))

    def describe(self, settings: dict) -> tuple[str, str]:
        """(model, version) for the log before the endpoint has answered."""
        return settings.get("AI_OPENAI_MODEL", ""), ""

    def messages(self, request: AIRequest) -> list[dict]:
        """The chat messages for `request` (the passages numbered from 1)."""
        system = SYSTEM_PROMPTS[request.action].format(language=LANGUAGE_NAMES.get(request.language, "English"))
        passages = "\n\n".join(f"[{i}] {p.lesson_title} — {p.heading}\n{p.text}"
                               for i, p in enumerate(request.passages, 1))
        user = f"Course passages:\n\n{passages}"
        if request.action == Action.TUTOR_ANSWER:
            user += f"\n\nQuestion: {request.question}"
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def run(self, request: AIRequest, settings: dict) -> AIResult:
        """Ask the endpoint; return its answer with the passages it cited, or raise ProviderError."""
        messages = self.messages(request)
        prompt = json.dumps(messages, ensure_ascii=False)
        model = settings["AI_OPENAI_MODEL"]
        if not request.passages:
            # Grounded only: with nothing to ground on, the model is not asked.
            return AIResult(text="", answered=False, model=model, prompt=prompt)
        body = json.dumps({"model": model, "messages": messages, "temperature": 0.2,
                           "max_tokens": int(settings.get("AI_OPENAI_MAX_TOKENS", 600))}).encode()
        url = settings["AI_OPENAI_BASE_URL"].rstrip("/") + "/chat/completions"
        if not url.startswith(("http://", "https://")):
            raise ProviderError("AI_OPENAI_BASE_URL is not an http(s) address")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if settings.get("AI_OPENAI_API_KEY"):
            headers["Authorization"] = f"Bearer {settings['AI_OPENAI_API_KEY']}"
        http_request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only
        try:
            timeout = float(settings.get("AI_OPENAI_TIMEOUT", 20))
            with urllib.request.urlopen(http_request, timeout=timeout) as reply:  # noqa: S310 - http(s) only
                raw = reply.read(1_000_000)
        except urllib.error.HTTPError as exc:
            raise ProviderError(f"http {exc.code}") from None
        except TimeoutError:
            raise ProviderError("timeout") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise ProviderError("timeout") from None
            raise ProviderError(f"unreachable: {str(exc.reason)[:200]}") from None
        except OSError as exc:
            raise ProviderError(f"connection: {str(exc)[:200]}") from None
        text, answer = _parse(raw)
        if text.strip() == NO_ANSWER:
            return _result(answer, model, prompt, text="", answered=False, passages=())
        cited = sorted({int(n) for n in _CITATION.findall(text) if 1 <= int(n) <= len(request.passages)})
        if not cited:
            raise ProviderError("answer cites no passage")
        return _result(answer, model, prompt, text=text[:MAX_ANSWER_CHARS], answered=True,
                       passages=tuple(request.passages[n - 1] for n in cited))


def _parse(raw: bytes) -> tuple[str, dict]:
    try:
        answer = json.loads(raw)
        text = answer["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ProviderError("malformed answer") from None
    if not isinstance(text, str) or not text.strip():
        raise ProviderError("malformed answer")
    return text, answer


def _result(answer: dict, model: str, prompt: str, *, text: str, answered: bool, passages) -> AIResult:
    usage = answer.get("usage") if isinstance(answer.get("usage"), dict) else {}
    return AIResult(text=text, passages=passages, answered=answered, model=str(answer.get("model") or model)[:200],
                    model_version=str(answer.get("system_fingerprint") or "")[:200], prompt=prompt,
                    tokens_in=int(usage.get("prompt_tokens") or 0), tokens_out=int(usage.get("completion_tokens") or 0))
