"""Machine-readable marks for AI-made content: IPTC digital source types, as page metas and block attributes.

One convention for pages, blocks and exports (docs/authoring.md, "Machine-readable AI labels"): the machine value
is an IPTC digital source type URI (the vocabulary C2PA and schema.org's digitalSourceType use), derived from an
`ai_content` declaration ({"kind", "tool", "reviewer"}) as stored by the sync.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

IPTC_DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/"
#: Produced by an AI system ("kind: generated").
TRAINED_ALGORITHMIC_MEDIA = IPTC_DIGITAL_SOURCE_TYPE + "trainedAlgorithmicMedia"
#: Made by people together with AI output ("kind: assisted"); also a page of human content with AI-made parts.
COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA = IPTC_DIGITAL_SOURCE_TYPE + "compositeWithTrainedAlgorithmicMedia"
SOURCE_TYPES = {"generated": TRAINED_ALGORITHMIC_MEDIA, "assisted": COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA}


def source_type(ai_content: dict | None) -> str:
    """The IPTC digital source type URI of a declaration ("" when there is none)."""
    return SOURCE_TYPES[ai_content["kind"]] if ai_content else ""


def block_marks(ai_content: dict | None) -> tuple[tuple[str, str], ...]:
    """(attribute, value) pairs for the element that wraps AI-made content; none without a declaration.

    data-ai-generated: the IPTC URI; data-ai-system: the declared tool; data-ai-reviewed: the reviewer (each of
    the last two only when declared).
    """
    if not ai_content:
        return ()
    marks = [("data-ai-generated", source_type(ai_content))]
    if ai_content.get("tool"):
        marks.append(("data-ai-system", ai_content["tool"]))
    if ai_content.get("reviewer"):
        marks.append(("data-ai-reviewed", ai_content["reviewer"]))
    return tuple(marks)


def block_attributes(ai_content: dict | None) -> str:
    """block_marks() as HTML attribute text with a leading space, escaped ("" without a declaration)."""
    return "".join(f' {name}="{escape(value, quote=True)}"' for name, value in block_marks(ai_content))


def page_marks(main: dict | None, blocks: Iterable[dict | None] = ()) -> tuple[tuple[str, str], ...]:
    """(meta name, content) pairs for a page's <head>.

    The page's main content (`main`: a lesson, a course, a quiz) gives ai-generated, ai-system and ai-reviewed as
    its blocks do; a page whose main content declares nothing but that shows AI-made blocks (`blocks`: images,
    questions, catalogue cards) is a composite: ai-generated only, each block naming its own system. A page with
    neither has no marks.
    """
    if main:
        return tuple((name.removeprefix("data-"), value) for name, value in block_marks(main))
    if any(blocks):
        return (("ai-generated", COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA),)
    return ()
