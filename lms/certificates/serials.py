"""Certificate serial numbers: 128 random bits in Crockford base32, grouped, with a check character."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Crockford's check symbols: the value modulo 37.
CHECK_SYMBOLS = ALPHABET + "*~$=U"
BITS = 130  # 26 symbols x 5 bits; the top two bits are zero, 128 bits are random
LENGTH = 26
_TYPO = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _encode(value: int) -> str:
    symbols = []
    for _ in range(LENGTH):
        value, digit = divmod(value, 32)
        symbols.append(ALPHABET[digit])
    return "".join(reversed(symbols))


def serial_for(value: int) -> str:
    """The canonical serial (26 symbols + check symbol) of a 128-bit number."""
    return _encode(value) + CHECK_SYMBOLS[value % 37]


def new_serial() -> str:
    """A fresh serial in canonical form (26 symbols + check symbol), from the operating system's CSPRNG."""
    return serial_for(secrets.randbits(128))


def display(serial: str) -> str:
    """Group a canonical serial for people: XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XX-C."""
    body, check = serial[:-1], serial[-1]
    groups = [body[i:i + 4] for i in range(0, len(body), 4)]
    return "-".join([*groups, check])


def parse(text: str) -> str | None:
    """The canonical serial typed as `text` (any case, with or without dashes and spaces), or None when it is not a
    well-formed serial or its check character does not match (a mistyped code)."""
    cleaned = "".join(ch for ch in text.upper() if ch not in "- \t")
    if len(cleaned) != LENGTH + 1:
        return None
    body = cleaned[:-1].translate(_TYPO)
    check = cleaned[-1]
    if any(ch not in ALPHABET for ch in body) or check not in CHECK_SYMBOLS:
        return None
    value = 0
    for ch in body:
        value = value * 32 + ALPHABET.index(ch)
    if value >= 1 << 128 or CHECK_SYMBOLS[value % 37] != check:
        return None
    return body + check
