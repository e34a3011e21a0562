"""Signed QR tokens: queue tickets, appointments and dossier receipts (docs/ARCHITECTURE.md §6).

A token is a short binary record, signed with the Ed25519 key of whoever issued it (the
office device that printed it, or the central server for an online booking), written as
RFC 4648 base32 without padding. Base32 text is only ``A-Z`` and ``2-7``, so the QR code
can use alphanumeric mode (denser than byte mode), and a receipt QR can be the URL
``HTTPS://HOST/T/<TOKEN>`` which a phone camera opens and a kiosk scanner reads alike.

Binary layout (version 1, big-endian, ``str`` = one length byte then the bytes)::

    version     u8      1
    kind        u8      1 ticket, 2 appointment, 3 receipt
    key id      8 B     first 8 bytes of SHA-256 of the signer's raw 32-byte public key
    office      str     ASCII office code, 1-16 characters
    issued at   u32     whole SECONDS since 2020-01-01 00:00 UTC (fractions are dropped)
    -- ticket:       entity id (16 B UUID), day u16 (office-local day, days since
                     2020-01-01), ticket code str (ASCII, 1-16)
    -- appointment:  entity id (16 B UUID), service code str (ASCII, 1-16), window start
                     u32 and end u32 (whole MINUTES since 2020-01-01 UTC), masked name
                     str (UTF-8, at most 60 bytes)
    -- receipt:      entity id (16 B UUID), dossier code str (ASCII, 1-40)
    signature   64 B    Ed25519 over every byte before it

Validity: a ticket on its office-local day (:data:`OFFICE_TZ`) only, an appointment until
its window ends, a receipt forever. :func:`verify` checks, in this order, parse -> key ->
signature -> office -> expiry -> already used, and answers with a :class:`Verification`
carrying a plain-words message in every language (core.i18n). It never raises for any scanned
text: anything it cannot read is "not ours".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from core.errors import ValidationError
from core.i18n import LANGUAGES, _, current_language, language, lazy_gettext
from core.working_calendar import OFFICE_TZ

VERSION = 1
EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)
EPOCH_DAY = date(2020, 1, 1)
KEY_ID_SIZE = 8
SIGNATURE_SIZE = 64
MAX_OFFICE_CODE = 16
MAX_TICKET_CODE = 16
MAX_SERVICE_CODE = 16
MAX_MASKED_NAME_BYTES = 60
MAX_DOSSIER_CODE = 40

_U32_MAX = 2**32 - 1
_U16_MAX = 2**16 - 1
# Windows are kept within the range of issued-at (year 2156) so every decoded moment can
# still be converted to office time without overflowing datetime.
_MAX_MINUTES = _U32_MAX // 60
_BASE32_TEXT = re.compile(r"[A-Z2-7]+")
# Host: letters, digits, dots and hyphens, optional port — all QR alphanumeric-mode characters.
_HOST = re.compile(r"[A-Z0-9](?:[A-Z0-9.-]*[A-Z0-9])?(?::[0-9]{1,5})?")
_RECEIPT_URL = re.compile(r"HTTPS://(?:[A-Z0-9](?:[A-Z0-9.-]*[A-Z0-9])?(?::[0-9]{1,5})?)/T/([A-Z2-7]+)/?")


# --- the decoded tokens -------------------------------------------------------------------


@dataclass(frozen=True)
class TicketToken:
    """A printed queue number; valid on ``day`` (office-local) only."""

    entity_id: uuid.UUID
    office_code: str
    issued_at: datetime
    day: date
    ticket_code: str


@dataclass(frozen=True)
class AppointmentToken:
    """A booked slot; carries enough for a kiosk to check in a booking it has not pulled yet."""

    entity_id: uuid.UUID
    office_code: str
    issued_at: datetime
    service_code: str
    window_start: datetime
    window_end: datetime
    masked_name: str


@dataclass(frozen=True)
class ReceiptToken:
    """A dossier receipt (giấy biên nhận); never expires."""

    entity_id: uuid.UUID
    office_code: str
    issued_at: datetime
    dossier_code: str


Token = TicketToken | AppointmentToken | ReceiptToken

#: The kind byte of each token class in the binary layout (public: scanners read it unverified).
KIND_CODES: dict[type, int] = {TicketToken: 1, AppointmentToken: 2, ReceiptToken: 3}
CLASS_OF_CODE: dict[int, type] = {v: k for k, v in KIND_CODES.items()}
# (Vietnamese noun, English noun) a citizen would use for each kind.
# --- keys ----------------------------------------------------------------------------------


def key_id_of(public_key: bytes) -> bytes:
    """The 8-byte id a token names its signer by: SHA-256 of the raw public key, truncated."""
    return hashlib.sha256(public_key).digest()[:KEY_ID_SIZE]


@dataclass(frozen=True)
class KeyRing:
    """The public keys an office trusts: its own devices' and the central server's."""

    keys: dict[bytes, bytes]

    @classmethod
    def from_public_keys(cls, public_keys: Iterable[bytes]) -> KeyRing:
        keys: dict[bytes, bytes] = {}
        for public in public_keys:
            public = bytes(public)
            if len(public) != 32:
                raise ValidationError(lazy_gettext("An Ed25519 public key must be 32 bytes long."), field="public_key",
                                      code="bad_key")
            Ed25519PublicKey.from_public_bytes(public)  # refuse a key that cannot be loaded now, not at a scan
            keys[key_id_of(public)] = public
        return cls(keys=keys)


class Signer:
    """Signs tokens with one device's (or the centre's) raw 32-byte Ed25519 private key."""

    def __init__(self, private_key: bytes) -> None:
        if len(private_key) != 32:
            raise ValidationError(lazy_gettext("An Ed25519 private key must be 32 bytes long."), field="private_key",
                                  code="bad_key")
        self._key = Ed25519PrivateKey.from_private_bytes(bytes(private_key))
        self.public_key: bytes = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id: bytes = key_id_of(self.public_key)

    def __repr__(self) -> str:  # never show the private key
        return f"Signer(key_id={self.key_id.hex()})"

    def sign(self, token: Token) -> str:
        """The token's QR text (uppercase base32, no padding). Refuses fields it cannot encode."""
        body = _encode_body(token, self.key_id)
        return _b32encode(body + self._key.sign(body))


