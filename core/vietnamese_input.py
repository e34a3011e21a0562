"""Typing Vietnamese on the kiosk's on-screen keyboard, Qt-free.

The keyboard has keys for every base letter (including ``ă â đ ê ô ơ ư``) and five tone
keys (sắc, huyền, hỏi, ngã, nặng). A tone key puts the tone on the right vowel of the word
just before the cursor, whatever order the citizen typed things in: "hoa" + huyền gives
"hoà", and typing more letters afterwards moves the tone where it belongs ("thủ" + "y" ->
"thuỷ"). The text produced is always NFC.

Placement rule — the "new style" (kiểu mới), the style of the 1980s spelling rules and of
this project's own texts ("huỷ", "hoà"); search folds tones away, so "Hòa" typed elsewhere
still matches:

1. ``qu`` and ``gi`` (before another vowel) are the onset: their ``u``/``i`` takes no tone.
2. A vowel with its own mark (ă â ê ô ơ ư) takes the tone; with two such (``ươ``), the
   last one (``ườn``, ``người``).
3. Otherwise, if a consonant follows the vowels, the last vowel (``hoàn``, ``huỳnh``).
4. Otherwise three vowels: the middle one (``ngoái``, ``khuỷu``); two vowels: the second
   for ``oa``, ``oe``, ``uy`` (``hoà``, ``khoẻ``, ``thuỷ``), else the first (``mùa``,
   ``hái``, ``kìa``); one vowel: that one.
"""

from __future__ import annotations

import unicodedata

TONE_MARKS = {  # tone key name -> combining mark
    "sac": "\u0301",    # sắc  á
    "huyen": "\u0300",  # huyền à
    "hoi": "\u0309",    # hỏi  ả
    "nga": "\u0303",    # ngã  ã
    "nang": "\u0323",   # nặng ạ
}
TONES = tuple(TONE_MARKS)
_MARK_TONE = {mark: tone for tone, mark in TONE_MARKS.items()}
TONE_NAMES_VI = {"sac": "sắc", "huyen": "huyền", "hoi": "hỏi", "nga": "ngã", "nang": "nặng"}
TONE_SAMPLES = {"sac": "á", "huyen": "à", "hoi": "ả", "nga": "ã", "nang": "ạ"}

VOWELS = frozenset("aăâeêioôơuưy")
MARKED_VOWELS = frozenset("ăâêôơư")
BASE_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzăâđêôơư")  # the keys of the text keyboard
_SECOND_TAKES_TONE = frozenset({"oa", "oe", "uy"})


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _split_char(c: str) -> tuple[str, str | None]:
    """A letter without its tone (NFC) and the tone it had."""
    decomposed = unicodedata.normalize("NFD", c)
    tone = next((_MARK_TONE[m] for m in decomposed if m in _MARK_TONE), None)
    base = "".join(m for m in decomposed if m not in _MARK_TONE)
    return nfc(base), tone


def strip_tone(word: str) -> tuple[str, str | None]:
    """``"Nguyễn"`` -> ``("Nguyên", "nga")``: the word without tone and its (last) tone."""
    letters, tone = [], None
    for c in nfc(word):
        base, t = _split_char(c)
        letters.append(base)
        tone = t or tone
    return "".join(letters), tone


def tone_index(word: str) -> int | None:
    """Index of the letter taking the tone in a tone-less NFC ``word`` (None: no vowel)."""
    low = word.lower()
    start = 0
    if low.startswith("qu") and len(low) > 2 and low[2] in VOWELS:
        start = 2
    elif low.startswith("gi") and len(low) > 2 and low[2] in VOWELS:
        start = 2
    # the first run of vowels after the onset
    i = start
    while i < len(low) and low[i] not in VOWELS:
        i += 1
    if i == len(low):
        return None
    j = i
    while j < len(low) and low[j] in VOWELS:
        j += 1
    run = low[i:j]
    marked = [k for k, c in enumerate(run) if c in MARKED_VOWELS]
    if marked:
        return i + marked[-1]
    if j < len(low):  # a final consonant follows
        return j - 1
    if len(run) >= 3:
        return i + 1
    if len(run) == 2:
        return i + 1 if run in _SECOND_TAKES_TONE else i
    return i


