"""Routing a scan: our tokens by kind, the receipt URL, the ID card (CCCD) QR, anything else."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.citizen import CCCD_PROVINCES
from core.i18n import language
from core.scanned import ScanKind, classify, token_kind
from core.tokens import AppointmentToken, ReceiptToken, Signer, TicketToken, receipt_url

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
DEVICE = Signer(bytes(range(32)))
CENTRE = Signer(bytes([7] * 32))

TICKET = TicketToken(uuid.UUID(int=1), "00004", NOW, TODAY, "A015")
APPOINTMENT = AppointmentToken(uuid.UUID(int=2), "00004", NOW, "HT", NOW + timedelta(hours=1),
                               NOW + timedelta(hours=1, minutes=15), "N. V. Hoà")
RECEIPT = ReceiptToken(uuid.UUID(int=3), "00004", NOW, "000.00.04.H26-261120-0001")
KIND_OF = {TicketToken: ScanKind.TICKET, AppointmentToken: ScanKind.APPOINTMENT, ReceiptToken: ScanKind.RECEIPT}
ID_QR = "001090012345|123456789|Nguyễn Văn Hoà|01021990|Nam|Số 1 Đội Cấn, Phường Ba Đình, Hà Nội|15082021"


@pytest.mark.parametrize("token", [TICKET, APPOINTMENT, RECEIPT], ids=lambda t: type(t).__name__)
def test_each_token_kind_is_recognised_by_its_header(token):
    text = DEVICE.sign(token)
    scanned = classify(text)
    assert scanned.kind is KIND_OF[type(token)]
    assert scanned.is_token and scanned.token_text == text and not scanned.from_url
    assert scanned.token_class is type(token)
    assert scanned.id_card is None and scanned.message() is None
    assert token_kind(text) is KIND_OF[type(token)]


def test_the_receipt_url_is_a_receipt_whatever_a_phone_or_scanner_did_to_it():
    text = DEVICE.sign(RECEIPT)
    url = receipt_url("tracuu.motcua.vn", text)
    for scanned_text in (url, url.lower(), url + "/", url + "\r\n"):
        scanned = classify(scanned_text)
        assert scanned.kind is ScanKind.RECEIPT and scanned.token_text == text and scanned.from_url
    assert not classify(text.lower() + "\r\n").from_url  # a bare token, lowercased by a scanner


def test_the_id_card_qr_is_parsed_and_never_a_token():
    scanned = classify(ID_QR, today=TODAY)
    assert scanned.kind is ScanKind.ID_CARD
    assert not scanned.is_token and scanned.token_class is None
    card = scanned.id_card
    assert (card.cccd, card.old_id, card.full_name, card.birth_date, card.gender, card.issued_on) == (
        "001090012345", "123456789", "Nguyễn Văn Hoà", date(1990, 2, 1), "Nam", date(2021, 8, 15))
    assert card.address == "Số 1 Đội Cấn, Phường Ba Đình, Hà Nội"
    assert scanned.message() is None


@pytest.mark.parametrize(
    "text",
    [
        "001090012345|123456789|Nguyễn Văn Hoà|31021990|Nam|Hà Nội|15082021",  # 31 February
        "001090012345|123456789|Nguyễn Văn Hoà|01021991|Nam|Hà Nội|15082021",  # year not the CCCD's
        "001090012345||Nguyễn Văn Hoà|01021990|Nữ|Hà Nội|15082021",  # gender not the CCCD's
        "001090012345|123456789|Nguyễn Văn Hoà",  # cut short (a partial read)
    ],
)
def test_a_damaged_id_card_qr_is_a_bad_id_card_with_a_reason(text):
    scanned = classify(text, today=TODAY)
    assert scanned.kind is ScanKind.BAD_ID_CARD
    assert scanned.error and "căn cước" in scanned.error
    assert not scanned.is_token
    with language("vi"):
        assert "thẻ căn cước" in scanned.message()
    with language("en"):
        assert "ID card" in scanned.message()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "HELLO",  # base32 letters without our header
        "234567234567",  # base32 digits
        "001090012345",  # a bare CCCD number
        "https://example.com/T/ABC",
        "HTTPS://TRACUU.MOTCUA.VN/X/ABCDEF",
        "WIFI:S:office;T:WPA;P:secret;;",
        "a|b|c",
        "HTTPS://TRACUU.MOTCUA.VN/T/" + "A" * 40,  # our URL, but no token inside
    ],
)
def test_anything_else_is_unknown(text):
    scanned = classify(text)
    assert scanned.kind is ScanKind.UNKNOWN and not scanned.is_token and scanned.id_card is None
    with language("vi"):
        assert scanned.message().startswith("Mã này không dùng được tại đây.")
    with language("en"):
        assert scanned.message().startswith("This code cannot be used here.")


def test_a_non_string_is_unknown():
    assert classify(None).kind is ScanKind.UNKNOWN  # type: ignore[arg-type]
    assert token_kind(None) is None  # type: ignore[arg-type]


def test_token_kind_agrees_with_the_token_layout_for_every_signer():
    for signer in (DEVICE, CENTRE):
        for token in (TICKET, APPOINTMENT, RECEIPT):
            assert token_kind(signer.sign(token)) is KIND_OF[type(token)]
    assert token_kind("AE") is None  # too short to hold a header and a signature


# --- the two families can never be confused -----------------------------------------------------

_tokens = st.one_of(
    st.builds(lambda u, c: replace(TICKET, entity_id=u, ticket_code=c), st.uuids(),
              st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=16)),
    st.builds(lambda u, n: replace(APPOINTMENT, entity_id=u, masked_name=n), st.uuids(),
              st.text(max_size=20).filter(lambda s: len(s.encode()) <= 60)),
    st.builds(lambda u, c: replace(RECEIPT, entity_id=u, dossier_code=c), st.uuids(),
              st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40)),
)


@settings(max_examples=100, deadline=None)
@given(_tokens, st.sampled_from([DEVICE, CENTRE]), st.sampled_from(["bare", "url", "lower", "crlf"]))
def test_any_token_is_a_token_of_its_kind_never_an_id_card(token, signer, form):
    text = signer.sign(token)
    scanned_text = {
        "bare": text,
        "url": receipt_url("tracuu.motcua.vn", text),
        "lower": text.lower(),
        "crlf": text + "\r\n",
    }[form]
    scanned = classify(scanned_text, today=TODAY)
    assert scanned.kind is KIND_OF[type(token)]
    assert scanned.token_text == text and scanned.id_card is None


@st.composite
def id_card_qr(draw):
    birth = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)))
    male = draw(st.booleans())
    century = (birth.year - 1900) // 100  # 0: 1900s, 1: 2000s
    number = (draw(st.sampled_from(sorted(CCCD_PROVINCES))) + str(2 * century + (0 if male else 1))
              + f"{birth.year % 100:02d}" + draw(st.text("0123456789", min_size=6, max_size=6)))
    old_id = draw(st.sampled_from(["", "123456789", "012345678901"]))
    name = draw(st.sampled_from(["Nguyễn Văn Hoà", "Trần Thị Thu Hà", "Lê Quốc Minh", "Phạm Thị Thuỷ"]))
    issued = draw(st.dates(min_value=max(birth, date(2016, 1, 1)), max_value=TODAY))
    address = draw(st.sampled_from(["Hà Nội", "Số 5, ngõ 12 phố Đội Cấn, Phường Ba Đình, Hà Nội", "Ấp 3, xã Tân Phú"]))
    fields = [number, old_id, name, f"{birth:%d%m%Y}", "Nam" if male else "Nữ", address, f"{issued:%d%m%Y}"]
    fields += draw(st.lists(st.sampled_from(["", "Nguyễn Văn A", "01012030"]), max_size=2))  # newer cards add fields
    return "|".join(fields), number


@settings(max_examples=100, deadline=None)
@given(id_card_qr(), st.sampled_from(["", "\r\n", "\ufeff"]))
def test_any_id_card_qr_is_an_id_card_never_a_token(case, decoration):
    text, number = case
    scanned_text = decoration + text if decoration == "\ufeff" else text + decoration
    scanned = classify(scanned_text, today=TODAY)
    assert scanned.kind is ScanKind.ID_CARD, scanned.error
    assert scanned.id_card.cccd == number
    assert not scanned.is_token and scanned.token_text is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_random_text_is_classified_without_raising(text):
    scanned = classify(text, today=TODAY)
    assert isinstance(scanned.kind, ScanKind)
    assert scanned.is_token == (scanned.kind in {ScanKind.TICKET, ScanKind.APPOINTMENT, ScanKind.RECEIPT})
    assert (scanned.id_card is not None) == (scanned.kind is ScanKind.ID_CARD)
