"""QR tokens (docs/ARCHITECTURE.md §6): compact signed text, offline verification with typed results."""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.keys import generate_keypair
from core.tokens import (
    AppointmentToken,
    KeyRing,
    ReceiptToken,
    Result,
    Signer,
    TicketToken,
    extract_token,
    key_id_of,
    receipt_url,
    verify,
)

# Fixed keys so a failing Hypothesis example replays identically (Ed25519 is deterministic).
DEVICE = Signer(bytes(range(32)))  # a kiosk of office 00004
OTHER_DEVICE = Signer(bytes(range(1, 33)))  # a second device of the same office
CENTRE = Signer(bytes([7] * 32))  # the central server (online bookings)
FORGER = Signer(bytes([9] * 32))  # someone else's key, not in the ring
RING = KeyRing.from_public_keys([DEVICE.public_key, OTHER_DEVICE.public_key, CENTRE.public_key])
OFFICE = "00004"

# 2026-11-20 09:00 in the office (UTC+7).
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 20)

TICKET = TicketToken(
    entity_id=uuid.UUID("0193a0b1-2c3d-7e4f-8a5b-6c7d8e9fa0b1"),
    office_code=OFFICE,
    issued_at=NOW,
    day=TODAY,
    ticket_code="A015",
)
APPOINTMENT = AppointmentToken(
    entity_id=uuid.UUID("0193a0b1-2c3d-7e4f-8a5b-6c7d8e9fa0b2"),
    office_code=OFFICE,
    issued_at=NOW - timedelta(days=2),
    service_code="HT",
    window_start=datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc),  # 10:00 office time
    window_end=datetime(2026, 11, 20, 3, 15, tzinfo=timezone.utc),
    masked_name="N. V. Hoà",
)
RECEIPT = ReceiptToken(
    entity_id=uuid.UUID("0193a0b1-2c3d-7e4f-8a5b-6c7d8e9fa0b3"),
    office_code=OFFICE,
    issued_at=NOW,
    dossier_code="000.00.04.H12-261120-0001",
)
TOKENS = [TICKET, APPOINTMENT, RECEIPT]
SIGNED = {type(t): DEVICE.sign(t) for t in TOKENS}
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
QR_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]+")


def check(text: str, **kw) -> Result:
    return verify(text, RING, office_code=kw.pop("office_code", OFFICE), now=kw.pop("now", NOW), **kw).result


def _raw(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8))


