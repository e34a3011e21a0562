"""Citizens' identifiers: CCCD numbers, mobile phones and the ID card QR code.

A CCCD number has no public check digit, so only its structure is validated: digits 1-3
the province where the birth was registered (codes of Circular 07/2016/TT-BCA, the 63
provinces before the 2025 merger: numbers already issued keep them), digit 4 century and
gender, digits 5-6 the last two digits of the birth year, digits 7-12 random.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from core.errors import ValidationError
from core.i18n import LazyText, lazy_gettext
from core.text import clean_name, collapse_spaces, fold, mask_name, nfc
from core.working_calendar import OFFICE_TZ

#: Province of birth registration, first three digits of a CCCD (Circular 07/2016/TT-BCA).
CCCD_PROVINCES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

MALE, FEMALE = "male", "female"
_GENDER_VI = {MALE: "Nam", FEMALE: "Nữ"}


def _office_today() -> date:
    return datetime.now(OFFICE_TZ).date()


# --- CCCD ------------------------------------------------------------------------------


def validate_cccd(s: str, *, today: date | None = None) -> str:
    """The 12-digit CCCD number, spaces removed; ValidationError(field="cccd") if wrong."""
    if not isinstance(s, str):
        raise ValidationError(lazy_gettext("A CCCD number has exactly 12 digits"), field="cccd")
    number = "".join(s.split())
    if not re.fullmatch(r"[0-9]{12}", number):
        raise ValidationError(lazy_gettext("A CCCD number has exactly 12 digits"), field="cccd")
    if number[:3] not in CCCD_PROVINCES:
        raise ValidationError(
            lazy_gettext("Invalid CCCD number: there is no province of birth registration {province} "
                         "(the first 3 digits)", province=number[:3]),
            field="cccd",
        )
    if number[3] not in "012345":
        raise ValidationError(
            lazy_gettext("Invalid CCCD number: the 4th digit (century of birth and gender) must be 0 to 5"),
            field="cccd",
        )
    year = _birth_year(number)
    if year > (today or _office_today()).year:
        raise ValidationError(lazy_gettext("Invalid CCCD number: the birth year {year} has not come yet", year=year),
                              field="cccd")
    return number


def _birth_year(number: str) -> int:
    return 1900 + 100 * (int(number[3]) // 2) + int(number[4:6])


def cccd_birth_info(s: str, *, today: date | None = None) -> tuple[str, int]:
    """(gender, birth year) encoded in a CCCD: gender is "male" or "female"."""
    number = validate_cccd(s, today=today)
    return (MALE if int(number[3]) % 2 == 0 else FEMALE), _birth_year(number)


def cccd_province(s: str) -> str:
    """Name of the province where the birth was registered (old 63-province list)."""
    return CCCD_PROVINCES[validate_cccd(s)[:3]]


def mask_cccd(s: str) -> str:
    """For citizen-visible screens: ``001******789``."""
    number = "".join(str(s).split())
    if len(number) <= 6:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 6) + number[-3:]


# --- phone -----------------------------------------------------------------------------

_MOBILE = re.compile(r"0[35789][0-9]{8}")


def normalize_phone(s: str) -> str:
    """A Vietnamese mobile number as ``0xxxxxxxxx``; ``+84`` / ``84`` / ``0084`` become ``0``.

    Spaces, dots, dashes and brackets are ignored. Anything that is not a mobile number
    ``0(3|5|7|8|9)`` + 8 digits raises ValidationError(field="phone").
    """
    if not isinstance(s, str):
        raise ValidationError(lazy_gettext("Invalid mobile phone number"), field="phone")
    digits = re.sub(r"[\s.\-()]", "", s)
    rest = None
    if digits.startswith("+84"):
        rest = digits[3:]
    elif digits.startswith("0084"):
        rest = digits[4:]
    elif digits.startswith("84") and (len(digits) == 11 or (len(digits) == 12 and digits[2] == "0")):
        rest = digits[2:]
    if rest is not None:
        # People write "+84 912 ..." and also "+84 0912 ...".
        digits = rest if rest.startswith("0") else "0" + rest
    if not _MOBILE.fullmatch(digits):
        raise ValidationError(
            lazy_gettext("Invalid mobile phone number: it needs 10 digits, starting with 03, 05, 07, 08 or 09"),
            field="phone",
        )
    return digits


def mask_phone(s: str) -> str:
    """For citizen-visible screens: ``091****678``."""
    p = "".join(str(s).split())
    if len(p) <= 6:
        return "*" * len(p)
    return p[:3] + "*" * (len(p) - 6) + p[-3:]


# --- ID card QR --------------------------------------------------------------------------


@dataclass(frozen=True)
class IdCard:
    """The applicant as read from the ID card QR (all text NFC)."""

    cccd: str
    old_id: str | None
    full_name: str
    birth_date: date
    gender: str  # as printed on the card: "Nam" or "Nữ"
    address: str
    issued_on: date

    @property
    def gender_code(self) -> str:
        return MALE if self.gender == "Nam" else FEMALE

    @property
    def masked_name(self) -> str:
        return mask_name(self.full_name)


def _qr_error(reason: LazyText) -> ValidationError:
    return ValidationError(lazy_gettext("Invalid ID card QR code: {reason}", reason=reason), field="id_qr")


def _qr_date(value: str, what: LazyText) -> date:
    digits = re.sub(r"[/.\-\s]", "", value)
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise _qr_error(lazy_gettext("{what} must be day, month, year (ddmmyyyy)", what=what))
    try:
        return date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        raise _qr_error(lazy_gettext("{what} is not a real date ({value})", what=what, value=value)) from None


def _looks_like_id_qr(fields: list[str]) -> bool:
    if len(fields) >= 7:
        return True
    first = "".join(fields[0].split())
    return len(fields) > 1 and first.isdigit() and 9 <= len(first) <= 12


def parse_id_card_qr(text: str, *, today: date | None = None) -> IdCard | None:
    """Parse ``number|old id|name|ddmmyyyy|gender|address|ddmmyyyy issued``.

    Returns None for a text that is not an ID card QR (a URL, one of our tokens, anything
    without the pipe-separated layout). Raises ValidationError(field="id_qr", or "cccd")
    for one that looks like an ID card QR but is malformed. Trailing extra fields, which
    some newer cards add, are ignored.
    """
    if not isinstance(text, str):
        return None
    text = nfc(text).strip().lstrip("\ufeff").strip()
    if "|" not in text or "://" in text.split("|", 1)[0]:
        return None
    fields = [f.strip() for f in text.split("|")]
    if not _looks_like_id_qr(fields):
        return None
    if len(fields) < 7:
        raise _qr_error(lazy_gettext("7 fields are needed, there are only {count}", count=len(fields)))
    raw_cccd, raw_old, raw_name, raw_birth, raw_gender, raw_address, raw_issued = fields[:7]
    today = today or _office_today()

    cccd = validate_cccd(raw_cccd, today=today)

    old_id = "".join(raw_old.split()) or None
    if old_id is not None and not re.fullmatch(r"[0-9]{9}|[0-9]{12}", old_id):
        raise _qr_error(lazy_gettext("the old ID number must have 9 (or 12) digits"))

    full_name = clean_name(raw_name)
    if not full_name:
        raise _qr_error(lazy_gettext("the full name is missing"))

    birth_date = _qr_date(raw_birth, lazy_gettext("date of birth on the ID card"))
    issued_on = _qr_date(raw_issued, lazy_gettext("date of issue on the ID card"))
    if birth_date > today:
        raise _qr_error(lazy_gettext("the date of birth is after today"))
    if issued_on > today or issued_on < birth_date:
        raise _qr_error(lazy_gettext("the date of issue makes no sense"))

    g = fold(raw_gender)
    if g in ("nam", "male", "m"):
        gender = "Nam"
    elif g in ("nu", "female", "f"):
        gender = "Nữ"
    else:
        raise _qr_error(lazy_gettext("unknown gender ({gender})", gender=raw_gender))

    # The number encodes birth century, year and gender: a mismatch means a bad read or a
    # forged code, never a real card.
    code_gender, code_year = cccd_birth_info(cccd, today=today)
    if code_year != birth_date.year:
        raise _qr_error(lazy_gettext("the birth year {year} does not match the CCCD number ({code_year})",
                                     year=birth_date.year, code_year=code_year))
    if _GENDER_VI[code_gender] != gender:
        raise _qr_error(lazy_gettext("the gender does not match the CCCD number"))

    return IdCard(
        cccd=cccd,
        old_id=old_id,
        full_name=full_name,
        birth_date=birth_date,
        gender=gender,
        address=collapse_spaces(raw_address),
        issued_on=issued_on,
    )


__all__ = [
    "CCCD_PROVINCES",
    "FEMALE",
    "IdCard",
    "MALE",
    "cccd_birth_info",
    "cccd_province",
    "mask_cccd",
    "mask_phone",
    "normalize_phone",
    "parse_id_card_qr",
    "validate_cccd",
]
