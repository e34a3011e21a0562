"""What a scanned text is: one of our tokens, a citizen ID card (CCCD) QR, or something else.

A kiosk or counter gets text from a camera (printing.qr_decode) or a keyboard-wedge
scanner (core.scan_input) and has to route it: a queue ticket (show its position), an
appointment (check in), a dossier receipt or its tracking URL (look the dossier up), an ID
card (pre-fill the applicant), or nothing we know. :func:`classify` answers offline and
without keys; what a token is *worth* (signature, office, expiry, used) is for
:func:`core.tokens.verify` (local_db.ops.scan_check with the office's keys and database).

The two families cannot be confused: a token is base32 (``A-Z2-7``) or the receipt URL,
which never contain ``|``; an ID card QR is ``|``-separated fields starting with a
12-digit number. The ID card is tried first, and a token must also carry our header
(version and a known kind) to count as one.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.citizen import IdCard, parse_id_card_qr
from core.errors import ValidationError
from core.i18n import _
from core.tokens import (
    KIND_CODES,
    VERSION,
    AppointmentToken,
    ReceiptToken,
    TicketToken,
    extract_token,
)


class ScanKind(StrEnum):
    TICKET = "ticket"
    APPOINTMENT = "appointment"
    RECEIPT = "receipt"
    ID_CARD = "id_card"
    BAD_ID_CARD = "bad_id_card"  # laid out like an ID card QR but unreadable (a misread, a fake)
    UNKNOWN = "unknown"


_SCAN_KIND_OF: dict[type, ScanKind] = {
    TicketToken: ScanKind.TICKET,
    AppointmentToken: ScanKind.APPOINTMENT,
    ReceiptToken: ScanKind.RECEIPT,
}
#: The kind byte of the token layout (core.tokens.KIND_CODES) -> what it means here.
TOKEN_KINDS: dict[int, tuple[ScanKind, type]] = {code: (_SCAN_KIND_OF[cls], cls) for cls, code in KIND_CODES.items()}
# version, kind, 8-byte key id, office (>= 2 bytes), issued at, 16-byte id, ..., 64-byte signature
_MIN_TOKEN_BYTES = 2 + 8 + 2 + 4 + 16 + 64


@dataclass(frozen=True)
class Scanned:
    """A classified scan. ``token_text`` is set for the token kinds (the bare base32, also
    when the scan was the receipt URL: ``from_url``); ``id_card`` for ID_CARD; ``error``
    (Vietnamese, for the clerk) for BAD_ID_CARD. A token kind is read from the token's
    header only: nothing is proven until it is verified."""

    kind: ScanKind
    text: str
    token_text: str | None = None
    from_url: bool = False
    id_card: IdCard | None = None
    error: str | None = None

    @property
    def is_token(self) -> bool:
        return self.token_text is not None

    @property
    def token_class(self) -> type | None:
        """TicketToken / AppointmentToken / ReceiptToken (for ``verify(expect_kind=...)``)."""
        for kind, cls in TOKEN_KINDS.values():
            if kind is self.kind:
                return cls
        return None

    def message(self) -> str | None:
        """What to tell a citizen about an unreadable scan, in the current language; None for
        a token (its message comes from verifying it) or a good ID card (show the card)."""
        if self.kind is ScanKind.BAD_ID_CARD:
            return _(
                "The QR code of this ID card could not be read correctly. "
                "Please scan it again, or ask a staff member to enter your details."
            )
        if self.kind is ScanKind.UNKNOWN:
            return _("This code cannot be used here. Please ask a staff member at a counter for help.")
        return None


def token_kind(token_text: str) -> ScanKind | None:
    """The kind a bare token names in its header (unverified), or None if it has no such header."""
    if not isinstance(token_text, str) or not token_text:
        return None
    try:
        data = base64.b32decode(token_text + "=" * (-len(token_text) % 8))
    except (binascii.Error, ValueError):
        return None
    if len(data) < _MIN_TOKEN_BYTES or data[0] != VERSION or data[1] not in TOKEN_KINDS:
        return None
    return TOKEN_KINDS[data[1]][0]


def classify(text: str, *, today: date | None = None) -> Scanned:
    """What ``text`` is; never raises (``today`` bounds the ID card's dates, for tests)."""
    if not isinstance(text, str):
        return Scanned(ScanKind.UNKNOWN, "")
    try:
        card = parse_id_card_qr(text, today=today)
    except ValidationError as exc:
        return Scanned(ScanKind.BAD_ID_CARD, text, error=exc.message)
    if card is not None:
        return Scanned(ScanKind.ID_CARD, text, id_card=card)
    token = extract_token(text)
    if token is not None:
        kind = token_kind(token)
        if kind is not None:
            from_url = token != text.strip().upper()
            return Scanned(kind, text, token_text=token, from_url=from_url)
    return Scanned(ScanKind.UNKNOWN, text)


__all__ = ["TOKEN_KINDS", "ScanKind", "Scanned", "classify", "token_kind"]