# --- encoding ------------------------------------------------------------------------------


def _b32encode(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _aware(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(lazy_gettext("{field} must be a moment with a time zone.", field=field), field=field,
                              code="naive_datetime")
    return value


def _seconds(value: datetime, field: str) -> int:
    seconds = int((_aware(value, field) - EPOCH) // timedelta(seconds=1))
    if not 0 <= seconds <= _U32_MAX:
        raise ValidationError(lazy_gettext("{field} is outside the range a code can hold.", field=field), field=field,
                              code="out_of_range")
    return seconds


def _minutes(value: datetime, field: str) -> int:
    delta = _aware(value, field) - EPOCH
    minutes, rest = divmod(delta, timedelta(minutes=1))
    if rest:
        raise ValidationError(lazy_gettext("{field} must be a whole minute.", field=field), field=field,
                              code="not_whole_minute")
    if not 0 <= minutes <= _MAX_MINUTES:
        raise ValidationError(lazy_gettext("{field} is outside the range a code can hold.", field=field), field=field,
                              code="out_of_range")
    return int(minutes)


def _ascii_field(value: str, limit: int, field: str) -> bytes:
    if not isinstance(value, str) or not value or len(value) > limit or not all("!" <= c <= "~" for c in value):
        raise ValidationError(
            lazy_gettext("{field} must be 1 to {limit} ASCII characters, without spaces.", field=field, limit=limit),
            field=field, code="bad_field"
        )
    raw = value.encode("ascii")
    return bytes([len(raw)]) + raw


def _utf8_field(value: str, limit: int, field: str) -> bytes:
    raw = value.encode("utf-8") if isinstance(value, str) else b""
    if not isinstance(value, str) or len(raw) > limit:
        raise ValidationError(lazy_gettext("{field} is longer than {limit} bytes.", field=field, limit=limit), field=field,
                              code="bad_field")
    return bytes([len(raw)]) + raw


def _encode_body(token: Token, key_id: bytes) -> bytes:
    kind = KIND_CODES.get(type(token))
    if kind is None:
        raise ValidationError(lazy_gettext("Unknown kind of code."), field="token", code="bad_kind")
    parts = [
        struct.pack(">BB", VERSION, kind),
        key_id,
        _ascii_field(token.office_code, MAX_OFFICE_CODE, "office_code"),
        struct.pack(">I", _seconds(token.issued_at, "issued_at")),
        token.entity_id.bytes,
    ]
    if isinstance(token, TicketToken):
        days = (token.day - EPOCH_DAY).days
        if not 0 <= days <= _U16_MAX:
            raise ValidationError(lazy_gettext("{field} is outside the range a code can hold.", field="day"), field="day",
                                  code="out_of_range")
        parts += [struct.pack(">H", days), _ascii_field(token.ticket_code, MAX_TICKET_CODE, "ticket_code")]
    elif isinstance(token, AppointmentToken):
        start = _minutes(token.window_start, "window_start")
        end = _minutes(token.window_end, "window_end")
        if end < start:
            raise ValidationError(lazy_gettext("The end time is before the start time."), field="window_end",
                                  code="bad_window")
        parts += [
            _ascii_field(token.service_code, MAX_SERVICE_CODE, "service_code"),
            struct.pack(">II", start, end),
            _utf8_field(token.masked_name, MAX_MASKED_NAME_BYTES, "masked_name"),
        ]
    else:
        parts.append(_ascii_field(token.dossier_code, MAX_DOSSIER_CODE, "dossier_code"))
    return b"".join(parts)


# --- decoding ------------------------------------------------------------------------------


class _NotOurs(Exception):
    """The text is not a token this module wrote (bad base32, layout, version or field)."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise _NotOurs("truncated")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return struct.unpack(">H", self.take(2))[0]

    def u32(self) -> int:
        return struct.unpack(">I", self.take(4))[0]

    def ascii(self, limit: int) -> str:
        n = self.u8()
        raw = self.take(n)
        if not 1 <= n <= limit or not all(0x21 <= b <= 0x7E for b in raw):
            raise _NotOurs("bad ascii field")
        return raw.decode("ascii")

    def utf8(self, limit: int) -> str:
        n = self.u8()
        if n > limit:
            raise _NotOurs("field too long")
        try:
            return self.take(n).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _NotOurs("bad utf-8") from exc


@dataclass(frozen=True)
class _Parsed:
    token: Token
    key_id: bytes
    body: bytes
    signature: bytes


def _b32decode(text: str) -> bytes:
    if not _BASE32_TEXT.fullmatch(text):
        raise _NotOurs("not base32")
    try:
        data = base64.b32decode(text + "=" * (-len(text) % 8))
    except binascii.Error as exc:
        raise _NotOurs("not base32") from exc
    # Refuse a non-canonical spelling (stray bits in the last character): one token, one text.
    if _b32encode(data) != text:
        raise _NotOurs("non-canonical base32")
    return data


def _parse(text: str) -> _Parsed:
    data = _b32decode(text)
    r = _Reader(data)
    version, kind = r.u8(), r.u8()
    if version != VERSION or kind not in CLASS_OF_CODE:
        raise _NotOurs("unknown version or kind")
    key_id = r.take(KEY_ID_SIZE)
    office = r.ascii(MAX_OFFICE_CODE)
    issued_at = EPOCH + timedelta(seconds=r.u32())
    entity_id = uuid.UUID(bytes=r.take(16))
    cls = CLASS_OF_CODE[kind]
    token: Token
    if cls is TicketToken:
        day = EPOCH_DAY + timedelta(days=r.u16())
        token = TicketToken(entity_id, office, issued_at, day, r.ascii(MAX_TICKET_CODE))
    elif cls is AppointmentToken:
        service = r.ascii(MAX_SERVICE_CODE)
        start, end = r.u32(), r.u32()
        if not start <= end <= _MAX_MINUTES:
            raise _NotOurs("bad window")
        name = r.utf8(MAX_MASKED_NAME_BYTES)
        token = AppointmentToken(
            entity_id,
            office,
            issued_at,
            service,
            EPOCH + timedelta(minutes=start),
            EPOCH + timedelta(minutes=end),
            name,
        )
    else:
        token = ReceiptToken(entity_id, office, issued_at, r.ascii(MAX_DOSSIER_CODE))
    body = data[: r.pos]
    signature = r.take(SIGNATURE_SIZE)
    if r.pos != len(data):
        raise _NotOurs("trailing bytes")
    return _Parsed(token, key_id, body, signature)


# --- QR text -------------------------------------------------------------------------------


def receipt_url(host: str, token_text: str) -> str:
    """``HTTPS://HOST/T/<TOKEN>``, all uppercase so the QR stays in alphanumeric mode."""
    host_up, token_up = host.upper(), token_text.upper()
    if not host.isascii() or not _HOST.fullmatch(host_up):
        raise ValidationError(lazy_gettext("Invalid server name (letters, digits, '.', '-' and a port only)."), field="host",
                              code="bad_host")
    if not token_text.isascii() or not _BASE32_TEXT.fullmatch(token_up):
        raise ValidationError(lazy_gettext("The code is not base32."), field="token_text", code="bad_token")
    return f"HTTPS://{host_up}/T/{token_up}"


def extract_token(scanned: str) -> str | None:
    """The token text in a scan (a bare token or a receipt URL, any case), else None.

    Scanners often add a trailing CR/LF and phones may lowercase a URL; both are accepted.
    Anything else (a CCCD QR ``number|old id|name|...``, another site's URL) gives None.
    """
    if not isinstance(scanned, str):
        return None
    text = scanned.strip()
    if not text.isascii():  # ''.upper() maps some non-ASCII letters to ASCII ones ("ſ" -> "S")
        return None
    text = text.upper()
    if _BASE32_TEXT.fullmatch(text):
        return text
    match = _RECEIPT_URL.fullmatch(text)
    return match.group(1) if match else None


# --- verification --------------------------------------------------------------------------


class Result(StrEnum):
    VALID = "valid"
    TAMPERED = "tampered"
    UNKNOWN_KEY = "unknown_key"
    WRONG_OFFICE = "wrong_office"
    EXPIRED = "expired"
    ALREADY_USED = "already_used"
    NOT_OURS = "not_ours"


@dataclass(frozen=True)
class Verification:
    """What a scan means. ``token`` is set only once the signature is proven (VALID,
    WRONG_OFFICE, EXPIRED, ALREADY_USED) so nothing unproven is ever shown as fact;
    ``key_id`` names the signer (for the audit log) under the same condition.
    ``messages`` holds the plain-words explanation in every language (a kiosk may switch
    language after the scan); :attr:`message` is the one of the current language."""

    result: Result
    token: Token | None
    messages: dict[str, str]
    key_id: bytes | None = None

    @property
    def ok(self) -> bool:
        return self.result is Result.VALID

    @property
    def message(self) -> str:
        return self.messages[current_language()]

    @property
    def message_vi(self) -> str:
        return self.messages["vi"]

    @property
    def message_en(self) -> str:
        return self.messages["en"]


def _in_every_language(compose: Callable[[], str]) -> dict[str, str]:
    messages = {}
    for lang in LANGUAGES:
        with language(lang):
            messages[lang] = compose()
    return messages


def _ask_staff() -> str:
    return _("Please ask a staff member at a counter for help.")


def _wrong_kind_text(kind: type) -> str:
    if kind is TicketToken:
        return _("This is a queue number code; it cannot be used here.")
    if kind is AppointmentToken:
        return _("This is an appointment code; it cannot be used here.")
    return _("This is a dossier receipt code; it cannot be used here.")


def _not_ours(wrong_kind: type | None = None) -> Verification:
    if wrong_kind is not None:
        return Verification(
            Result.NOT_OURS, None, _in_every_language(lambda: f"{_wrong_kind_text(wrong_kind)} {_ask_staff()}")
        )
    return Verification(
        Result.NOT_OURS,
        None,
        _in_every_language(lambda: f"{_('This code is not from the one-stop office.')} {_ask_staff()}"),
    )


def _message(result: Result, token: Token) -> str:
    """The message of a proven token, in the current language."""
    ticket = isinstance(token, TicketToken)
    appointment = isinstance(token, AppointmentToken)
    if result is Result.VALID:
        if isinstance(token, TicketToken):
            return _("Queue number {code} is valid.").format(code=token.ticket_code)
        if isinstance(token, AppointmentToken):
            local = token.window_start.astimezone(OFFICE_TZ)
            return _("Appointment at {time} on {date} is valid.").format(
                time=f"{local:%H:%M}", date=f"{local:%d/%m/%Y}"
            )
        return _("Dossier receipt {code} is valid.").format(code=token.dossier_code)
    if result is Result.WRONG_OFFICE:
        if ticket:
            return _("This queue number belongs to another one-stop office and cannot be used here.")
        if appointment:
            return _("This appointment belongs to another one-stop office and cannot be used here.")
        return _("This dossier receipt belongs to another one-stop office and cannot be used here.")
    if result is Result.EXPIRED:
        if ticket:
            return _(
                "This queue number has expired (it is only valid on the day it was printed). "
                "Please take a new number."
            )
        return _("The time of this appointment has passed. Please book again or take a queue number.")
    if result is Result.ALREADY_USED:
        if appointment:
            return _("This appointment has already been checked in.")
        if ticket:
            return _("This queue number has already been used.")
        return _("This dossier receipt has already been used.")
    raise AssertionError(f"no message for {result}")  # pragma: no cover - every caller passes one above


def _proven(result: Result, parsed: _Parsed) -> Verification:
    return Verification(result, parsed.token, _in_every_language(lambda: _message(result, parsed.token)), parsed.key_id)


def _expired(token: Token, now: datetime) -> bool:
    if isinstance(token, TicketToken):
        return now.astimezone(OFFICE_TZ).date() != token.day
    if isinstance(token, AppointmentToken):
        return now >= token.window_end
    return False


def verify(
    text: str,
    ring: KeyRing,
    *,
    office_code: str,
    now: datetime,
    used: Callable[[uuid.UUID], bool] | None = None,
    expect_kind: type | None = None,
) -> Verification:
    """Check a scanned token offline against ``ring``. Never raises for any ``text``.

    ``text`` may be the bare token or a receipt URL (any case). Checks run parse -> key ->
    signature -> office -> expiry -> ``used(entity_id)`` and stop at the first failure.
    ``expect_kind`` (TicketToken, ...) makes any other kind NOT_OURS, with a message naming
    what was scanned. A ticket is valid on its office-local day only (a ticket dated another
    day, even a later one from a device with a wrong clock, is EXPIRED); an appointment
    until its window ends; a receipt always. ``now`` must be aware (a naive one is a bug in
    the caller and raises ValidationError); whatever ``used`` raises propagates.
    """
    _aware(now, "now")
    scanned = extract_token(text)
    if scanned is None:
        return _not_ours()
    try:
        parsed = _parse(scanned)
    except _NotOurs:
        return _not_ours()
    if expect_kind is not None and type(parsed.token) is not expect_kind:
        return _not_ours(type(parsed.token))

    public = ring.keys.get(parsed.key_id)
    if public is None:
        return Verification(
            Result.UNKNOWN_KEY,
            None,
            _in_every_language(
                lambda: f"{_('We cannot tell where this code was issued, so it cannot be used yet.')} {_ask_staff()}"
            ),
        )
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(parsed.signature, parsed.body)
    except InvalidSignature:
        return Verification(
            Result.TAMPERED,
            None,
            _in_every_language(
                lambda: f"{_('This code has been altered or damaged and cannot be used.')} {_ask_staff()}"
            ),
        )

    token = parsed.token
    if token.office_code != office_code:
        return _proven(Result.WRONG_OFFICE, parsed)
    if _expired(token, now):
        return _proven(Result.EXPIRED, parsed)
    if used is not None and used(token.entity_id):
        return _proven(Result.ALREADY_USED, parsed)
    return _proven(Result.VALID, parsed)


__all__ = [
    "AppointmentToken",
    "KeyRing",
    "ReceiptToken",
    "Result",
    "Signer",
    "TicketToken",
    "Token",
    "Verification",
    "extract_token",
    "key_id_of",
    "receipt_url",
    "verify",
]
