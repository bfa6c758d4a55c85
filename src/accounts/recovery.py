"""Recovery codes: what they look like and how they are hashed (no Django models here).

Sixteen characters from a 32-letter alphabet without look-alikes (0/O, 1/I) carry
80 bits; each code gets its own 128-bit salt and is kept only as SHA-256 of salt and
code (ASVS 4.0 2.6.2), so a copy of the database does not give working codes.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 16
GROUP = 4
CODES_PER_SET = 10


def recovery_code_new() -> str:
    """A fresh code, grouped for reading aloud: ``ABCD-EFGH-JKLM-NPQR``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def recovery_code_normalise(typed: str) -> str:
    """What the user typed, without spaces and dashes, upper case; "" when it cannot be a code."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t")
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return cleaned


def recovery_code_salt() -> str:
    return secrets.token_hex(16)


def recovery_code_digest(normalised: str, *, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{normalised}".encode("ascii")).hexdigest()
