"""Numbers said the Vietnamese way, and the sentences the display board speaks."""

from __future__ import annotations

import unicodedata

import pytest

from core.spoken_numbers import (
    LETTERS_VI,
    call_sentence,
    digit_words,
    number_words_en,
    number_words_vi,
    spoken_code,
)

VI = {
    0: "không", 1: "một", 4: "bốn", 5: "năm", 9: "chín", 10: "mười", 11: "mười một", 14: "mười bốn",
    15: "mười lăm", 19: "mười chín", 20: "hai mươi", 21: "hai mươi mốt", 24: "hai mươi tư",
    25: "hai mươi lăm", 31: "ba mươi mốt", 44: "bốn mươi tư", 55: "năm mươi lăm", 99: "chín mươi chín",
    100: "một trăm", 101: "một trăm linh một", 104: "một trăm linh bốn", 105: "một trăm linh năm",
    110: "một trăm mười", 111: "một trăm mười một", 115: "một trăm mười lăm", 121: "một trăm hai mươi mốt",
    124: "một trăm hai mươi tư", 125: "một trăm hai mươi lăm", 200: "hai trăm", 999: "chín trăm chín mươi chín",
    1000: "một nghìn", 1001: "một nghìn không trăm linh một", 1005: "một nghìn không trăm linh năm",
    1010: "một nghìn không trăm mười", 1015: "một nghìn không trăm mười lăm", 1100: "một nghìn một trăm",
    1105: "một nghìn một trăm linh năm", 2024: "hai nghìn không trăm hai mươi tư",
    9999: "chín nghìn chín trăm chín mươi chín", 10000: "mười nghìn", 15000: "mười lăm nghìn",
    21005: "hai mươi mốt nghìn không trăm linh năm", 100000: "một trăm nghìn",
    1000005: "một triệu không trăm linh năm",
}

EN = {
    0: "zero", 5: "five", 10: "ten", 15: "fifteen", 21: "twenty-one", 24: "twenty-four", 25: "twenty-five",
    100: "one hundred", 105: "one hundred and five", 110: "one hundred and ten", 1000: "one thousand",
    1005: "one thousand and five", 1105: "one thousand one hundred and five",
    2024: "two thousand and twenty-four", 10000: "ten thousand",
}


@pytest.mark.parametrize(("n", "words"), sorted(VI.items()))
def test_vietnamese_number_words(n: int, words: str) -> None:
    assert number_words_vi(n) == words


@pytest.mark.parametrize(("n", "words"), sorted(EN.items()))
def test_english_number_words(n: int, words: str) -> None:
    assert number_words_en(n) == words


_UNITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6,
          "bảy": 7, "tám": 8, "chín": 9}
_BIG = {"nghìn": 1000, "triệu": 10**6, "tỷ": 10**9}


def _parse_vi(text: str) -> int:
    """An independent reading of the words back into a number (what a listener does)."""
    total = group = pending = 0
    for w in text.split():
        if w in _UNITS:
            pending = _UNITS[w]
        elif w == "trăm":
            group, pending = group + pending * 100, 0
        elif w == "mươi":
            group, pending = group + pending * 10, 0
        elif w == "mười":
            group, pending = group + 10, 0
        elif w == "linh":
            pending = 0
        elif w in _BIG:
            total, group, pending = total + (group + pending) * _BIG[w], 0, 0
        else:
            raise AssertionError(f"unexpected word {w!r} in {text!r}")
    return total + group + pending


def test_every_number_up_to_ten_thousand_reads_back_and_follows_the_spoken_rules() -> None:
    for n in range(0, 10001):
        words = number_words_vi(n)
        assert _parse_vi(words) == n, words
        assert unicodedata.is_normalized("NFC", words)
        seq = words.split()
        for before, after in zip(seq, seq[1:], strict=False):
            assert not (before in ("mười", "mươi") and after == "năm"), words  # 15 mười lăm, 25 hai mươi lăm
            assert not (before == "mươi" and after in ("một", "bốn")), words  # 21 mốt, 24 tư
            assert not (before == "mười" and after in ("mốt", "tư")), words  # 11 mười một, 14 mười bốn
            assert not (before == "linh" and after in ("mốt", "tư", "lăm")), words  # 105 linh năm
        assert "nhăm" not in seq and "ngàn" not in seq and "lẻ" not in seq
        if 1000 < n and 0 < n % 1000 < 100:
            assert "không trăm" in words, words  # 1005 một nghìn không trăm linh năm


