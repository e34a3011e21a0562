"""A citizen's data is validated, stored once, and found again."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.errors import ValidationError
from local_db.database import Database
from local_db.models import Citizen, CitizenNameToken
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput, upsert_citizen

TODAY = date(2026, 11, 23)
CCCD = "001089012345"  # Hà Nội, male born 1989


def test_returning_citizen_is_one_row_with_the_latest_details(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        first = upsert_citizen(s, office.office_code, CitizenInput(
            full_name="  Nguyễn   Văn Hoà ", cccd=CCCD, phone="+84 912 345 678", gender="Nam"), today=TODAY)
        assert (first.full_name, first.phone, first.gender) == ("Nguyễn Văn Hoà", "0912345678", "male")
    with db.write() as s:
        again = upsert_citizen(s, office.office_code, CitizenInput(
            full_name="Nguyễn Văn Hòa Bình", cccd=CCCD, address="Số 5 Kim Mã"), today=TODAY)
        assert again.id == first.id
        assert (again.phone, again.address) == ("0912345678", "Số 5 Kim Mã")  # kept, and added
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Citizen)) == 1
        tokens = set(s.scalars(select(CitizenNameToken.token).where(CitizenNameToken.citizen_id == first.id)))
        assert tokens == {"nguyen", "van", "hoa", "binh"}  # the new name is searchable, the old words gone


@pytest.mark.parametrize("data, field", [
    (CitizenInput(full_name="   "), "full_name"),
    (CitizenInput(full_name="Lê Thị Thu", cccd="00108901234"), "cccd"),
    (CitizenInput(full_name="Lê Thị Thu", phone="0241234567"), "phone"),
    (CitizenInput(full_name="Lê Thị Thu", gender="X"), "gender"),
])
def test_bad_input_is_refused_and_nothing_is_written(db: Database, office: OfficeRefs, data: CitizenInput,
                                                      field: str) -> None:
    with pytest.raises(ValidationError) as err:
        with db.write() as s:
            upsert_citizen(s, office.office_code, data, today=TODAY)
    assert err.value.field == field
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Citizen)) == 0
