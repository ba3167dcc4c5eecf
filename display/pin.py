"""The technician PIN: stored as a salted PBKDF2-SHA256 hash, never in clear.

Format ``pbkdf2_sha256$ITERATIONS$SALT_HEX$HASH_HEX`` (the one ``[technician] pin_hash``
accepts). hashlib does the work; only the string format is ours.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

logger = logging.getLogger(__name__)

ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 200_000
SALT_BYTES = 16


def hash_pin(pin: str, *, iterations: int = DEFAULT_ITERATIONS) -> str:
    """Hash ``pin`` (4 to 12 digits) with a fresh random salt; raise ValueError otherwise."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12):
        raise ValueError(f"PIN {'*' * len(pin)}: expected 4 to 12 digits")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), salt, iterations)
    return f"{ALGORITHM}${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, pin_hash: str) -> bool:
    """True when ``pin`` matches ``pin_hash``; False for a wrong PIN or a malformed hash
    (logged), compared in constant time."""
    try:
        algorithm, iterations_text, salt_hex, digest_hex = pin_hash.split("$")
        iterations = int(iterations_text)
        salt = bytes.fromhex(salt_hex)
        expected = bytes.fromhex(digest_hex)
    except ValueError:
        logger.error(
            "technician pin_hash is malformed: expected %s$ITERATIONS$SALT$HASH", ALGORITHM
        )
        return False
    if algorithm != ALGORITHM or iterations < 1:
        logger.error("technician pin_hash: unsupported algorithm %r or iterations", algorithm)
        return False
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(digest, expected)
