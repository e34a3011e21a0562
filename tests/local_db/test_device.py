"""Each device makes its own signing key once, and keeps it."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from local_db.database import Database
from local_db.office_setup import OfficeRefs, ensure_device


def test_first_start_makes_a_key_pair_and_later_starts_reuse_it(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        kiosk = ensure_device(s, office.office_code, "kiosk-1", "kiosk")
        first = (kiosk.id, kiosk.private_key, kiosk.public_key)
    with db.write() as s:
        again = ensure_device(s, office.office_code, "kiosk-1", "kiosk")
        other = ensure_device(s, office.office_code, "counter-2", "counter")
        assert (again.id, again.private_key, again.public_key) == first
        assert other.public_key != again.public_key
    private = Ed25519PrivateKey.from_private_bytes(first[1])
    signature = private.sign(b"A015|2026-11-23")
    Ed25519PublicKey.from_public_bytes(first[2]).verify(signature, b"A015|2026-11-23")  # raises if wrong
