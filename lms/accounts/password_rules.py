"""What a new password must be: long enough, not common or breached, not a pattern, not the owner's name or email.

Every place that sets a password (password change, reset, registration, `lms users create`, the demo data) goes
through check_password(), by way of services.set_password(). OWASP ASVS 2.1.7 asks that passwords are checked
against breached and common ones; NIST SP 800-63B 5.1.1.2 adds repetitive or sequential characters and
context-specific words. Nothing here uses the network.

The lists and the strength estimate come from zxcvbn (the Python port of Dropbox's estimator, MIT licence,
https://github.com/dwolfhub/zxcvbn-python). Its bundled dictionaries are the 30,000 most common passwords of
leaked-password corpora (Xato / Mark Burnett's 10 million passwords), English words from Wikipedia and film
subtitles, and common names and surnames; it also scores keyboard rows (QWERTY, Dvorak, keypad), repeated and
sequential characters, dates and l33t substitutions, and the words of the person's own email and name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from lms.errors import DomainError

PASSWORD_MAX_LENGTH = 256
#: zxcvbn's score runs 0-4; 3 is "safely unguessable" (about 10^8 guesses or more) and what Dropbox asks for.
MIN_SCORE = 3
#: zxcvbn refuses longer input (its matching slows down); the first 72 characters are what it rates.
RATED_LENGTH = 72

#: Leaked and common passwords, lower-case (zxcvbn's list: the top 30,000 of the Xato corpus).
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])

#: Context-specific words (NIST SP 800-63B): the platform and the country, which people put into passwords here.
CONTEXT_WORDS = ("lms", "academy", "akademiya", "kazakhstan", "qazaqstan", "kazakstan", "astana", "almaty",
                 "nursultan", "shymkent", "казахстан", "қазақстан", "астана", "алматы", "академия")

# Russian (ЙЦУКЕН) and Kazakh keyboards share the Latin keys: "йцукен" is "qwerty", "пароль" is "gfhjkm". Kazakh
# letters sit on the digit row. Mapping a Cyrillic password onto the keys typed lets zxcvbn see keyboard rows and
# the many passwords typed in the wrong layout.
_CYRILLIC_KEYS = str.maketrans(
    "йцукенгшщзхъфывапролджэячсмитьбюё" "әіңғүұқөһ",
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.`" "2345890-=",
)
_WORD_SPLIT = re.compile(r"[\s@._+\-]+")
_EDGE_NOISE = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_PATTERNS = frozenset({"spatial", "repeat", "sequence"})


class WeakPassword(DomainError):
    """The new password breaks a rule; `reason` is a translated sentence."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _personal_words(email: str, full_name: str) -> list[str]:
    email = email.strip().lower()
    local = email.partition("@")[0]
    words = [email, local, *_WORD_SPLIT.split(local), *_WORD_SPLIT.split(full_name.strip().lower())]
    words = [word for word in words if len(word) >= 3]
    return words + [word.translate(_CYRILLIC_KEYS) for word in words]


def _variants(password: str) -> list[str]:
    """The password as rated: itself and, when it has Cyrillic letters, the Latin keys that type it."""
    text = password[:RATED_LENGTH]
    typed = text.lower().translate(_CYRILLIC_KEYS)
    return [text] if typed == text.lower() else [text, typed]


def _is_common(variants: Iterable[str]) -> bool:
    # Case-insensitive; digits and punctuation stripped from both ends ("Password123!" -> "password"); one common
    # password repeated around digits or punctuation ("dragon-dragon-2026").
    for variant in variants:
        lowered = variant.lower()
        if lowered in COMMON_PASSWORDS or _EDGE_NOISE.sub("", lowered) in COMMON_PASSWORDS:
            return True
        words = set(_NOT_LETTERS.split(lowered)) - {""}
        if len(words) == 1 and words <= COMMON_PASSWORDS:
            return True
    return False


def _is_mostly_personal(variants: Iterable[str], words: list[str]) -> bool:
    # "Bekova1990Aigerim": take the person's words out; fewer than four letters left means the password is them.
    longest_first = sorted(set(words), key=len, reverse=True)
    for variant in variants:
        rest = variant.lower()
        for word in longest_first:
            rest = rest.replace(word, "")
        if rest != variant.lower() and len(_NOT_LETTERS.sub("", rest)) < 4:
            return True
    return False


def weakness(password: str, *, email: str = "", full_name: str = "") -> str | None:
    """Why `password` is easy to guess ("common", "personal", "pattern" or "guessable"), or None when it is not.

    Length is not judged here (check_password does that first).
    """
    variants = _variants(password)
    if _is_common(variants):
        return "common"
    personal = _personal_words(email, full_name)
    if _is_mostly_personal(variants, personal):
        return "personal"
    inputs = [*personal, *CONTEXT_WORDS]
    results = [zxcvbn(variant, user_inputs=inputs) for variant in variants]
    weakest = min(results, key=lambda result: result["score"])
    if weakest["score"] >= MIN_SCORE:
        return None
    matches = weakest["sequence"]
    if any(m.get("dictionary_name") == "user_inputs" and m["matched_word"] not in CONTEXT_WORDS for m in matches):
        return "personal"
    if any(m["pattern"] in _PATTERNS for m in matches):
        return "pattern"
    if any(m.get("dictionary_name") == "passwords" for m in matches):
        return "common"
    return "guessable"


def check_password(password: str, *, min_length: int, email: str = "", full_name: str = "") -> None:
    """Raise WeakPassword (with a sentence in the current language) when `password` may not be used.

    Too short or too long, only spaces, the email address itself, a common or leaked password (ignoring case and
    digits or symbols at either end), or easy to guess: keyboard rows (Latin or Cyrillic layout), repeated or
    sequential characters, the person's own email or name, or a zxcvbn score under MIN_SCORE.
    """
    if len(password) < min_length:
        raise WeakPassword(_("Use at least %(count)d characters.", count=min_length))
    if len(password) > PASSWORD_MAX_LENGTH:
        raise WeakPassword(_("Use at most %(count)d characters.", count=PASSWORD_MAX_LENGTH))
    if password.isspace() or (email and password.strip().lower() == email.strip().lower()):
        raise WeakPassword(_("Choose a password that is not your email address."))
    reason = weakness(password, email=email, full_name=full_name)
    if reason == "common":
        raise WeakPassword(_("This password is on a list of common or leaked passwords. Choose another one."))
    if reason == "personal":
        raise WeakPassword(_("Do not build the password from your name or email address."))
    if reason == "pattern":
        raise WeakPassword(_("This password is easy to guess: avoid keyboard rows, repeated characters and "
                             "sequences such as 12345 or abcde."))
    if reason == "guessable":
        raise WeakPassword(_("This password is easy to guess. Use a longer phrase of several unrelated words."))
