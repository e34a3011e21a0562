"""Finding dossiers and appointments by code, CCCD, phone or a folded, partial name."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from local_db.database import Database
from local_db.models import Appointment, Slot
from local_db.office_setup import OfficeRefs
from local_db.ops import search
from local_db.ops.citizens import CitizenInput, upsert_citizen
from local_db.ops.dossiers import DocumentLine, receive_dossier
from local_db.ops.search import classify, search_appointments, search_dossiers

UTC = timezone.utc
MON_0900 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội
PROCEDURE = "1.004873"  # marital status confirmation
DOCS = [DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
        DocumentLine("Giấy tờ tùy thân", certified=1)]

PEOPLE = {
    "hoa": CitizenInput("Nguyễn Văn Hoà", cccd="001090012345", phone="0912345678"),
    "hoang": CitizenInput("Nguyễn Văn Hoàng", cccd="001085054321", phone="0987000111"),
    "tran_hoa": CitizenInput("Trần Văn Hoà", cccd="001070011111", phone="0903111222"),
    "thuy_y": CitizenInput("Phạm Thị Thuỷ", cccd="001195067890", phone="0987654321"),
    "thuy_u": CitizenInput("Lê Thị Thủy", cccd="001188022222", phone="0356789012"),
    "thu_ha": CitizenInput("Nguyễn Thị Thu Hà", cccd="001192033333", phone="0779123456"),
    "dang": CitizenInput("Đặng Đình Đức", cccd="001075044444", phone="0868123456"),
}


@pytest.fixture
def dossiers(db: Database, office: OfficeRefs) -> dict[str, list[str]]:
    """Two dossiers for Hoà (Monday, then Wednesday), one for everybody else, in between."""
    codes: dict[str, list[str]] = {key: [] for key in PEOPLE}
    order = ["hoa", "hoang", "tran_hoa", "thuy_y", "thuy_u", "thu_ha", "dang", "hoa"]
    for i, key in enumerate(order):
        now = MON_0900 + timedelta(minutes=10 * i) + (timedelta(days=2) if i == len(order) - 1 else timedelta())
        with db.write() as s:
            info = receive_dossier(s, office.actor("canbo1"), procedure_code=PROCEDURE, applicant=PEOPLE[key],
                                   documents=DOCS, now=now)
        codes[key].append(info.code)
    return codes


def find(db: Database, query: str, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return [d.code for d in search_dossiers(s, "00004", query, now=MON_0900, **kwargs)]


def test_folded_names_find_every_spelling(db: Database, dossiers: dict[str, list[str]]) -> None:
    hoa_newest_first = dossiers["hoa"][::-1]
    # "hoa" is a prefix of "hoang": Nguyễn Văn Hoàng matches too, after Hoà's newer dossier.
    assert find(db, "nguyen van hoa") == [hoa_newest_first[0], *dossiers["hoang"], hoa_newest_first[1]]
    assert find(db, "Nguyễn Văn Hoà")[0] == hoa_newest_first[0]
    assert find(db, "NGUYEN VAN HOÀ") == find(db, "nguyen van hoa")
    assert set(find(db, "thuy")) == {*dossiers["thuy_y"], *dossiers["thuy_u"]}  # Thuỷ and Thủy
    assert set(find(db, "Thủy")) == set(find(db, "thuỷ")) == set(find(db, "thuy"))
    assert set(find(db, "dang duc")) == set(dossiers["dang"])  # đ folds to d
    assert set(find(db, "Đặng Đức")) == set(dossiers["dang"])


def test_partial_names(db: Database, dossiers: dict[str, list[str]]) -> None:
    assert set(find(db, "van hoa")) == {*dossiers["hoa"], *dossiers["hoang"], *dossiers["tran_hoa"]}
    assert set(find(db, "hoa van")) == set(find(db, "van hoa"))  # word order does not matter
    assert set(find(db, "nguyen thi thu")) == set(dossiers["thu_ha"])
    assert set(find(db, "ng th h")) == set(dossiers["thu_ha"])
    assert set(find(db, "tran hoa")) == set(dossiers["tran_hoa"])
    assert find(db, "nguyen van hoang") == dossiers["hoang"]
    assert find(db, "nguyen xuan") == []
    assert find(db, "hoaa") == []


def test_newest_first_and_limit(db: Database, dossiers: dict[str, list[str]]) -> None:
    everybody = find(db, "thi")
    assert everybody == [*dossiers["thu_ha"], *dossiers["thuy_u"], *dossiers["thuy_y"]]
    assert find(db, "thi", limit=2) == everybody[:2]
    assert find(db, "thi", limit=0) == []


def test_phone_cccd_and_code(db: Database, dossiers: dict[str, list[str]]) -> None:
    hoa = dossiers["hoa"][::-1]
    assert find(db, "0912345678") == hoa
    assert find(db, "+84 912 345 678") == hoa
    assert find(db, "84912345678") == hoa
    assert find(db, "0912.345.678") == hoa
    assert find(db, "001090012345") == hoa
    assert find(db, "0011 9506 7890") == dossiers["thuy_y"]
    assert find(db, "0999999999") == []
    assert find(db, "001090099999") == []

    code = dossiers["thuy_u"][0]
    assert find(db, code) == [code]
    assert find(db, code.lower()) == [code]
    monday = [c for c in find(db, "000.00.04.H26-261123")]
    assert sorted(monday) == sorted(c for cs in dossiers.values() for c in cs if "-261123-" in c)
    assert len(monday) == 7
    assert find(db, "000.00.04.H26-261125") == [dossiers["hoa"][1]]
    assert find(db, "000.00.04.H26-261123-000") == sorted(monday, reverse=True)  # partial sequence
    assert find(db, "000.00.04.H26-261124") == []


def test_summaries_carry_what_a_list_shows(db: Database, dossiers: dict[str, list[str]]) -> None:
    with db.read() as s:
        (hit,) = search_dossiers(s, "00004", "Phạm Thị Thuỷ", now=MON_0900)
    assert hit.applicant_name == "Phạm Thị Thuỷ"
    assert hit.applicant_name_masked == "P. T. Thuỷ"
    assert hit.applicant_phone == "0987654321" and hit.applicant_cccd == "001195067890"
    assert hit.procedure_code == PROCEDURE and hit.status == "received"
    assert hit.fee_vnd == 3000 and not hit.overdue
    with db.read() as s:
        (late,) = search_dossiers(s, "00004", "Phạm Thị Thuỷ", now=MON_0900 + timedelta(days=10))
    assert late.overdue


def test_both_name_plans_agree(db: Database, dossiers: dict[str, list[str]],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Common words walk the newest dossiers window by window; rare ones start from citizens."""
    queries = ["nguyen van hoa", "thuy", "van hoa", "nguyen thi thu", "thi", "dang duc", "nguyen xuan", "n"]
    expected = {q: find(db, q) for q in queries}  # every word is rare in a small office
    # Short prefixes that start too many words are checked on the citizen's folded name.
    for expand_cap in (64, 0):
        monkeypatch.setattr(search, "EXPAND_CAP", expand_cap)
        monkeypatch.setattr(search, "SELECTIVE", 5000)
        assert {q: find(db, q) for q in queries} == expected
        monkeypatch.setattr(search, "SELECTIVE", 0)  # now every word counts as common
        for window in (1, 2, 3, 100):
            monkeypatch.setattr(search, "SCAN_WINDOW", window)
            for q in queries:
                assert find(db, q) == expected[q], (expand_cap, window, q)
                assert find(db, q, limit=2) == expected[q][:2], (expand_cap, window, q)


