"""Numbers and call sentences as a voice should say them (REFERENCE.md, "Calling numbers aloud").

A speech engine left to itself reads "15" as "mười năm" in Vietnamese; the board gives it
words instead. The Vietnamese rules, and the choices made where usage varies:

* units after "mươi" (20 and up): 1 is "mốt" (21 hai mươi mốt), 4 is "tư" (24 hai mươi tư,
  the usual spoken form; "bốn" stays for 4, 14 and 104), 5 is "lăm" (25 hai mươi lăm).
  After "mười" only 5 changes (15 mười lăm; 11 mười một, 14 mười bốn). "Nhăm" (hai mươi
  nhăm) is colloquial Northern speech, not the announcer's register: never used.
* a zero tens digit inside a number is "linh" (105 một trăm linh năm; "lẻ" is Southern);
  a hundreds group that is empty after a bigger unit is said "không trăm"
  (1005 một nghìn không trăm linh năm, 2024 hai nghìn không trăm hai mươi tư).
* 1000 is "nghìn" (Northern, administrative; the South says "ngàn").

Call sentences: the ticket's prefix letter is followed by a comma, so the voice says it as
a letter and pauses before the number ("A, mười lăm"); the number is read as a number
(``style="number"``: A015 -> "mười lăm", leading zeros dropped) or digit by digit
(``style="digits"``: "không, một, năm"). A letter is written as itself where espeak-ng's
Vietnamese voice names it the Vietnamese way (A, B, C, E, K ...) and spelled out where it
would not (D "dê", Đ "đê", S "ét xì", X "ích xì"; G is "gờ", since its old name "giê"
sounds like "dê" in Northern speech), see :data:`LETTERS_VI`. The
counter is always a number ("quầy số mười hai"). English: "Ticket number A, fifteen, please
go to counter three." — the comma also stops an English voice from reading "A" as the
article.
"""

from __future__ import annotations

import re

STYLES = ("number", "digits")
LANGS = ("vi", "en")
MAX_NUMBER = 10**12 - 1

DIGITS_VI = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS_VI = ("", "nghìn", "triệu", "tỷ")

# What to write for each capital letter so that espeak-ng's Vietnamese voice says the
# Vietnamese letter name: the letter itself where it already does, the name spelled out
# where it does not (it reads D as "de", Đ as "dơ", G as "đe", S as "ét", X as "ích"). G is
# "gờ": "giê" and "dê" sound the same in Northern speech, and A..E are the usual prefixes.
LETTERS_VI = {
    "A": "A", "Ă": "Ă", "Â": "Â", "B": "B", "C": "C", "D": "dê", "Đ": "đê", "E": "E", "Ê": "Ê",
    "F": "ép", "G": "gờ", "H": "hát", "I": "I", "J": "di", "K": "K", "L": "L", "M": "M", "N": "N",
    "O": "O", "Ô": "Ô", "Ơ": "Ơ", "P": "P", "Q": "Q", "R": "R", "S": "ét xì", "T": "T", "U": "U",
    "Ư": "Ư", "V": "V", "W": "vê kép", "X": "ích xì", "Y": "i dài", "Z": "dét",
}

_CODE = re.compile(r"([^\W\d_]*)(\d*)")


def _check(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a whole number is needed, not {n!r}")
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"{n} is out of range (0..{MAX_NUMBER})")


def _tens_vi(n: int) -> list[str]:
    """1..99 in words."""
    tens, unit = divmod(n, 10)
    if tens == 0:
        return [DIGITS_VI[unit]]
    words = ["mười"] if tens == 1 else [DIGITS_VI[tens], "mươi"]
    if unit == 1 and tens > 1:
        words.append("mốt")
    elif unit == 4 and tens > 1:
        words.append("tư")
    elif unit == 5:
        words.append("lăm")
    elif unit:
        words.append(DIGITS_VI[unit])
    return words


def _hundreds_vi(n: int, *, full: bool) -> list[str]:
    """1..999 in words; ``full``: a group after a bigger unit, said with its hundreds
    ("không trăm linh năm") so the listener hears that digits were skipped."""
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS_VI[hundreds], "trăm"]
        if rest and rest < 10:
            words.append("linh")
    if rest:
        words += _tens_vi(rest)
    return words