def _text(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


# --- format ---------------------------------------------------------------------------------


@pytest.mark.parametrize("token", TOKENS, ids=lambda t: type(t).__name__)
def test_round_trip_each_kind(token):
    text = DEVICE.sign(token)
    v = verify(text, RING, office_code=OFFICE, now=NOW)
    assert v.result is Result.VALID and v.ok
    assert v.token == token
    assert v.key_id == DEVICE.key_id


def test_text_is_uppercase_base32_and_short():
    # Lengths of version 1 (reported to the lead): ticket 172, appointment 196, receipt 202;
    # an appointment with the longest masked name (60 bytes) 276; the receipt URL 229.
    lengths = {kind.__name__: len(text) for kind, text in SIGNED.items()}
    assert lengths == {"TicketToken": 172, "AppointmentToken": 196, "ReceiptToken": 202}
    for text in SIGNED.values():
        assert re.fullmatch(r"[A-Z2-7]+", text)
    longest = replace(APPOINTMENT, masked_name="Ữ" * 20)  # 3 UTF-8 bytes each: exactly 60
    assert len(DEVICE.sign(longest)) == 276
    assert len(receipt_url("tracuu.motcua.vn", SIGNED[ReceiptToken])) == 229


def test_issued_at_is_kept_to_the_second_and_datetimes_come_back_in_utc():
    token = replace(RECEIPT, issued_at=datetime(2026, 11, 20, 9, 0, 1, 999_999, tzinfo=timezone(timedelta(hours=7))))
    decoded = verify(DEVICE.sign(token), RING, office_code=OFFICE, now=NOW).token
    assert decoded.issued_at == datetime(2026, 11, 20, 2, 0, 1, tzinfo=timezone.utc)
    assert decoded.issued_at.tzinfo is timezone.utc


def test_signing_is_deterministic_and_names_the_signer():
    assert DEVICE.sign(TICKET) == DEVICE.sign(TICKET)
    assert _raw(DEVICE.sign(TICKET))[2:10] == DEVICE.key_id == key_id_of(DEVICE.public_key)
    assert DEVICE.key_id != CENTRE.key_id
    assert bytes(range(32)).hex() not in repr(DEVICE)


@pytest.mark.parametrize(
    "bad",
    [
        replace(TICKET, issued_at=datetime(2026, 11, 20, 9, 0)),  # naive
        replace(TICKET, issued_at=datetime(2019, 12, 31, tzinfo=timezone.utc)),  # before the epoch
        replace(TICKET, ticket_code=""),
        replace(TICKET, ticket_code="A 15"),
        replace(TICKET, office_code="Phường 1"),
        replace(TICKET, office_code="X" * 17),
        replace(TICKET, day=date(2019, 12, 31)),
        replace(APPOINTMENT, window_end=APPOINTMENT.window_start - timedelta(minutes=15)),
        replace(APPOINTMENT, window_start=APPOINTMENT.window_start + timedelta(seconds=30)),
        replace(APPOINTMENT, masked_name="Ữ" * 21),  # 63 bytes
        replace(RECEIPT, dossier_code="X" * 41),
    ],
)
def test_sign_refuses_what_it_cannot_encode(bad):
    with pytest.raises(ValidationError):
        DEVICE.sign(bad)


def test_sign_refuses_a_non_token_and_keys_must_be_32_bytes():
    with pytest.raises(ValidationError):
        DEVICE.sign("A015")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Signer(b"short")
    with pytest.raises(ValidationError):
        KeyRing.from_public_keys([b"x" * 31])


def test_keys_from_core_keys_work():
    private, public = generate_keypair()
    signer = Signer(private)
    assert signer.public_key == public
    ring = KeyRing.from_public_keys([public])
    assert verify(signer.sign(RECEIPT), ring, office_code=OFFICE, now=NOW).result is Result.VALID


# --- QR text --------------------------------------------------------------------------------


def test_receipt_url_is_uppercase_alphanumeric_mode():
    url = receipt_url("tracuu.motcua.vn", SIGNED[ReceiptToken].lower())
    assert url == f"HTTPS://TRACUU.MOTCUA.VN/T/{SIGNED[ReceiptToken]}"
    assert QR_ALPHANUMERIC.fullmatch(url)
    assert receipt_url("localhost:8443", "ABC") == "HTTPS://LOCALHOST:8443/T/ABC"


@pytest.mark.parametrize("host", ["", "https://x.vn", "x.vn/path", "trà.vn", "x.vn:port"])
def test_receipt_url_refuses_a_bad_host(host):
    with pytest.raises(ValidationError):
        receipt_url(host, "ABC")


def test_receipt_url_refuses_a_non_base32_token():
    with pytest.raises(ValidationError):
        receipt_url("x.vn", "ABC1")


def test_extract_token_reads_a_bare_token_or_the_url_in_any_case():
    token = SIGNED[ReceiptToken]
    url = receipt_url("tracuu.motcua.vn", token)
    assert extract_token(token) == token
    assert extract_token(token.lower() + "\r\n") == token  # keyboard-wedge scanner, lowercased
    assert extract_token(url) == token
    assert extract_token(url.lower()) == token  # a phone lowercased the URL
    assert extract_token(url + "/") == token
    assert verify(url.lower(), RING, office_code=OFFICE, now=NOW).result is Result.VALID


@pytest.mark.parametrize(
    "scanned",
    [
        "001090012345|123456789|Nguyễn Văn Hoà|01021990|Nam|Phường 1, Quận 3|15082021",  # CCCD QR
        "001090012345",
        "https://example.com/",
        "HTTPS://EXAMPLE.COM/X/ABCDEF",
        "HTTP://TRACUU.MOTCUA.VN/T/ABCDEF",
        "HTTPS://TRACUU.MOTCUA.VN/T/ABC1",
        "",
        "   ",
        "ABC=",
        "ſ" * 8,  # "ſ".upper() == "S": non-ASCII must not sneak in through upper()
    ],
)
def test_extract_token_ignores_anything_else(scanned):
    assert extract_token(scanned) is None
    assert check(scanned) is Result.NOT_OURS


# --- every result, on purpose ----------------------------------------------------------------


def test_valid_for_any_key_in_the_ring():
    assert check(OTHER_DEVICE.sign(TICKET)) is Result.VALID
    assert check(CENTRE.sign(APPOINTMENT)) is Result.VALID  # an online booking


def test_not_ours():
    assert check("HELLO") is Result.NOT_OURS
    assert check(_text(b"\x02" + _raw(SIGNED[TicketToken])[1:])) is Result.NOT_OURS  # version 2
    assert check(_text(b"\x01\x09" + _raw(SIGNED[TicketToken])[2:])) is Result.NOT_OURS  # kind 9
    assert check(_text(_raw(SIGNED[TicketToken]) + b"\x00")) is Result.NOT_OURS  # trailing byte
    assert check(_text(_raw(SIGNED[TicketToken])[:-1])) is Result.NOT_OURS  # truncated
    assert check(123) is Result.NOT_OURS  # type: ignore[arg-type]


def test_a_non_canonical_base32_spelling_is_not_ours():
    text = SIGNED[TicketToken]  # 107 bytes = 856 bits: the last character carries 4 unused bits
    assert len(_raw(text)) * 8 % 5
    sloppy = text[:-1] + B32[B32.index(text[-1]) | 1]
    assert sloppy != text and _raw(sloppy) == _raw(text)
    assert check(sloppy) is Result.NOT_OURS


def test_wrong_kind_is_not_ours_and_says_what_was_scanned():
    v = verify(SIGNED[ReceiptToken], RING, office_code=OFFICE, now=NOW, expect_kind=AppointmentToken)
    assert v.result is Result.NOT_OURS and v.token is None
    assert "giấy biên nhận" in v.message_vi and "receipt" in v.message_en
    assert check(SIGNED[AppointmentToken], expect_kind=AppointmentToken) is Result.VALID


def test_a_forger_signing_with_his_own_key_is_unknown_key():
    forged = replace(TICKET, ticket_code="A001")
    assert check(FORGER.sign(forged)) is Result.UNKNOWN_KEY


def test_a_known_key_id_over_someone_elses_signature_is_tampered():
    raw = bytearray(_raw(FORGER.sign(TICKET)))
    raw[2:10] = DEVICE.key_id
    assert check(_text(bytes(raw))) is Result.TAMPERED


def test_altered_content_with_the_old_signature_is_tampered():
    raw = _raw(SIGNED[TicketToken])
    swapped = raw.replace(b"A015", b"A001")  # jump the queue
    assert swapped != raw
    assert check(_text(swapped)) is Result.TAMPERED


def test_another_offices_token_is_wrong_office_even_when_also_expired():
    foreign = DEVICE.sign(replace(TICKET, office_code="00007"))
    v = verify(foreign, RING, office_code=OFFICE, now=NOW)
    assert v.result is Result.WRONG_OFFICE
    assert v.token.office_code == "00007"  # proven, so it can be shown
    assert check(foreign, now=NOW + timedelta(days=3)) is Result.WRONG_OFFICE  # office before expiry


def test_ticket_is_valid_on_its_office_local_day_only():
    text = SIGNED[TicketToken]
    last_second = datetime(2026, 11, 20, 16, 59, 59, tzinfo=timezone.utc)  # 23:59:59 office time
    first_second = datetime(2026, 11, 19, 17, 0, tzinfo=timezone.utc)  # 00:00 office time
    assert check(text, now=last_second) is Result.VALID
    assert check(text, now=first_second) is Result.VALID
    assert check(text, now=last_second + timedelta(seconds=1)) is Result.EXPIRED
    assert check(text, now=first_second - timedelta(seconds=1)) is Result.EXPIRED  # a device with a wrong clock
    v = verify(text, RING, office_code=OFFICE, now=NOW + timedelta(days=1))
    assert v.message_vi == "Số thứ tự này đã hết hạn (chỉ dùng trong ngày in). Vui lòng lấy số mới."


def test_appointment_is_valid_until_its_window_ends():
    text = SIGNED[AppointmentToken]
    assert check(text, now=APPOINTMENT.window_start - timedelta(hours=1)) is Result.VALID  # early is the kiosk's call
    assert check(text, now=APPOINTMENT.window_end - timedelta(seconds=1)) is Result.VALID
    assert check(text, now=APPOINTMENT.window_end) is Result.EXPIRED


def test_receipt_never_expires():
    assert check(SIGNED[ReceiptToken], now=datetime(2150, 1, 1, tzinfo=timezone.utc)) is Result.VALID


def test_already_used_is_asked_only_for_a_proven_token():
    asked = []

    def used(entity_id):
        asked.append(entity_id)
        return True

    assert check(SIGNED[TicketToken], used=used) is Result.ALREADY_USED
    assert asked == [TICKET.entity_id]
    check(FORGER.sign(TICKET), used=used)
    check(SIGNED[TicketToken], now=NOW + timedelta(days=1), used=used)
    assert asked == [TICKET.entity_id]  # neither the forged nor the expired one reached it
    assert check(SIGNED[TicketToken], used=lambda _: False) is Result.VALID


def test_every_result_has_plain_distinct_messages():
    cases = {
        Result.VALID: verify(SIGNED[AppointmentToken], RING, office_code=OFFICE, now=NOW),
        Result.TAMPERED: verify(_text(_raw(SIGNED[TicketToken]).replace(b"A015", b"A001")), RING, office_code=OFFICE, now=NOW),
        Result.UNKNOWN_KEY: verify(FORGER.sign(TICKET), RING, office_code=OFFICE, now=NOW),
        Result.WRONG_OFFICE: verify(SIGNED[TicketToken], RING, office_code="00007", now=NOW),
        Result.EXPIRED: verify(SIGNED[AppointmentToken], RING, office_code=OFFICE, now=NOW + timedelta(hours=2)),
        Result.ALREADY_USED: verify(SIGNED[AppointmentToken], RING, office_code=OFFICE, now=NOW, used=lambda _: True),
        Result.NOT_OURS: verify("001090012345|x", RING, office_code=OFFICE, now=NOW),
    }
    assert set(cases) == set(Result)
    for result, v in cases.items():
        assert v.result is result
        assert v.message_vi and v.message_en
        shown = v.message_vi + v.message_en
        assert "_" not in shown and result.name not in shown  # no internal codes shown to citizens
        assert (v.token is not None) == (result in {Result.VALID, Result.WRONG_OFFICE, Result.EXPIRED, Result.ALREADY_USED})
    assert len({v.message_vi for v in cases.values()}) == len(cases)
    assert len({v.message_en for v in cases.values()}) == len(cases)
    assert cases[Result.VALID].message_vi == "Lịch hẹn lúc 10:00 ngày 20/11/2026 hợp lệ."
    assert cases[Result.ALREADY_USED].message_en == "This appointment has already been checked in."


def test_naive_now_is_a_caller_bug():
    with pytest.raises(ValidationError):
        verify(SIGNED[TicketToken], RING, office_code=OFFICE, now=datetime(2026, 11, 20, 9, 0))


# --- tampering and garbage, many times over ----------------------------------------------------


@pytest.mark.parametrize("kind", [TicketToken, AppointmentToken, ReceiptToken], ids=lambda k: k.__name__)
def test_every_single_character_change_is_rejected(kind):
    text = SIGNED[kind]
    signature_bit = 8 * (len(_raw(text)) - 64)  # characters cover 5 bits each
    for i, old in enumerate(text):
        for new in B32[(B32.index(old) + 1) % 32], B32[(B32.index(old) + 17) % 32]:
            altered = text[:i] + new + text[i + 1 :]
            result = check(altered)
            assert result is not Result.VALID, (i, new)
            if i >= 16:  # past version, kind and key id (bits 0-79): a signed field or the signature
                assert result in {Result.TAMPERED, Result.NOT_OURS}, (i, new, result)
            if 5 * i >= signature_bit and i < len(text) - 1:  # inside the signature, fields intact
                assert result is Result.TAMPERED, (i, new, result)


@st.composite
def mutations(draw):
    kind = draw(st.sampled_from([TicketToken, AppointmentToken, ReceiptToken]))
    text = SIGNED[kind]
    op = draw(st.sampled_from(["replace", "delete", "insert", "truncate", "swap"]))
    i = draw(st.integers(0, len(text) - 1))
    c = draw(st.sampled_from(B32))
    if op == "replace":
        return text, text[:i] + c + text[i + 1 :]
    if op == "delete":
        return text, text[:i] + text[i + 1 :]
    if op == "insert":
        return text, text[:i] + c + text[i:]
    if op == "truncate":
        return text, text[:i]
    j = draw(st.integers(0, len(text) - 1))
    chars = list(text)
    chars[i], chars[j] = chars[j], chars[i]
    return text, "".join(chars)


@given(mutations(), st.booleans())
def test_a_mutated_token_is_never_valid_and_never_crashes(case, as_url):
    original, mutated = case
    scanned = receipt_url("tracuu.motcua.vn", mutated) if as_url and mutated else mutated
    result = check(scanned)
    if mutated == original:
        assert result is Result.VALID
    else:
        assert result in {Result.NOT_OURS, Result.TAMPERED, Result.UNKNOWN_KEY}


@given(st.binary(max_size=400))
def test_random_bytes_are_not_ours(data):
    assert check(_text(data)) in {Result.NOT_OURS, Result.UNKNOWN_KEY}


@given(st.sampled_from([1, 2, 3]), st.sampled_from([DEVICE, CENTRE]), st.binary(max_size=300))
def test_random_bytes_behind_a_good_header_are_never_valid(kind, signer, rest):
    result = check(_text(bytes([1, kind]) + signer.key_id + rest))
    assert result in {Result.NOT_OURS, Result.TAMPERED}


@given(st.text(max_size=300))
def test_random_text_is_never_valid_and_never_crashes(text):
    assert check(text) in {Result.NOT_OURS, Result.TAMPERED, Result.UNKNOWN_KEY}


# --- any token that can be signed comes back as it was ----------------------------------------

_ascii_code = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=16)
_moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2150, 1, 1), timezones=st.just(timezone.utc)
).map(lambda d: d.replace(microsecond=0))
_minutes = _moments.map(lambda d: d.replace(second=0))
_names = st.text(max_size=20).filter(lambda s: len(s.encode()) <= 60)