def apply_tone(word: str, tone: str | None) -> str:
    """The word with ``tone`` (a key of TONE_MARKS, or None for none) on its right vowel."""
    if tone is not None and tone not in TONE_MARKS:
        raise ValueError(f"unknown tone {tone!r}")
    base, _old = strip_tone(word)
    if tone is None:
        return base
    idx = tone_index(base)
    if idx is None:
        return base
    return base[:idx] + nfc(base[idx] + TONE_MARKS[tone]) + base[idx + 1:]


def _replace(word: str) -> str:
    """Put the word's existing tone back where the rule wants it (after an edit)."""
    base, tone = strip_tone(word)
    return apply_tone(base, tone) if tone else word


def _word_bounds(text: str, cursor: int) -> tuple[int, int]:
    start = cursor
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    end = cursor
    while end < len(text) and text[end].isalpha():
        end += 1
    return start, end


def _refresh_word(text: str, cursor: int) -> str:
    start, end = _word_bounds(text, cursor)
    if start == end:
        return text
    word = _replace(text[start:end])
    return text[:start] + word + text[end:]  # same length: one code point per letter in NFC


# -- editing (text, cursor) -> (text, cursor) ---------------------------------------------
def type_char(text: str, cursor: int, char: str) -> tuple[str, int]:
    """Insert ``char`` at the cursor; a toned word gets its tone moved if it must."""
    text = nfc(text)
    cursor = max(0, min(cursor, len(text)))
    char = nfc(char)
    new = text[:cursor] + char + text[cursor:]
    cursor += len(char)
    if char.isalpha():
        new = _refresh_word(new, cursor)
    return new, cursor


def add_tone(text: str, cursor: int, tone: str) -> tuple[str, int]:
    """Put ``tone`` on the word ending at (or containing) the cursor. The same tone again
    changes nothing (a double tap must not undo it); another tone replaces it."""
    text = nfc(text)
    cursor = max(0, min(cursor, len(text)))
    start, end = _word_bounds(text, cursor)
    if start == end:
        return text, cursor
    word = apply_tone(text[start:end], tone)
    return text[:start] + word + text[end:], cursor


def backspace(text: str, cursor: int) -> tuple[str, int]:
    """Delete the letter before the cursor (with its tone); what is left of the word keeps
    its tone where the rule wants it."""
    text = nfc(text)
    cursor = max(0, min(cursor, len(text)))
    if cursor == 0:
        return text, 0
    new = text[:cursor - 1] + text[cursor:]
    cursor -= 1
    return _refresh_word(new, cursor), cursor


# -- the keys that type a text (tests and the tour drive the keyboard with them) ----------
def key_sequence(text: str) -> list[str]:
    """The key names a citizen taps to type ``text`` on the text keyboard: base letters
    (``"ê"``, ``"đ"``), ``"shift"`` before a capital, ``"space"``, and ``"tone-<name>"``
    after each toned word. ``"Nguyễn Mai"`` -> shift n g u y ê n tone-nga space shift m a i.
    Other characters (digits, punctuation) are their own key names."""
    keys: list[str] = []
    run_tone: str | None = None
    for c in nfc(text) + "\0":
        if not c.isalpha() and run_tone:
            keys.append(f"tone-{run_tone}")  # the tone goes on once the word is typed
            run_tone = None
        if c == "\0":
            break
        if c == " ":
            keys.append("space")
            continue
        base, tone = _split_char(c)
        if c.isalpha():
            run_tone = tone or run_tone
        if base != base.lower():
            keys.append("shift")
        keys.append(base.lower())
    return keys


__all__ = ["BASE_LETTERS", "TONES", "TONE_MARKS", "TONE_NAMES_VI", "TONE_SAMPLES", "VOWELS", "add_tone",
           "apply_tone", "backspace", "key_sequence", "nfc", "strip_tone", "tone_index", "type_char"]
