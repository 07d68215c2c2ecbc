"""The AI providers, one module each, by registry name (a new provider is one module and one line here)."""

from __future__ import annotations

from lms.ai.actions import Provider
from lms.ai.providers.extractive import ExtractiveProvider
from lms.ai.providers.openai import OpenAIProvider

PROVIDERS: dict[str, Provider] = {"extractive": ExtractiveProvider(), "openai": OpenAIProvider()}
#: The provider that needs no model and always answers: the last fallback of every action.
FALLBACK = "extractive"
