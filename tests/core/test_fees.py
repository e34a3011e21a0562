import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.fees import FeeInput, FeeQuote, FeeRule, FeeVariant, compute_fee

CERTIFIED_COPY = FeeRule("per_page", tiers=((1, 2000), (3, 1000)), cap_per_copy_vnd=200000)
BIRTH = FeeRule("fixed", amount_vnd=5000, free_within_days=60)
CORRECTION = FeeRule(
    "fixed", amount_vnd=25000, variants=(FeeVariant("under_14", 5000, "Người dưới 14 tuổi", "Person under 14"),)
)
BUSINESS = FeeRule("fixed", amount_vnd=100000, variants=(FeeVariant("online", 0, "Nộp trực tuyến", "Online"),))
EXTRACT_COPY = FeeRule("per_copy", amount_vnd=8000)


def test_free():
    assert compute_fee(FeeRule("free"), FeeInput(copies=3)) == FeeQuote(0, None, ("Miễn phí",))


def test_fixed_ignores_copies():
    rule = FeeRule("fixed", amount_vnd=10000)
    assert compute_fee(rule, FeeInput()).amount_vnd == 10000
    assert compute_fee(rule, FeeInput(copies=4)).amount_vnd == 10000
    assert compute_fee(rule, FeeInput()).lines == ("10.000 đ/hồ sơ",)


def test_per_copy():
    quote = compute_fee(EXTRACT_COPY, FeeInput(copies=3))
    assert quote.amount_vnd == 24000
    assert quote.lines == ("3 bản x 8.000 đ",)


@pytest.mark.parametrize(
    ("pages", "copies", "amount"),
    [(1, 1, 2000), (2, 1, 4000), (3, 1, 5000), (10, 1, 12000), (2, 3, 12000), (198, 1, 200000), (199, 1, 200000), (500, 1, 200000), (500, 2, 400000)],
)
def test_certified_copy(pages, copies, amount):
    assert compute_fee(CERTIFIED_COPY, FeeInput(pages=pages, copies=copies)).amount_vnd == amount


def test_certified_copy_lines():
    assert compute_fee(CERTIFIED_COPY, FeeInput(pages=2)).lines == ("2 trang x 2.000 đ",)
    assert compute_fee(CERTIFIED_COPY, FeeInput(pages=5, copies=2)).lines == (
        "2 trang x 2.000 đ",
        "3 trang x 1.000 đ",
        "2 bản x 7.000 đ",
    )
    capped = compute_fee(CERTIFIED_COPY, FeeInput(pages=250))
    assert capped.lines[-1] == "Tối đa 200.000 đ/bản"
    assert "Tối đa 200.000 đ/bản" not in compute_fee(CERTIFIED_COPY, FeeInput(pages=198)).lines


@given(st.integers(1, 2000), st.integers(1, 20))
def test_per_page_is_capped_and_grows_with_pages(pages, copies):
    amount = compute_fee(CERTIFIED_COPY, FeeInput(pages=pages, copies=copies)).amount_vnd
    assert amount == copies * min(200000, 2000 * min(pages, 2) + 1000 * max(pages - 2, 0))
    assert amount <= compute_fee(CERTIFIED_COPY, FeeInput(pages=pages + 1, copies=copies)).amount_vnd


def test_per_page_without_cap():
    rule = FeeRule("per_page", tiers=((1, 3000),))
    assert compute_fee(rule, FeeInput(pages=100)).amount_vnd == 300000


class TestFreeWithinDays:
    @pytest.mark.parametrize(("days", "amount"), [(0, 0), (59, 0), (60, 0), (61, 5000), (4000, 5000)])
    def test_birth_registration(self, days, amount):
        assert compute_fee(BIRTH, FeeInput(days_since_event=days)).amount_vnd == amount

    def test_late_registration_says_why(self):
        assert compute_fee(BIRTH, FeeInput(days_since_event=90)).lines == ("Quá hạn 60 ngày (90 ngày)", "5.000 đ/hồ sơ")
        assert compute_fee(BIRTH, FeeInput(days_since_event=3)).lines == ("Miễn phí (trong hạn 60 ngày)",)

    def test_needs_the_event_date(self):
        with pytest.raises(ValidationError) as exc:
            compute_fee(BIRTH, FeeInput())
        assert exc.value.field == "days_since_event"


class TestVariants:
    def test_under_14(self):
        quote = compute_fee(CORRECTION, FeeInput(variant="under_14"))
        assert quote.amount_vnd == 5000
        assert quote.lines == ("Người dưới 14 tuổi: 5.000 đ",)
        assert compute_fee(CORRECTION, FeeInput()).amount_vnd == 25000

    def test_online_is_free(self):
        assert compute_fee(BUSINESS, FeeInput(variant="online")).amount_vnd == 0
        assert compute_fee(BUSINESS, FeeInput()).amount_vnd == 100000

    def test_variant_on_per_copy_applies_per_copy(self):
        rule = FeeRule("per_copy", amount_vnd=8000, variants=(FeeVariant("poor", 4000, "Hộ nghèo", "Poor household"),))
        assert compute_fee(rule, FeeInput(copies=2, variant="poor")).amount_vnd == 8000

    def test_unknown_variant(self):
        with pytest.raises(ValidationError) as exc:
            compute_fee(CORRECTION, FeeInput(variant="over_80"))
        assert exc.value.field == "variant"