@st.composite
def any_token(draw):
    common = {
        "entity_id": draw(st.uuids()),
        "office_code": draw(_ascii_code),
        "issued_at": draw(_moments),
    }
    kind = draw(st.sampled_from([TicketToken, AppointmentToken, ReceiptToken]))
    if kind is TicketToken:
        day = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2150, 1, 1)))
        return TicketToken(**common, day=day, ticket_code=draw(_ascii_code))
    if kind is AppointmentToken:
        start = draw(_minutes)
        end = start + timedelta(minutes=draw(st.integers(0, 600)))
        return AppointmentToken(
            **common, service_code=draw(_ascii_code), window_start=start, window_end=end, masked_name=draw(_names)
        )
    return ReceiptToken(**common, dossier_code=draw(_ascii_code))


@given(any_token(), st.sampled_from([DEVICE, OTHER_DEVICE, CENTRE]))
def test_any_token_round_trips(token, signer):
    if isinstance(token, TicketToken):
        now = datetime.combine(token.day, datetime.min.time(), tzinfo=timezone(timedelta(hours=7))) + timedelta(hours=12)
    elif isinstance(token, AppointmentToken):
        now = token.window_end - timedelta(seconds=1)
    else:
        now = NOW
    text = signer.sign(token)
    assert re.fullmatch(r"[A-Z2-7]+", text)
    v = verify(text, RING, office_code=token.office_code, now=now)
    assert v.result is Result.VALID, v
    assert v.token == token
