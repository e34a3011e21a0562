"""Citizens for the big database: plausible Vietnamese names, valid and unique CCCD numbers.

The names, streets, phone prefixes and birth provinces are the demo data's
(``local_db/demo/people.py``); this generator adds what a million-row history needs on
top of ``make_person``: numbers that never repeat, citizens without a CCCD or a phone, and
two middle names now and then.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from local_db.demo.people import (
    FAMILY,
    GIVEN_F,
    GIVEN_M,
    MIDDLE_F,
    MIDDLE_M,
    MOBILE_PREFIXES,
    PROVINCE_CODES,
    STREETS,
)

MIDDLE_NAMES = {"male": MIDDLE_M, "female": MIDDLE_F}
GIVEN_NAMES = {"male": GIVEN_M, "female": GIVEN_F}


@dataclass
class Person:
    full_name: str
    gender: str  # male / female
    birth: date
    cccd: str | None
    phone: str | None
    address: str


class People:
    """Makes citizens with plausible Vietnamese names and valid, unique CCCD numbers."""

    def __init__(self, rng: random.Random, newest_birth_year: int) -> None:
        self.rng = rng
        self.newest_birth_year = newest_birth_year
        self._cccds: set[str] = set()
        self._phones: set[str] = set()

    def person(self) -> Person:
        rng = self.rng
        gender = "male" if rng.random() < 0.48 else "female"
        words = [rng.choice(FAMILY), rng.choice(MIDDLE_NAMES[gender])]
        if rng.random() < 0.15:  # two middle names: "Nguyễn Thị Thu Hà" (never "Thị Thị")
            second = rng.choice(MIDDLE_NAMES[gender])
            while second == words[-1]:
                second = rng.choice(MIDDLE_NAMES[gender])
            words.append(second)
        given = rng.choice(GIVEN_NAMES[gender])
        while given == words[-1]:
            given = rng.choice(GIVEN_NAMES[gender])
        words.append(given)
        year = rng.randint(1940, self.newest_birth_year)
        birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
        cccd = self.cccd(gender, year) if rng.random() < 0.97 else None
        phone = self.phone() if rng.random() < 0.9 else None
        address = (f"Số {rng.randint(1, 180)}"
                   + (f" ngõ {rng.randint(1, 120)}" if rng.random() < 0.6 else "")
                   + f" phố {rng.choice(STREETS)}, Phường Ba Đình, Hà Nội")
        return Person(" ".join(words), gender, birth, cccd, phone, address)

    def cccd(self, gender: str, year: int) -> str:
        rng = self.rng
        while True:
            province = rng.choice(PROVINCE_CODES)
            century = (year - 1900) // 100
            digit4 = 2 * century + (0 if gender == "male" else 1)
            number = f"{province}{digit4}{year % 100:02d}{rng.randrange(1_000_000):06d}"
            if number not in self._cccds:
                self._cccds.add(number)
                return number

    def phone(self) -> str:
        rng = self.rng
        while True:
            number = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"
            if number not in self._phones:
                self._phones.add(number)
                return number
