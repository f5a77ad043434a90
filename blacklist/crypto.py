"""Resident ID numbers at rest (section 四.1, DESIGN §5): encrypted, with a keyed hash beside them.

The ciphertext (Fernet: AES-128-CBC with HMAC-SHA256) can only be read with
``ID_ENCRYPTION_KEY``; the look-up hash is HMAC-SHA256 under a separate ``ID_HASH_KEY``, so a
database dump alone reveals neither the number nor a hash an attacker could recompute from the
~10^10 plausible IDs. ``ID_ENCRYPTION_KEY`` may list several keys separated by commas: the first
encrypts, all decrypt (key rotation).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

from .validators import normalise


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


def encrypt_id_number(number: str) -> str:
    return _fernet(settings.ID_ENCRYPTION_KEY).encrypt(normalise(number).encode()).decode()


def decrypt_id_number(token: str) -> str:
    return _fernet(settings.ID_ENCRYPTION_KEY).decrypt(token.encode()).decode()


def id_number_hash(number: str) -> str:
    """The keyed hash used for exact look-up of a subject by its ID number (hex, 64 characters)."""
    return hmac.new(settings.ID_HASH_KEY.encode(), normalise(number).encode(), hashlib.sha256).hexdigest()
