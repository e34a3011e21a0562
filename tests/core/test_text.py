import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text import clean_name, fold, mask_name, nfc, search_tokens

VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # huyền sắc ngã hỏi nặng


def test_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Hoà")
    assert decomposed != "Nguyễn Văn Hoà"
    assert nfc(decomposed) == "Nguyễn Văn Hoà"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn Hoà", "nguyen van hoa"),
        ("  ĐẶNG   thị\tNGỌC  ", "dang thi ngoc"),
        ("Đỗ Đức Độ", "do duc do"),
        ("Trương Thị Thuỷ", "truong thi thuy"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(("a", "b"), [("Thuỷ", "Thủy"), ("Hoà", "Hòa"), ("Khoẻ", "Khỏe"), ("Quý", "Qúy")])
def test_tone_mark_placement_folds_equal(a, b):
    assert a != b
    assert fold(a) == fold(b)


def test_fold_never_rewrites_i_and_y():
    assert fold("Lý Thị Mỹ") == "ly thi my"
    assert fold("Lí") == "li"
    assert fold("Lý") != fold("Lí")


def test_decomposed_and_composed_input_fold_equal():
    name = "Nguyễn Thị Ánh Tuyết"
    assert fold(unicodedata.normalize("NFD", name)) == fold(name)


@given(st.text())
def test_fold_is_idempotent(s):
    assert fold(fold(s)) == fold(s)


@given(st.lists(st.tuples(st.sampled_from(VIETNAMESE_LETTERS), st.sampled_from(TONES)), max_size=20))
def test_folded_vietnamese_has_no_marks_and_no_d_stroke(pairs):
    word = nfc("".join(letter + tone for letter, tone in pairs))
    folded = fold(word)
    assert folded.isascii()
    assert "đ" not in folded
    assert len(folded) == len(pairs)


def test_search_tokens():
    assert search_tokens("Nguyễn-Văn, NGUYEN  (An).") == ["nguyen", "van", "an"]
    assert search_tokens("Số 12, ngõ 3") == ["so", "12", "ngo", "3"]
    assert search_tokens("  ...  ") == []


@given(st.text())
def test_search_tokens_are_folded_unique_words(s):
    tokens = search_tokens(s)
    assert len(tokens) == len(set(tokens))
    for t in tokens:
        assert t == fold(t)
        assert t and all(c.isalnum() for c in t)


def test_clean_name():
    assert clean_name("  Nguyễn   Văn\u00a0Hoà ") == "Nguyễn Văn Hoà"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn Hoà", "N. V. Hoà"),
        ("  đỗ   thị  thuỷ ", "Đ. T. thuỷ"),
        ("Ưng Hoàng Phúc", "Ư. H. Phúc"),
        ("Tôn Nữ Thị Hà", "T. N. T. Hà"),
        ("Hoà", "Hoà"),
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_name_hides_the_family_name_even_if_decomposed():
    masked = mask_name(unicodedata.normalize("NFD", "Ông Văn Hoà"))
    assert masked == "Ô. V. Hoà"
    assert "Ông" not in masked