def test_out_of_range_and_non_integers_are_refused() -> None:
    with pytest.raises(ValueError):
        number_words_vi(-1)
    with pytest.raises(TypeError):
        number_words_vi(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        number_words_en(True)  # type: ignore[arg-type]


def test_digits_one_by_one() -> None:
    assert digit_words("015") == "không, một, năm"
    assert digit_words("1000", "en") == "one, zero, zero, zero"
    with pytest.raises(ValueError):
        digit_words("1a")


SENTENCES = [
    # code, counter, lang, style, sentence
    ("A015", 3, "vi", "number", "Mời công dân có số thứ tự A, mười lăm, đến quầy số ba."),
    ("A015", 3, "vi", "digits", "Mời công dân có số thứ tự A, không, một, năm, đến quầy số ba."),
    ("A005", 1, "vi", "number", "Mời công dân có số thứ tự A, năm, đến quầy số một."),
    ("B021", 2, "vi", "number", "Mời công dân có số thứ tự B, hai mươi mốt, đến quầy số hai."),
    ("C024", 4, "vi", "number", "Mời công dân có số thứ tự C, hai mươi tư, đến quầy số bốn."),
    ("E025", 5, "vi", "number", "Mời công dân có số thứ tự E, hai mươi lăm, đến quầy số năm."),
    ("A105", 10, "vi", "number", "Mời công dân có số thứ tự A, một trăm linh năm, đến quầy số mười."),
    ("D1000", 15, "vi", "number", "Mời công dân có số thứ tự dê, một nghìn, đến quầy số mười lăm."),
    ("D1000", 21, "vi", "digits", "Mời công dân có số thứ tự dê, một, không, không, không, đến quầy số hai mươi mốt."),
    ("A100", 24, "vi", "number", "Mời công dân có số thứ tự A, một trăm, đến quầy số hai mươi tư."),
    ("A015", 3, "en", "number", "Ticket number A, fifteen, please go to counter three."),
    ("A015", 3, "en", "digits", "Ticket number A, zero, one, five, please go to counter three."),
    ("B105", 12, "en", "number", "Ticket number B, one hundred and five, please go to counter twelve."),
    ("D1000", 4, "en", "number", "Ticket number D, one thousand, please go to counter four."),
]


@pytest.mark.parametrize(("code", "counter", "lang", "style", "sentence"), SENTENCES)
def test_call_sentences(code: str, counter: int, lang: str, style: str, sentence: str) -> None:
    said = call_sentence(code, counter, lang=lang, style=style)
    assert said == sentence
    assert unicodedata.is_normalized("NFC", said)
    assert not any(ch.isdigit() for ch in said)  # the voice never has to guess how to read a number


def test_prefix_letters_are_written_as_the_voice_should_name_them() -> None:
    assert spoken_code("A015") == "A, mười lăm"
    assert spoken_code("B015") == "B, mười lăm"
    assert spoken_code("Đ007") == "đê, bảy"
    assert spoken_code("G007") == "gờ, bảy"
    assert spoken_code("X007") == "ích xì, bảy"
    assert spoken_code("AB015") == "A B, mười lăm"  # a two-letter prefix
    assert spoken_code("A015", lang="en") == "A, fifteen"
    assert set("ABCDEGHIKLMNOPQRSTUVXY") <= set(LETTERS_VI)


def test_odd_codes_are_spelled_rather_than_refused() -> None:
    assert spoken_code("15") == "mười lăm"
    assert spoken_code("A-1") == "A, một"
    with pytest.raises(ValueError):
        spoken_code("A015", style="words")
