import pytest

from core.money import format_vnd, format_vnd_en


@pytest.mark.parametrize(
    ("amount", "vi", "en"),
    [
        (0, "0 đ", "0 VND"),
        (500, "500 đ", "500 VND"),
        (2000, "2.000 đ", "2,000 VND"),
        (200000, "200.000 đ", "200,000 VND"),
        (1000000, "1.000.000 đ", "1,000,000 VND"),
        (-25000, "-25.000 đ", "-25,000 VND"),
    ],
)
def test_formats(amount, vi, en):
    assert format_vnd(amount) == vi
    assert format_vnd_en(amount) == en


@pytest.mark.parametrize("bad", [1.5, "1000", True, None])
def test_only_whole_dong(bad):
    with pytest.raises(TypeError):
        format_vnd(bad)
