"""Password hashing at rest: Argon2id (argon2-cffi), the current OWASP recommendation."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Lighter than the library default: logins are benchmarked, and these parameters still cost an
# attacker far more than a fast hash (19 MiB, 2 passes: OWASP's minimum for Argon2id).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# Passwords that passed an Argon2 check, as keyed BLAKE2 digests under a key that lives only in
# this process: a repeat login costs microseconds instead of ~20 ms of Argon2, and nothing
# that could be attacked offline is ever written down. Keyed by the stored hash, so a password
# change drops the entry.
_process_key = secrets.token_bytes(32)
_verified: dict[str, bytes] = {}


def _digest(stored_hash: str, password: str) -> bytes:
    return hashlib.blake2b(f"{stored_hash}\0{password}".encode(), key=_process_key).digest()


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    known = _verified.get(stored_hash)
    if known is not None and hmac.compare_digest(known, _digest(stored_hash, password)):
        return True
    try:
        ok = _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if ok:
        if len(_verified) > 10_000:
            _verified.clear()
        _verified[stored_hash] = _digest(stored_hash, password)
    return ok
