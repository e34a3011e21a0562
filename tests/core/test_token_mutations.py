"""Scanned tokens that are not what they claim, many times over: each is refused for the right
reason, with a message in every language, and nothing raises.

tests/core/test_tokens.py checks the format, one example of each result and two
alterations per character of fixed tokens; here every alteration of every character is
tried, and the properties hold for *any* token Hypothesis makes (any office, ids, codes,
names, windows), through the receipt URL too.

Which result an altered character gives depends on the bits it carries (5 a character):
bits 0-15 are the version and kind (NOT_OURS, or TAMPERED when the new kind happens to
parse), bits 16-79 the signer's key id (UNKNOWN_KEY: no key of the ring has that id),
everything after is signed content or the signature itself (TAMPERED, or NOT_OURS when
the change breaks the layout or the base32 spelling).
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.i18n import LANGUAGES
from core.tokens import (
    AppointmentToken,
    KeyRing,
    ReceiptToken,
    Result,
    Signer,
    TicketToken,
    Verification,
    receipt_url,
    verify,
)
from core.working_calendar import OFFICE_TZ

DEVICE = Signer(bytes(range(32)))
OTHER_OFFICE_DEVICE = Signer(bytes(range(2, 34)))  # a device of office 00007, in a shared ring
CENTRE = Signer(bytes([7] * 32))
FORGER = Signer(bytes([9] * 32))
RING = KeyRing.from_public_keys([DEVICE.public_key, OTHER_OFFICE_DEVICE.public_key, CENTRE.public_key])
OFFICE, OTHER_OFFICE = "00004", "00007"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # 09:00 in the office
TODAY = date(2026, 11, 20)

TICKET = TicketToken(uuid.UUID(int=11), OFFICE, NOW, TODAY, "A015")
APPOINTMENT = AppointmentToken(uuid.UUID(int=12), OFFICE, NOW - timedelta(days=1), "HT",
                               datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc),
                               datetime(2026, 11, 20, 3, 15, tzinfo=timezone.utc), "Đ. T. Thuỷ")
RECEIPT = ReceiptToken(uuid.UUID(int=13), OFFICE, NOW, "000.00.04.H26-261120-0001")
KINDS = [TICKET, APPOINTMENT, RECEIPT]
PROVEN = {Result.VALID, Result.WRONG_OFFICE, Result.EXPIRED, Result.ALREADY_USED}


def check(text: object, now: datetime = NOW) -> Verification:
    v = verify(text, RING, office_code=OFFICE, now=now)  # type: ignore[arg-type]
    for lang in LANGUAGES:  # every result speaks every language, in plain words
        assert v.messages[lang].strip(), (v.result, lang)
    assert v.message_vi != v.message_en
    assert (v.token is not None) == (v.result in PROVEN)
    return v


def allowed_for_change_at(i: int) -> set[Result]:
    """What altering character ``i`` may give (see the module docstring)."""
    first, last = 5 * i, 5 * i + 4
    allowed: set[Result] = set()
    if first < 16:
        allowed |= {Result.NOT_OURS, Result.TAMPERED}
    if last >= 16 and first < 80:
        allowed |= {Result.UNKNOWN_KEY, Result.NOT_OURS}
    if last >= 80:
        allowed |= {Result.TAMPERED, Result.NOT_OURS}
    return allowed


# --- every single-character alteration ------------------------------------------------------------


@pytest.mark.parametrize("token", KINDS, ids=lambda t: type(t).__name__)
def test_every_alteration_of_every_character_is_refused_for_its_reason(token):
    text = DEVICE.sign(token)
    assert check(text).result is Result.VALID
    seen: set[Result] = set()
    for i, old in enumerate(text):
        for new in B32:
            if new == old:
                continue
            result = check(text[:i] + new + text[i + 1 :]).result
            assert result in allowed_for_change_at(i), (i, old, new, result)
            seen.add(result)
    assert {Result.NOT_OURS, Result.UNKNOWN_KEY, Result.TAMPERED} <= seen


# --- any token ---------------------------------------------------------------------------------

_ascii = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=16)


@st.composite
def tokens(draw, offices=None):
    """Any token of the office (or of one of ``offices``), valid at NOW."""
    office = draw(offices) if offices is not None else OFFICE
    common = {"entity_id": draw(st.uuids()), "office_code": office,
              "issued_at": NOW - timedelta(seconds=draw(st.integers(0, 86_400 * 30)))}
    kind = draw(st.sampled_from([TicketToken, AppointmentToken, ReceiptToken]))
    if kind is TicketToken:
        return TicketToken(**common, day=TODAY, ticket_code=draw(_ascii))
    if kind is AppointmentToken:
        start = datetime(2026, 11, 20, tzinfo=timezone.utc) + timedelta(minutes=15 * draw(st.integers(-8, 60)))
        end = max(start, NOW) + timedelta(minutes=draw(st.integers(1, 240)))
        name = draw(st.text(max_size=20).filter(lambda s: len(s.encode()) <= 60))
        return AppointmentToken(**common, service_code=draw(_ascii), window_start=start, window_end=end,
                                masked_name=name)
    code = draw(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40))
    return ReceiptToken(**common, dossier_code=code)


@settings(max_examples=200, deadline=None)
@given(tokens(), st.data(), st.sampled_from([DEVICE, CENTRE]), st.booleans())
def test_an_altered_character_of_any_token_is_never_valid(token, data, signer, as_url):
    text = signer.sign(token)
    assert check(text).result is Result.VALID
    i = data.draw(st.integers(0, len(text) - 1), label="position")
    new = data.draw(st.sampled_from(B32.replace(text[i], "")), label="new character")
    altered = text[:i] + new + text[i + 1 :]
    scanned = receipt_url("tracuu.motcua.vn", altered) if as_url else altered
    v = check(scanned)
    assert v.result in allowed_for_change_at(i), (i, new, v.result)
    assert v.token is None  # nothing unproven is shown


@settings(max_examples=100, deadline=None)
@given(tokens(), st.data())
def test_a_character_outside_base32_is_not_ours(token, data):
    text = DEVICE.sign(token)
    i = data.draw(st.integers(0, len(text) - 1))
    new = data.draw(st.sampled_from("0189=|- :/.\u00a0ſ\u0130\x00"))
    assert check(text[:i] + new + text[i + 1 :]).result is Result.NOT_OURS


@settings(max_examples=100, deadline=None)
@given(tokens())
def test_any_token_re_signed_with_a_key_outside_the_ring_is_unknown_key(token):
    v = check(FORGER.sign(token))
    assert v.result is Result.UNKNOWN_KEY and v.token is None and v.key_id is None


@settings(max_examples=100, deadline=None)
@given(tokens(offices=st.sampled_from([OTHER_OFFICE, "79", "00004X", "0004"])),
       st.sampled_from([DEVICE, OTHER_OFFICE_DEVICE, CENTRE]), st.booleans())
def test_any_token_of_another_office_signed_by_a_known_key_is_wrong_office(token, signer, late):
    now = NOW + timedelta(days=400) if late else NOW  # the office is checked before the date
    v = check(signer.sign(token), now=now)
    assert v.result is Result.WRONG_OFFICE
    assert v.token == token and v.key_id == signer.key_id


@settings(max_examples=100, deadline=None)
@given(tokens(), st.integers(1, 86_400 * 365))
def test_any_ticket_or_appointment_after_its_time_is_expired_and_a_receipt_never(token, seconds_late):
    text = CENTRE.sign(token)
    if isinstance(token, TicketToken):
        end_of_day = datetime.combine(TODAY + timedelta(days=1), datetime.min.time(), tzinfo=OFFICE_TZ)
        later = end_of_day + timedelta(seconds=seconds_late - 1)
    elif isinstance(token, AppointmentToken):
        later = token.window_end + timedelta(seconds=seconds_late - 1)
    else:
        later = NOW + timedelta(seconds=seconds_late)
    v = check(text, now=later)
    assert v.result is (Result.VALID if isinstance(token, ReceiptToken) else Result.EXPIRED)
    assert v.token == token


# --- garbage -----------------------------------------------------------------------------------


def _has_our_header(text: str) -> bool:
    data = base64.b32decode(text + "=" * (-len(text) % 8)) if text else b""
    return len(data) >= 2 and data[0] == 1 and data[1] in (1, 2, 3)


@settings(max_examples=200, deadline=None)
@given(st.text(B32, max_size=300))
def test_random_base32_is_not_ours(text):
    assume(len(text) % 8 not in (1, 3, 6))  # lengths no byte string encodes to: base32 itself refuses them
    v = check(text)
    if _has_our_header(text):  # 3 in 65,536: then the unknown key id may be named first
        assert v.result in {Result.NOT_OURS, Result.UNKNOWN_KEY, Result.TAMPERED}
    else:
        assert v.result is Result.NOT_OURS


@settings(max_examples=100, deadline=None)
@given(st.text(B32, max_size=300).filter(lambda t: len(t) % 8 in (1, 3, 6)))
def test_base32_of_an_impossible_length_is_not_ours(text):
    assert check(text).result is Result.NOT_OURS


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_without_our_header_are_not_ours(data):
    assume(data[:1] != b"\x01" or data[1:2] not in (b"\x01", b"\x02", b"\x03"))
    text = base64.b32encode(data).decode().rstrip("=")
    assert check(text).result is Result.NOT_OURS
    assert check(data.decode("latin-1")).result is Result.NOT_OURS  # the raw bytes as text


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.binary(max_size=50), st.lists(st.text(max_size=5), max_size=3)))
def test_what_is_not_even_text_is_not_ours(value):
    assert check(value).result is Result.NOT_OURS


def test_a_token_signed_for_one_kind_never_passes_as_another():
    for token in KINDS:
        text = DEVICE.sign(token)
        for other in {TicketToken, AppointmentToken, ReceiptToken} - {type(token)}:
            v = verify(text, RING, office_code=OFFICE, now=NOW, expect_kind=other)
            assert v.result is Result.NOT_OURS and v.token is None
            assert v.message_vi and v.message_en


def test_a_valid_token_stays_valid_after_the_round_trip_through_every_form():
    for token in KINDS:
        text = DEVICE.sign(token)
        for form in (text, text.lower(), f"  {text}\r\n", receipt_url("x.vn", text), receipt_url("x.vn", text).lower()):
            assert check(form).result is Result.VALID
        assert replace(token) == check(text).token