def test_query_kinds() -> None:
    assert classify("000.00.04.H26-261123-0001").kind == "dossier_code"
    assert classify(" 000.00.04.h26-261123 ").kind == "dossier_code"
    assert classify("LH-X7K2 MP").value == "LHX7K2MP"
    assert classify("001090012345").kind == "cccd"
    assert classify("+84 912 345 678").value == "0912345678"
    assert classify("0912-345678").kind == "phone"  # not a dossier code: a unit id has a letter
    q = classify("  Nguyễn   Văn Hoà ")
    assert (q.kind, q.tokens) == ("name", ("nguyen", "van", "hoa"))
    assert classify("12345").kind == "empty"
    assert classify("  ").kind == "empty"


def test_appointments_by_code_phone_cccd_and_name(db: Database, office: OfficeRefs,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with db.write() as s:
        citizens = {key: upsert_citizen(s, "00004", PEOPLE[key]) for key in ("hoa", "thuy_y", "thuy_u")}
        slots = []
        for day, start in ((date(2026, 11, 25), time(8, 0)), (date(2026, 11, 26), time(9, 0))):
            slot = Slot(office_code="00004", service_id=office.services["HT"], day=day, start_time=start,
                        end_time=(datetime.combine(day, start) + timedelta(minutes=30)).time(),
                        office_quota=5, online_quota=5)
            s.add(slot)
            slots.append(slot)
        s.flush()
        rows = [("LHAAAAAA", "hoa", 0), ("LHBBBBBB", "hoa", 1), ("LHCCCCCC", "thuy_y", 0), ("LHDDDDDD", "thuy_u", 1)]
        for code, key, slot_index in rows:
            s.add(Appointment(office_code="00004", code=code, slot_id=slots[slot_index].id,
                              procedure_id=office.procedures[PROCEDURE], citizen_id=citizens[key].id,
                              source="kiosk", status="booked", booked_at=MON_0900))

    def codes(query: str) -> list[str]:
        with db.read() as s:
            return [a.code for a in search_appointments(s, "00004", query)]

    assert codes("lh-bbb bbb") == ["LHBBBBBB"]
    assert codes("LHC") == ["LHCCCCCC"]  # a prefix of a code
    assert codes("+84 912 345 678") == ["LHBBBBBB", "LHAAAAAA"]  # latest slot first
    assert codes("001195067890") == ["LHCCCCCC"]
    assert codes("thuy") == ["LHDDDDDD", "LHCCCCCC"]
    assert codes("nguyen van hoa") == ["LHBBBBBB", "LHAAAAAA"]
    assert codes("van hoa") == ["LHBBBBBB", "LHAAAAAA"]
    assert codes("nobody") == [] and codes("LHZZZZZZ") == []
    with db.read() as s:
        hit = search_appointments(s, "00004", "LHAAAAAA")[0]
    assert (hit.day, hit.start_time, hit.status) == (date(2026, 11, 25), time(8, 0), "booked")
    assert hit.citizen_name == "Nguyễn Văn Hoà" and hit.citizen_name_masked == "N. V. Hoà"
    assert hit.service_code == "HT" and hit.procedure_code == PROCEDURE
    monkeypatch.setattr(search, "SELECTIVE", 0)  # the appointment-side walk for common words
    assert codes("thuy") == ["LHDDDDDD", "LHCCCCCC"]
    assert codes("van hoa") == ["LHBBBBBB", "LHAAAAAA"]
