"""Believable, valid, made-up citizens for demo and benchmark data (deterministic per RNG)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

# Family names with rough shares of the population (percent), expanded into a list to draw from.
_FAMILY_SHARES = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 4.0), ("Huỳnh", 1.5),
    ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4),
    ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.8), ("Trịnh", 0.6),
    ("Đào", 0.6), ("Mai", 0.5), ("Lương", 0.4), ("Cao", 0.4), ("Tạ", 0.3), ("Lâm", 0.3),
    ("Hà", 0.4), ("Kiều", 0.2), ("Chu", 0.3), ("Tô", 0.2), ("Quách", 0.1), ("Thái", 0.2),
    ("Triệu", 0.2), ("La", 0.1), ("Khổng", 0.05), ("Lã", 0.05), ("Mạc", 0.05), ("Nghiêm", 0.1),
    ("Khúc", 0.05), ("Âu", 0.05), ("Doãn", 0.05),
]
FAMILY = [name for name, share in _FAMILY_SHARES for _ in range(max(1, round(share * 20)))]
MIDDLE_M = ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Ngọc",
            "Anh", "Gia", "Trung", "Tuấn", "Bá", "Đình", "Mạnh", "Hoàng", "Duy", "Tiến", "Quốc"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Bích", "Kim", "Phương", "Mai",
            "Khánh", "Diệu", "Hồng", "Thùy", "Thuỳ", "Hoài", "Bảo", "Quỳnh", "Thảo", "Hải"]
# Both spellings of Hoà/Hòa and Thuỷ/Thủy occur in real registers: search must fold them alike.
GIVEN_M = ["Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
           "Khang", "Khánh", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang",
           "Sơn", "Tài", "Thắng", "Thành", "Tiến", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
           "Hoà", "Hòa", "Lâm", "Kiên", "Lộc", "Bảo", "Duy", "Hưng", "Thịnh", "Khôi", "Nhật",
           "Đông", "Giang", "Hậu", "Lợi", "Thuận", "Vũ", "Trọng"]
GIVEN_F = ["Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương", "Huyền", "Lan",
           "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương",
           "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Thuỷ", "Trang", "Trinh", "Uyên", "Vân",
           "Yến", "Giang", "Hồng", "Liên", "Nhi", "Vy", "Thư", "Hoà", "Hòa", "Diệp", "Nguyệt",
           "Xuân", "Ánh", "Huệ", "Lụa", "Thoa", "Tuyết"]
STREETS = ["Đội Cấn", "Kim Mã", "Liễu Giai", "Đào Tấn", "Nguyễn Thái Học", "Hoàng Hoa Thám",
           "Văn Cao", "Ngọc Hà", "Phan Đình Phùng", "Quán Thánh", "Giảng Võ", "Cống Vị",
           "Vĩnh Phúc", "Đốc Ngữ", "Linh Lang", "Nguyễn Chí Thanh", "Trần Huy Liệu", "Thành Công"]
MOBILE_PREFIXES = ["032", "033", "034", "035", "036", "037", "038", "039", "056", "058", "070",
                   "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "088",
                   "089", "090", "091", "093", "094", "096", "097", "098", "099"]
# Province of birth registration (CCCD digits 1-3): mostly Hà Nội for a Hà Nội ward.
PROVINCE_CODES = ["001"] * 12 + ["031", "038", "048", "079", "036", "040", "042", "034", "037", "035", "030",
                                 "033", "022", "026", "027", "019", "024", "025"]


@dataclass(frozen=True)
class DemoPerson:
    full_name: str
    gender: str  # "male" / "female"
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
    return DemoPerson(full_name=f"{family} {middle} {given}", gender="female" if female else "male",
                      birth_date=birth, cccd=cccd, phone=phone, address=address)
