"""core/masking.py: what leaves the office for the helpdesk carries no citizen's data,
and keeps what the helpdesk needs (codes, times, ids)."""

from __future__ import annotations

from core.masking import mask_personal


def test_cccd_phone_names_and_id_card_qr_are_masked() -> None:
    line = "applicant Nguyễn Văn Hoà, CCCD 001203004567, old id 123456789, phone 0912 345 678 or +84912345678"
    assert mask_personal(line) == "applicant [name], CCCD [cccd], old id [cccd], phone [phone] or [phone]"
    qr = "read 001203004567|123456789|Trần Thị Bích Ngọc|01021990|Nữ|12 Phố Huế, Hà Nội|15062021 at the desk"
    assert mask_personal(qr) == "read [id-card-qr] at the desk"
    assert mask_personal('{"full_name": "Đỗ Minh", "phone": "0987654321", "address": "12 Phố Huế"}') == \
        '{"full_name": "[name]", "phone": "[masked]", "address": "[masked]"}'
    assert mask_personal("citizen_name=Lê Thị Mai; dob: 01/02/1990") == "citizen_name=[name]; dob: [masked]"


def test_what_the_helpdesk_needs_stays() -> None:
    line = ("2026-12-07 09:14:02,311 ERROR [K7RM3X] counter device=pc-quay-1 office=00004 v0.1.0 motcua.incident: "
            "dossier 000.00.04.H26-261207-0001 ticket A015 job 3f2a1b2c-1234-4567-89ab-123456789012 took 1234567 ms")
    assert mask_personal(line) == line
