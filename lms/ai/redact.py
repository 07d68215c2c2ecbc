"""Personal data removed from prompts before they leave the server: IINs, e-mail addresses, phone numbers, names."""

from __future__ import annotations

import re

#: A Kazakhstani IIN/BIN: 12 digits standing alone.
IIN = re.compile(r"(?<!\d)\d{12}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: +7 / 8 followed by ten digits, with spaces, dashes or brackets between groups; or any +country number.
PHONE = re.compile(r"(?<![\w+])(?:\+7|8)[\s\-()]*\d{3}[\s\-()]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}(?!\d)"
                   r"|(?<![\w+])\+\d[\d\s\-()]{8,16}\d")
#: Two or three capitalised words in a row (Cyrillic or Latin), as names are written: "Әлия Қасымова",
#: "Иванов Иван Иванович". Sentences rarely start with two capitalised words; the cost of a false hit is one
#: "[name]" in a question.
NAME = re.compile(r"\b[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]+(?:[-\s]+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]+){1,2}\b")
#: Abbreviations and proper names of the subject matter that the name pattern must leave alone.
KEEP = {"ai act", "eu ai act", "open edx", "open badges"}

#: Capitalised words that open sentences and questions, not names: dropped from the front of a name match.
OPENERS = {
    "ask", "can", "could", "does", "do", "did", "how", "is", "are", "may", "please", "should", "tell", "what", "when",
    "where", "which", "who", "why", "will", "i", "my", "the", "a", "an", "if", "in", "on", "for", "and", "but",
    "как", "что", "где", "когда", "кто", "почему", "зачем", "какие", "какой", "можно", "может", "ли", "если", "я",
    "мой", "моя", "спросите", "скажите", "покажите", "в", "и", "на", "для",
    "қалай", "не", "неге", "қашан", "кім", "қандай", "қай", "мен", "менің", "егер", "және",
}
PLACEHOLDERS = {"iin": "[IIN]", "email": "[email]", "phone": "[phone]", "name": "[name]"}


def redact(text: str, names: tuple[str, ...] = ()) -> tuple[str, dict[str, int]]:
    """`text` with personal data replaced by placeholders, and how many of each kind were removed."""
    counts = dict.fromkeys(PLACEHOLDERS, 0)

    def sub(kind: str, pattern: re.Pattern, value: str) -> str:
        def replace(match: re.Match) -> str:
            if kind == "name":
                words = re.split(r"([-\s]+)", match.group(0))
                lead = ""
                while len(words) > 2 and words[0].lower() in OPENERS:
                    lead += words[0] + words[1]
                    words = words[2:]
                rest = "".join(words)
                if len(words) < 3 or rest.lower() in KEEP:
                    return match.group(0)
                counts[kind] += 1
                return lead + PLACEHOLDERS[kind]
            counts[kind] += 1
            return PLACEHOLDERS[kind]
        return pattern.sub(replace, value)

    for name in sorted({n for n in names if n and len(n) > 2}, key=len, reverse=True):
        for part in (name, *name.split()):
            if len(part) > 2:
                text, found = re.subn(rf"\b{re.escape(part)}\b", PLACEHOLDERS["name"], text, flags=re.IGNORECASE)
                counts["name"] += found
    text = sub("email", EMAIL, text)
    text = sub("iin", IIN, text)
    text = sub("phone", PHONE, text)
    text = sub("name", NAME, text)
    return text, {kind: n for kind, n in counts.items() if n}


def without_personal_data(text: str, names: tuple[str, ...] = ()) -> str:
    """`text` with personal data and the placeholders removed: what retrieval searches for (a phone number or a
    name never helps to find a passage, and only dilutes the question)."""
    redacted, _counts = redact(text, names)
    for placeholder in PLACEHOLDERS.values():
        redacted = redacted.replace(placeholder, " ")
    return redacted
