"""Typing Vietnamese with tone keys: the tone lands on the right vowel, in NFC."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text import fold
from core.vietnamese_input import add_tone, apply_tone, backspace, key_sequence, strip_tone, type_char


@pytest.mark.parametrize(("base", "tone", "expected"), [
    ("hoa", "huyen", "hoà"), ("thuy", "hoi", "thuỷ"), ("khoe", "hoi", "khoẻ"),  # new style
    ("mua", "huyen", "mùa"), ("hai", "sac", "hái"), ("kia", "huyen", "kìa"),
    ("hoan", "huyen", "hoàn"), ("huynh", "huyen", "huỳnh"), ("ngoai", "sac", "ngoái"), ("khuyu", "hoi", "khuỷu"),
    ("quy", "sac", "quý"), ("qua", "sac", "quá"), ("gi", "huyen", "gì"), ("gia", "sac", "giá"),
    ("giưa", "nga", "giữa"), ("nguyên", "nga", "nguyễn"), ("ngươi", "huyen", "người"),
    ("thuơ", "hoi", "thuở"), ("cưu", "sac", "cứu"), ("Viêt", "nang", "Việt"), ("ĐĂNG", "sac", "ĐẮNG"),
    ("chuyên", "sac", "chuyến"), ("Thi", "nang", "Thị"), ("ky", "sac", "ký"), ("nhưng", "sac", "những".replace("ữ", "ứ")),
])
def test_the_tone_goes_on_the_right_vowel(base: str, tone: str | None, expected: str) -> None:
    assert apply_tone(base, tone) == expected
    assert unicodedata.is_normalized("NFC", apply_tone(base, tone))


def test_another_tone_replaces_and_the_same_tone_twice_keeps_it() -> None:
    assert add_tone("hoà", 3, "sac") == ("hoá", 3)
    assert add_tone("hoà", 3, "huyen") == ("hoà", 3)
    assert strip_tone("Nguyễn") == ("Nguyên", "nga")


def test_letters_typed_after_the_tone_move_it_where_it_belongs() -> None:
    text, cursor = "", 0
    for key in "thu":
        text, cursor = type_char(text, cursor, key)
    text, cursor = add_tone(text, cursor, "hoi")
    assert text == "thủ"
    text, cursor = type_char(text, cursor, "y")
    assert (text, cursor) == ("thuỷ", 4)
    text, cursor = backspace(text, cursor)
    assert text == "thu"  # the toned letter went with its tone


def test_the_tone_key_acts_on_the_word_before_the_cursor_only() -> None:
    assert add_tone("Nguyên Thi", 6, "nga") == ("Nguyễn Thi", 6)
    assert add_tone("Mai ", 4, "sac") == ("Mai ", 4)  # after a space: no word, nothing happens
    assert backspace("", 0) == ("", 0)


_SYLLABLES = st.sampled_from(["Nguyễn", "Thị", "Mai", "Hoà", "Thuỷ", "Trường", "Đăng", "ký", "khai", "sinh", "Quý",
                              "giữa", "khuỷu", "người", "Việt", "Khoẻ", "Huỳnh", "Lê", "Phạm"])


@given(st.lists(_SYLLABLES, min_size=1, max_size=5))
def test_typing_the_key_sequence_of_a_text_gives_the_text_back(words: list[str]) -> None:
    target = " ".join(words)
    text, cursor, shift = "", 0, False
    for key in key_sequence(target):
        if key == "shift":
            shift = True
        elif key.startswith("tone-"):
            text, cursor = add_tone(text, cursor, key[5:])
        else:
            char = " " if key == "space" else key
            text, cursor = type_char(text, cursor, char.upper() if shift else char)
            shift = False
    assert text == target and fold(text) == fold(target)
