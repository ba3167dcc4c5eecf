"""The technician PIN: stored as a salted PBKDF2-SHA256 hash, never in clear, checked off
the UI thread, with a lockout that grows after wrong codes.

Format ``pbkdf2_sha256$ITERATIONS$SALT_HEX$HASH_HEX`` (the one ``[technician] pin_hash``
accepts). The configuration takes ITERATIONS from :data:`MIN_ITERATIONS` to
:data:`MAX_ITERATIONS`; :func:`verify_pin` refuses more than the maximum whatever the source,
so an absurd count cannot stall the checker. hashlib does the work; only the string format
is ours.

Anyone can open the PIN pad (hold a corner for 5 s); guessing is what is limited:
:data:`FREE_TRIES` wrong codes in a row are free, then each wrong code locks the pad for
:data:`FIRST_LOCKOUT_S`, doubling up to :data:`MAX_LOCKOUT_S` (30 s, 1, 2, 4, 8 min, then
15 min). The count survives leaving the pad (it lives as long as the kiosk runs) and is
reset by the right code. Each attempt is logged, never its digits.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from typing import Any

from kiosk.core.settings import PIN_MAX_ITERATIONS as MAX_ITERATIONS
from kiosk.core.settings import PIN_MIN_ITERATIONS as MIN_ITERATIONS

__all__ = [
    "FIRST_LOCKOUT_S",
    "FREE_TRIES",
    "MAX_ITERATIONS",
    "MAX_LOCKOUT_S",
    "MIN_ITERATIONS",
    "InlineExecutor",
    "PinChecker",
    "hash_pin",
    "lockout_s",
    "verify_pin",
]

logger = logging.getLogger(__name__)

ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 200_000
SALT_BYTES = 16

FREE_TRIES = 3
FIRST_LOCKOUT_S = 30.0
MAX_LOCKOUT_S = 15 * 60.0


def hash_pin(pin: str, *, iterations: int = DEFAULT_ITERATIONS) -> str:
    """Hash ``pin`` (4 to 12 digits) with a fresh random salt; raise ValueError otherwise."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12):
        raise ValueError(f"PIN {'*' * len(pin)}: expected 4 to 12 digits")
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise ValueError(f"iterations {iterations}: expected 1 to {MAX_ITERATIONS:,}")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), salt, iterations)
    return f"{ALGORITHM}${iterations}${salt.hex()}${digest.hex()}"


def hash_iterations(pin_hash: str) -> int | None:
    """The iteration count written in ``pin_hash``, or None when it is not our format."""
    parts = pin_hash.split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM or not parts[1].isdigit():
        return None
    return int(parts[1])


def verify_pin(pin: str, pin_hash: str) -> bool:
    """True when ``pin`` matches ``pin_hash``; False for a wrong PIN or a malformed hash
    (logged), compared in constant time. Slow on purpose (PBKDF2): never on the UI thread,
    use :class:`PinChecker`."""
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
    if algorithm != ALGORITHM or not 1 <= iterations <= MAX_ITERATIONS:
        logger.error(
            "technician pin_hash: unsupported algorithm %r or iterations %d (expected %s, "
            "at most %d)",
            algorithm,
            iterations,
            ALGORITHM,
            MAX_ITERATIONS,
        )
        return False
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(digest, expected)


def lockout_s(failures: int) -> float:
    """How long the pad stays locked after ``failures`` wrong codes in a row."""
    if failures < FREE_TRIES:
        return 0.0
    return min(FIRST_LOCKOUT_S * 2 ** (failures - FREE_TRIES), MAX_LOCKOUT_S)


class InlineExecutor(concurrent.futures.Executor):
    """Runs each call at once in the caller's thread: for tests that drive the screen flow
    step by step. The kiosk itself uses a worker thread (the default of PinChecker)."""

    def submit(
        self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:
            future.set_exception(err)
        return future


class PinChecker:
    """Checks PINs in a worker thread and keeps the lockout.

    The UI calls :meth:`submit` (never blocks) and then :meth:`poll` from its loop until it
    returns the answer. Times are the caller's monotonic seconds (``now_s``), so tests
    need no sleeping.
    """

    def __init__(self, executor: concurrent.futures.Executor | None = None):
        self._executor = executor  # made on first use: no thread before anyone types a PIN
        self._owns_executor = executor is None
        self._pending: concurrent.futures.Future[bool] | None = None
        self.failures = 0
        self.locked_until_s = 0.0

    @property
    def is_checking(self) -> bool:
        return self._pending is not None

    def lockout_remaining_s(self, now_s: float) -> float:
        return max(0.0, self.locked_until_s - now_s)

    def submit(self, pin: str, pin_hash: str, now_s: float) -> bool:
        """Start checking ``pin``; False (nothing started) while locked or already checking."""
        if self._pending is not None:
            return False
        remaining_s = self.lockout_remaining_s(now_s)
        if remaining_s > 0:
            logger.warning(
                "technician PIN attempt while locked (%.0f s left): ignored", remaining_s
            )
            return False
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="pin-check"
            )
        self._pending = self._executor.submit(verify_pin, pin, pin_hash)
        return True

    def poll(self, now_s: float) -> bool | None:
        """The answer to the submitted PIN once it is known (True: right), else None."""
        pending = self._pending
        if pending is None or not pending.done():
            return None
        self._pending = None
        try:
            is_right = bool(pending.result())
        except Exception:  # a check that crashed is a refusal, never an open door
            logger.exception("technician PIN check failed")
            is_right = False
        if is_right:
            if self.failures:
                logger.info("technician PIN accepted after %d wrong attempt(s)", self.failures)
            else:
                logger.info("technician PIN accepted")
            self.failures = 0
            self.locked_until_s = 0.0
            return True
        self.failures += 1
        delay_s = lockout_s(self.failures)
        self.locked_until_s = now_s + delay_s
        if delay_s:
            logger.warning(
                "technician PIN refused (%d wrong in a row): pad locked for %.0f s",
                self.failures,
                delay_s,
            )
        else:
            logger.warning(
                "technician PIN refused (%d wrong in a row, %d free left)",
                self.failures,
                FREE_TRIES - self.failures,
            )
        return False

    def close(self) -> None:
        """Stop the worker (idempotent); a check under way finishes first."""
        executor, self._executor = self._executor, None
        if executor is not None and self._owns_executor:
            executor.shutdown(wait=False, cancel_futures=True)

    def __repr__(self) -> str:
        state = "checking" if self._pending is not None else "idle"
        return (
            f"<PinChecker {state} failures={self.failures} locked_until={self.locked_until_s:.0f}>"
        )
