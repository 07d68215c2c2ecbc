"""What marks an AI output: the machine-readable IPTC digital source type and the system names shown to people."""

from __future__ import annotations

from lms.courses.ai_marks import IPTC_DIGITAL_SOURCE_TYPE, TRAINED_ALGORITHMIC_MEDIA

#: A language model's answer: content made by a trained model.
MODEL_OUTPUT = TRAINED_ALGORITHMIC_MEDIA
#: The extractive tutor's answer: people's lesson text, selected and put together by an algorithm (no trained
#: model), which IPTC calls a composite with synthetic elements.
EXTRACTIVE_OUTPUT = IPTC_DIGITAL_SOURCE_TYPE + "compositeSynthetic"

#: The name of the built-in system on pages and in the log.
EXTRACTIVE_SYSTEM = "AI Competency Academy course tutor (extractive, no model)"


def source_type(provider: str) -> str:
    """The IPTC digital source type of an output of `provider`."""
    return EXTRACTIVE_OUTPUT if provider == "extractive" else MODEL_OUTPUT


def system_name(provider: str, settings: dict) -> str:
    """The name of the AI system behind `provider`, as configured (AI_OPENAI_SYSTEM_NAME) or built in."""
    if provider == "extractive":
        return EXTRACTIVE_SYSTEM
    return settings.get("AI_OPENAI_SYSTEM_NAME") or settings.get("AI_OPENAI_MODEL") or provider


def block_marks(provider: str, settings: dict, log_id: int | None) -> tuple[tuple[str, str], ...]:
    """(attribute, value) pairs for the element that wraps an AI output (as lms.courses.ai_marks, plus the log
    entry's id, so that a saved page can be matched with the log)."""
    marks = [("data-ai-generated", source_type(provider)), ("data-ai-system", system_name(provider, settings))]
    if log_id is not None:
        marks.append(("data-ai-log-entry", str(log_id)))
    return tuple(marks)
