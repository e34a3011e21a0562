"""Believable, valid, made-up citizens for demo and benchmark data (deterministic per RNG)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

FAMILY = ["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 9 + ["Phạm"] * 7 + ["Hoàng"] * 5 + ["Huỳnh"] * 4 + \
    ["Phan"] * 4 + ["Vũ"] * 4 + ["Võ"] * 3 + ["Đặng"] * 2 + ["Bùi"] * 2 + ["Đỗ"] * 2 + ["Hồ", "Ngô", "Dương", "Lý",
                                                                                            "Đinh", "Trịnh", "Đoàn", "Lương"]
MIDDLE_M = ["Văn", "Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Thành", "Công", "Xuân", "Đình", "Quang"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Kim", "Bích", "Hồng", "Mai", "Phương"]
GIVEN_M = ["Hoà", "Hùng", "Dũng", "Nam", "Tuấn", "Long", "Phúc", "Khoa", "Bình", "Cường", "Hiếu", "Sơn",
           "Thắng", "Trung", "Vinh", "Quý", "Tùng", "Đạt", "Huy", "Khánh", "Lâm", "Nghĩa", "Toàn", "Việt"]
GIVEN_F = ["Thuỷ", "Lan", "Hương", "Hạnh", "Ngân", "Trang", "Linh", "Yến", "Hà", "Phương", "Thảo", "Vy",
           "Nhung", "Oanh", "Quyên", "Tâm", "Uyên", "Xuân", "Huyền", "Loan", "Mỹ", "Nga", "Diệp", "Tiên"]
STREETS = ["Đội Cấn", "Liễu Giai", "Kim Mã", "Ngọc Hà", "Quán Thánh", "Phan Đình Phùng", "Hoàng Hoa Thám",
           "Văn Cao", "Đào Tấn", "Nguyễn Thái Học", "Giảng Võ", "Cống Vị", "Vĩnh Phúc", "Thụy Khuê"]
MOBILE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "035", "038", "070",
                   "077", "081", "083", "085", "056", "058", "099"]
PROVINCE_CODES = ["001"] * 8 + ["031", "038", "048", "079", "036", "040", "042", "034"]


@dataclass(frozen=True)
class DemoPerson:
    full_name: str
    gender: str  # "Nam" / "Nữ"
    birth_date: date
    cccd: str
    phone: str
    address: str


def make_person(rng: random.Random, *, today: date) -> DemoPerson:
    female = rng.random() < 0.52
    family = rng.choice(FAMILY)
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    if rng.random() < 0.25:  # many people carry a second given name: Thu Hà, Minh Khoa
        given = f"{rng.choice(GIVEN_F if female else GIVEN_M)} {given}"
    birth = today - timedelta(days=rng.randint(18 * 365, 85 * 365))
    century_digit = (0 if birth.year < 2000 else 2) + (1 if female else 0)
    cccd = f"{rng.choice(PROVINCE_CODES)}{century_digit}{birth.year % 100:02d}{rng.randint(0, 999_999):06d}"
    phone = f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 9_999_999):07d}"
    address = f"Số {rng.randint(1, 199)} phố {rng.choice(STREETS)}, Phường Ba Đình, Hà Nội"
    return DemoPerson(full_name=f"{family} {middle} {given}", gender="Nữ" if female else "Nam",
                      birth_date=birth, cccd=cccd, phone=phone, address=address)