class TestExemption:
    def test_exemption_with_reason(self):
        quote = compute_fee(BUSINESS, FeeInput(exemption_reason="  Người có công   với cách mạng "))
        assert quote.amount_vnd == 0
        assert quote.exemption_reason == "Người có công với cách mạng"
        assert quote.lines == ("Miễn lệ phí: Người có công với cách mạng",)

    def test_exemption_applies_to_every_kind(self):
        for rule in (CERTIFIED_COPY, EXTRACT_COPY, BIRTH):
            quote = compute_fee(rule, FeeInput(pages=50, copies=3, days_since_event=400, exemption_reason="Hộ nghèo"))
            assert (quote.amount_vnd, quote.exemption_reason) == (0, "Hộ nghèo")

    @pytest.mark.parametrize("kwargs", [{"exempt": True}, {"exemption_reason": ""}, {"exemption_reason": "   "}, {"exempt": True, "exemption_reason": " "}])
    def test_exemption_without_reason_is_refused(self, kwargs):
        with pytest.raises(ValidationError) as exc:
            FeeInput(**kwargs)
        assert exc.value.field == "exemption_reason"

    def test_no_exemption_keeps_no_reason(self):
        assert compute_fee(BUSINESS, FeeInput()).exemption_reason is None


@pytest.mark.parametrize(
    "kwargs", [{"copies": 0}, {"pages": 0}, {"copies": -1}, {"days_since_event": -1}, {"copies": 1.5}, {"pages": True}]
)
def test_bad_input(kwargs):
    with pytest.raises(ValidationError):
        FeeInput(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "tip"},
        {"kind": "free", "amount_vnd": 1000},
        {"kind": "fixed", "amount_vnd": -5},
        {"kind": "fixed", "amount_vnd": 1000, "tiers": ((1, 100),)},
        {"kind": "per_page"},
        {"kind": "per_page", "tiers": ((2, 1000),)},
        {"kind": "per_page", "tiers": ((1, 2000), (1, 1000))},
        {"kind": "per_page", "tiers": ((1, 2000), (3, -1))},
        {"kind": "per_page", "tiers": ((1, 2000),), "cap_per_copy_vnd": -1},
        {"kind": "fixed", "amount_vnd": 1000, "free_within_days": -1},
        {"kind": "fixed", "amount_vnd": 1000, "variants": (FeeVariant("a", 1, "A", "A"), FeeVariant("a", 2, "B", "B"))},
    ],
)
def test_bad_rules(kwargs):
    with pytest.raises(ValidationError):
        FeeRule(**kwargs)


@pytest.mark.parametrize("rule", [FeeRule("free"), BIRTH, CORRECTION, BUSINESS, EXTRACT_COPY, CERTIFIED_COPY])
def test_dict_round_trip(rule):
    import json

    assert FeeRule.from_dict(json.loads(json.dumps(rule.to_dict()))) == rule


def test_dict_shape():
    assert CERTIFIED_COPY.to_dict() == {"kind": "per_page", "tiers": [[1, 2000], [3, 1000]], "cap_per_copy_vnd": 200000}
    assert CORRECTION.to_dict()["variants"] == {
        "under_14": {"amount_vnd": 5000, "label_vi": "Người dưới 14 tuổi", "label_en": "Person under 14"}
    }


def test_from_dict_rejects_garbage():
    with pytest.raises(ValidationError):
        FeeRule.from_dict({"kind": "per_page", "tiers": [[1]]})
    with pytest.raises(ValidationError):
        FeeRule.from_dict({"amount_vnd": 1000})


def test_describe():
    assert CERTIFIED_COPY.describe_vi() == "2.000 đ/trang (trang 1–2), 1.000 đ/trang (từ trang 3), tối đa 200.000 đ/bản"
    assert CERTIFIED_COPY.describe_en() == "2,000 VND/page (pages 1–2), 1,000 VND/page (from page 3), at most 200,000 VND per copy"
    assert BIRTH.describe_vi() == "Miễn phí trong hạn 60 ngày; quá hạn: 5.000 đ/hồ sơ"
    assert CORRECTION.describe_vi() == "25.000 đ/hồ sơ; Người dưới 14 tuổi: 5.000 đ"
    assert EXTRACT_COPY.describe_en() == "8,000 VND per copy"
    assert FeeRule("free").describe_vi() == "Miễn phí"


def test_an_english_description_names_a_variant_without_english_in_vietnamese() -> None:
    rule = FeeRule("fixed", amount_vnd=25000, variants=(FeeVariant("under_14", 5000, "Người dưới 14 tuổi", ""),))
    assert rule.describe_en() == "25,000 VND per case; Người dưới 14 tuổi: 5,000 VND"
