import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.citizen import (
    CCCD_PROVINCES,
    IdCard,
    cccd_birth_info,
    cccd_province,
    mask_cccd,
    mask_phone,
    normalize_phone,
    parse_id_card_qr,
    validate_cccd,
)
from core.errors import ValidationError

TODAY = date(2026, 3, 10)


class TestCccd:
    def test_valid(self):
        assert validate_cccd("001099012345", today=TODAY) == "001099012345"

    def test_spaces_are_removed(self):
        assert validate_cccd(" 001 099 012 345\n", today=TODAY) == "001099012345"

    @pytest.mark.parametrize("bad", ["", "00109901234", "0010990123456", "00109901234x", "001-099-012345", "００１０９９０１２３４５"])
    def test_must_be_twelve_digits(self, bad):
        with pytest.raises(ValidationError) as exc:
            validate_cccd(bad, today=TODAY)
        assert exc.value.field == "cccd"
        assert "12 chữ số" in exc.value.message

    @pytest.mark.parametrize("code", ["000", "003", "097", "099", "101"])
    def test_unknown_province(self, code):
        with pytest.raises(ValidationError) as exc:
            validate_cccd(code + "099012345", today=TODAY)
        assert code in exc.value.message

    def test_province_table(self):
        assert len(CCCD_PROVINCES) == 63
        assert {"001", "031", "038", "048", "079"} <= set(CCCD_PROVINCES)
        assert cccd_province("079199012345") == "Hồ Chí Minh"

    @pytest.mark.parametrize("digit", "6789")
    def test_century_gender_digit(self, digit):
        with pytest.raises(ValidationError):
            validate_cccd(f"001{digit}99012345", today=TODAY)

    def test_birth_year_in_the_future(self):
        with pytest.raises(ValidationError) as exc:
            validate_cccd("001227012345", today=TODAY)  # born 2027
        assert "2027" in exc.value.message
        assert validate_cccd("001226012345", today=TODAY)  # born 2026 is fine
        assert validate_cccd("001401012345", today=date(2101, 6, 1))  # 2101, when it comes

    @pytest.mark.parametrize(
        ("number", "info"),
        [
            ("001085012345", ("male", 1985)),
            ("001185012345", ("female", 1985)),
            ("038200012345", ("male", 2000)),
            ("079325012345", ("female", 2025)),
        ],
    )
    def test_birth_info(self, number, info):
        assert cccd_birth_info(number, today=TODAY) == info

    def test_mask(self):
        assert mask_cccd("001099012345") == "001******345"


class TestPhone:
    @pytest.mark.parametrize(
        "raw",
        ["0912345678", "091 234 5678", "0912.345.678", "+84912345678", "+84 912 345 678", "84912345678", "0084912345678", "+84 0912 345 678", "(091) 234-5678"],
    )
    def test_normalised(self, raw):
        assert normalize_phone(raw) == "0912345678"

    @pytest.mark.parametrize(
        "bad",
        ["", "0212345678", "0412345678", "0612345678", "091234567", "09123456789", "912345678", "+8491234567", "0912a45678", "+1 912 345 678", "0243 826 1234"],
    )
    def test_refused(self, bad):
        with pytest.raises(ValidationError) as exc:
            normalize_phone(bad)
        assert exc.value.field == "phone"

    @given(st.from_regex(r"0[35789][0-9]{8}", fullmatch=True))
    def test_round_trip(self, phone):
        assert normalize_phone(phone) == phone
        assert normalize_phone("+84" + phone[1:]) == phone
        assert normalize_phone("84" + phone[1:]) == phone
        assert normalize_phone(f"{phone[:4]} {phone[4:7]} {phone[7:]}") == phone
        assert normalize_phone(normalize_phone(phone)) == phone

    @given(st.text(alphabet="0123456789", min_size=1, max_size=14))
    def test_anything_accepted_is_a_mobile_number(self, digits):
        try:
            result = normalize_phone(digits)
        except ValidationError:
            return
        assert len(result) == 10 and result[0] == "0" and result[1] in "35789"
        assert result[1:] in digits

    def test_mask(self):
        assert mask_phone("0912345678") == "091****678"


QR = "001099012345|123456789|Nguyễn Văn Hoà|01021999|Nam|Số 1 Phố Huế, Hoàn Kiếm, Hà Nội|10072021"


class TestIdCardQr:
    def test_parse(self):
        card = parse_id_card_qr(QR, today=TODAY)
        assert card == IdCard(
            cccd="001099012345",
            old_id="123456789",
            full_name="Nguyễn Văn Hoà",
            birth_date=date(1999, 2, 1),
            gender="Nam",
            address="Số 1 Phố Huế, Hoàn Kiếm, Hà Nội",
            issued_on=date(2021, 7, 10),
        )
        assert card.gender_code == "male"
        assert card.masked_name == "N. V. Hoà"

    def test_everything_is_nfc(self):
        card = parse_id_card_qr(unicodedata.normalize("NFD", QR), today=TODAY)
        assert card.full_name == "Nguyễn Văn Hoà"
        assert unicodedata.is_normalized("NFC", card.address)

    def test_scanner_noise_and_empty_old_id(self):
        qr = "\ufeff079301012345||Trần Thị  Thuỷ|15082001|Nữ|Phường Bến Thành, TP. Hồ Chí Minh|20042022\r\n"
        card = parse_id_card_qr(qr, today=TODAY)
        assert card.old_id is None
        assert card.full_name == "Trần Thị Thuỷ"
        assert card.gender == "Nữ" and card.gender_code == "female"

    def test_extra_trailing_fields_are_ignored(self):
        assert parse_id_card_qr(QR + "|", today=TODAY).cccd == "001099012345"

    @pytest.mark.parametrize(
        "text",
        ["", "HTTPS://TRACK.MOTCUA.VN/T/ABCDEFGH2345", "https://x.vn/a|b|c|d|e|f|g", "MC1TK7Q2ZABCDEF", "hello|world", "A015"],
    )
    def test_not_an_id_card(self, text):
        assert parse_id_card_qr(text, today=TODAY) is None

    @pytest.mark.parametrize(
        ("text", "field"),
        [
            ("001099012345|123456789|Nguyễn Văn Hoà|01021999|Nam|Hà Nội", "id_qr"),  # 6 fields
            (QR.replace("01021999", "31021999"), "id_qr"),  # 31 February
            (QR.replace("01021999", "1999-02-01"), "id_qr"),
            (QR.replace("|Nam|", "|X|"), "id_qr"),
            (QR.replace("|Nam|", "|Nữ|"), "id_qr"),  # the number says male
            (QR.replace("01021999", "01021998"), "id_qr"),  # the number says 1999
            (QR.replace("Nguyễn Văn Hoà", " "), "id_qr"),
            (QR.replace("123456789", "12345"), "id_qr"),
            (QR.replace("10072021", "10072030"), "id_qr"),  # issued in the future
            (QR.replace("001099", "003099"), "cccd"),
        ],
    )
    def test_malformed(self, text, field):
        with pytest.raises(ValidationError) as exc:
            parse_id_card_qr(text, today=TODAY)
        assert exc.value.field == field