def _thousands(n: int) -> list[tuple[int, int]]:
    """The non-zero groups of three digits of ``n``, biggest first, each with its power of
    a thousand: 1 005 -> [(1, 1), (0, 5)]."""
    groups: list[int] = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    return [(i, groups[i]) for i in range(len(groups) - 1, -1, -1) if groups[i]]


def number_words_vi(n: int) -> str:
    """``n`` (0 .. 999 999 999 999) in Vietnamese words: 15 -> "mười lăm", 105 -> "một trăm linh năm"."""
    _check(n)
    if n == 0:
        return DIGITS_VI[0]
    words: list[str] = []
    for i, group in _thousands(n):
        words += _hundreds_vi(group, full=bool(words))
        if _GROUPS_VI[i]:
            words.append(_GROUPS_VI[i])
    return " ".join(words)


_ONES_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS_EN = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_GROUPS_EN = ("", "thousand", "million", "billion")


def _hundreds_en(n: int, *, after_bigger: bool) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds:
        words += [_ONES_EN[hundreds], "hundred"]
    if rest:
        if hundreds or after_bigger:
            words.append("and")
        if rest < 20:
            words.append(_ONES_EN[rest])
        else:
            tens, unit = divmod(rest, 10)
            words.append(_TENS_EN[tens] + (f"-{_ONES_EN[unit]}" if unit else ""))
    return words


def number_words_en(n: int) -> str:
    """``n`` in British English words: 105 -> "one hundred and five", 1005 -> "one thousand and five"."""
    _check(n)
    if n == 0:
        return _ONES_EN[0]
    words: list[str] = []
    for i, group in _thousands(n):
        # "one thousand and five": 'and' before a last group under a hundred
        words += _hundreds_en(group, after_bigger=bool(words) and i == 0 and group < 100)
        if _GROUPS_EN[i]:
            words.append(_GROUPS_EN[i])
    return " ".join(words)


def digit_words(digits: str, lang: str = "vi") -> str:
    """Digit by digit, with a short pause between: "015" -> "không, một, năm"."""
    names = DIGITS_VI if lang == "vi" else _ONES_EN[:10]
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"not digits: {digits!r}")
    return ", ".join(names[int(d)] for d in digits)


def letter_words(letters: str, lang: str = "vi") -> str:
    """The ticket prefix as letter names: "A" -> "A", "D" -> "dê" (English: the letters)."""
    out = []
    for ch in letters.upper():
        if lang == "vi":
            out.append(LETTERS_VI.get(ch, ch))
        else:
            out.append(ch)
    return " ".join(out)


def spoken_code(code: str, *, lang: str = "vi", style: str = "number") -> str:
    """A ticket code as said aloud: "A015" -> "A, mười lăm" (number) / "A, không, một, năm" (digits)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    code = code.strip()
    m = _CODE.fullmatch(code)
    if not code or m is None or not m.group(2).isascii():
        # not a prefix-and-number code: spell it (nothing a ticket would carry, but never crash)
        return ", ".join(letter_words(c, lang) if not c.isdigit() else digit_words(c, lang)
                         for c in code if c.isalnum()) or code
    letters, digits = m.group(1), m.group(2)
    parts = []
    if letters:
        parts.append(letter_words(letters, lang))
    if digits:
        if style == "digits":
            parts.append(digit_words(digits, lang))
        else:
            parts.append((number_words_vi if lang == "vi" else number_words_en)(int(digits)))
    return ", ".join(parts)


def call_sentence(code: str, counter: int, *, lang: str = "vi", style: str = "number") -> str:
    """What the board says for a call of ticket ``code`` to counter ``counter``.

    >>> call_sentence("A015", 3)
    'Mời công dân có số thứ tự A, mười lăm, đến quầy số ba.'
    >>> call_sentence("A015", 3, lang="en")
    'Ticket number A, fifteen, please go to counter three.'
    """
    said = spoken_code(code, lang=lang, style=style)
    if lang == "vi":
        return f"Mời công dân có số thứ tự {said}, đến quầy số {number_words_vi(counter)}."
    return f"Ticket number {said}, please go to counter {number_words_en(counter)}."


__all__ = ["DIGITS_VI", "LANGS", "LETTERS_VI", "MAX_NUMBER", "STYLES", "call_sentence", "digit_words",
           "letter_words", "number_words_en", "number_words_vi", "spoken_code"]
