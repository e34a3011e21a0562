"""Staff password hashing: argon2id through argon2-cffi (its defaults follow RFC 9106).

``MOTCUA_TEST_CHEAP_PASSWORD_HASHES=1`` (set by the test suite only) makes new hashes with
argon2's cheapest parameters: a real argon2id hash still, but ~0.2 ms instead of ~0.2 s,
and the suite signs staff in and builds offices thousands of times. Checks read the
parameters from the hash itself, so they get cheap too. Nothing else may set it: a hash
made under it is weak, and a sign-in without it finds the hash below the real parameters
(``needs_rehash``) and replaces it."""

from __future__ import annotations

import os
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

TEST_CHEAP_HASHES = "MOTCUA_TEST_CHEAP_PASSWORD_HASHES"


@cache
def _hasher_for(cheap: bool) -> PasswordHasher:
    return PasswordHasher.from_parameters(profiles.CHEAPEST) if cheap else PasswordHasher()


def _hasher() -> PasswordHasher:
    """Read at each use (not at import): the test suite sets the variable in its conftest."""
    return _hasher_for(os.environ.get(TEST_CHEAP_HASHES) == "1")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
