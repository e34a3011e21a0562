"""Vietnamese text: normalisation, search folding and name masking.

Names are stored in NFC. Search compares *folded* text: casefold, decompose, drop the
combining marks, then map ``đ`` to ``d`` (U+0111 has no decomposition, so dropping marks
alone leaves it). Folding makes "Hoà" match "Hòa" and "Thuỷ" match "Thủy" whatever the
keyboard's tone-mark placement, without ever rewriting i/y in proper names.
"""

from __future__ import annotations

import unicodedata


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def collapse_spaces(s: str) -> str:
    """Runs of whitespace to one space, ends stripped (keeps the text otherwise as is)."""
    return " ".join(s.split())


def clean_name(s: str) -> str:
    """A person's name as stored: NFC with single spaces."""
    return collapse_spaces(nfc(s))


def _strip_marks(s: str) -> str:
    s = unicodedata.normalize("NFD", nfc(s).casefold())
    return "".join(c for c in s if not unicodedata.combining(c)).replace("đ", "d")


def fold(s: str) -> str:
    """Search key: ``"Nguyễn Văn  Hoà"`` -> ``"nguyen van hoa"``."""
    return collapse_spaces(_strip_marks(s))


def search_tokens(s: str) -> list[str]:
    """Folded words with punctuation removed, duplicates dropped, order kept."""
    folded = fold(s)
    cleaned = "".join(c if c.isalnum() else " " for c in folded)
    seen: dict[str, None] = {}
    for word in cleaned.split():
        seen.setdefault(word, None)
    return list(seen)


def _first_grapheme(word: str) -> str:
    # The first letter with any combining marks that follow it (NFC leaves none for
    # Vietnamese, but a name typed with unusual marks must not lose half a letter).
    end = 1
    while end < len(word) and unicodedata.combining(word[end]):
        end += 1
    return word[:end]


def mask_name(full_name: str) -> str:
    """Name for screens citizens can see: initials, then the given name in full.

    ``"Nguyễn Văn Hoà"`` -> ``"N. V. Hoà"``; a one-word name is shown as is.
    """
    words = clean_name(full_name).split(" ")
    if words == [""]:
        return ""
    initials = [f"{_first_grapheme(w).upper()}." for w in words[:-1]]
    return " ".join([*initials, words[-1]])


__all__ = ["clean_name", "collapse_spaces", "fold", "mask_name", "nfc", "search_tokens"]
