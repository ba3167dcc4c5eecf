"""What a printer model can do, read from python-escpos's capability database.

Importing python-escpos 3.1 has side effects: it calls ``logging.basicConfig()`` and parses
its capability database into a new temporary folder on every start (0.3 s, and one stray
folder per run). So it is imported here only, lazily, once the application has configured
logging, with ``ESCPOS_CAPABILITIES_PICKLE_DIR`` pointing at one reused cache folder: the
one the application names with :func:`use_cache_dir` (a folder that outlives the process,
as systemd's ``CacheDirectory=``; a temporary folder is emptied at every start under
``PrivateTmp=yes``), else one in the temporary folder. A damaged cache file (a power cut
while python-escpos wrote it) is removed and the database parsed again.
Model differences come from this data (paper width, columns, native QR, code page slots),
never from ``if model == ...``.
"""

from __future__ import annotations

import codecs
import dataclasses
import functools
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.core.errors import ConfigError

logger = logging.getLogger(__name__)

# Configuration names of the code pages the kiosk offers -> python-escpos names.
CODEPAGES = {"WPC1252": "CP1252", "CP858": "CP858"}


@dataclasses.dataclass(frozen=True)
class PrinterProfile:
    """The capabilities of one printer model that the ticket layout needs."""

    name: str
    paper_width_dots: int
    columns: int
    has_native_qr: bool
    has_cut: bool
    codepage_slots: Mapping[str, int]  # python-escpos code page name -> ESC t slot

    @property
    def decoder_codepages(self) -> dict[int, str]:
        """``ESC t`` slot -> Python codec, for :func:`printer.decoder.decode`."""
        slots: dict[int, str] = {}
        for name, slot in self.codepage_slots.items():
            codec = name.lower().replace("iso_", "iso").replace("-", "_")
            try:
                codecs.lookup(codec)
            except LookupError:
                continue
            slots[slot] = codec
        return slots


CACHE_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"
_PICKLE_ERRORS = (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError)


def use_cache_dir(folder: Path) -> bool:
    """Keep python-escpos's parsed capability database in ``folder`` (created, mode 0700)
    from now on. False, and nothing changed, when python-escpos is already imported, the
    environment already names a folder, or ``folder`` cannot be created or written."""
    if CACHE_ENV in os.environ or "escpos.capabilities" in sys.modules:
        return False
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:
        logger.warning("printer capability cache not kept in %s: %s", folder, err)
        return False
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):  # made by another user (root)
        logger.warning("printer capability cache not kept in %s: not writable", folder)
        return False
    os.environ[CACHE_ENV] = str(folder)
    return True


def import_escpos() -> Any:
    """Import python-escpos with its capability cache in one reused folder; returns the module."""
    if CACHE_ENV not in os.environ:
        cache = Path(tempfile.gettempdir()) / f"kiosk-escpos-{os.getuid()}"
        cache.mkdir(mode=0o700, exist_ok=True)
        os.environ[CACHE_ENV] = str(cache)
    folder = Path(os.environ[CACHE_ENV])
    try:
        _import_escpos(folder)
    except _PICKLE_ERRORS as err:
        damaged = list(folder.glob("*.capabilities.pickle"))
        if not damaged:
            raise
        logger.warning("printer capability cache in %s damaged (%r): parsed again", folder, err)
        for path in damaged:
            path.unlink(missing_ok=True)
        _import_escpos(folder)
    return sys.modules["escpos.printer"]


def _import_escpos(folder: Path) -> None:
    """python-escpos 3.1 calls ``mkdtemp()`` on import even when the environment names its
    folder (an argument evaluated first): that stray empty folder is made in ``folder``,
    not in the temporary one, and removed."""
    if "escpos.printer" in sys.modules:
        return
    before = set(folder.iterdir()) if folder.is_dir() else set()
    saved, tempfile.tempdir = tempfile.tempdir, str(folder)
    try:
        import escpos.printer  # noqa: F401
    finally:
        tempfile.tempdir = saved
        for stray in set(folder.iterdir()) - before if folder.is_dir() else ():
            if stray.is_dir() and stray.name.startswith("tmp"):
                try:
                    stray.rmdir()
                except OSError:  # not empty: not python-escpos's
                    pass


@functools.lru_cache(maxsize=16)
def load_profile(name: str) -> PrinterProfile:
    """The capabilities of profile ``name``; :class:`ConfigError` when it does not exist."""
    import_escpos()
    from escpos.capabilities import CAPABILITIES, get_profile

    try:
        profile = get_profile(name)
    except KeyError as err:
        raise ConfigError(
            f"[printer] profile {name!r} is not a python-escpos profile; use one of "
            + ", ".join(sorted(CAPABILITIES["profiles"])),
            key="profile",
        ) from err
    data = profile.profile_data
    font_a = data.get("fonts", {}).get("0", {})
    columns = font_a.get("columns") if isinstance(font_a.get("columns"), int) else None
    pixels = data.get("media", {}).get("width", {}).get("pixels")
    if not isinstance(pixels, int) or pixels < 200:
        pixels = 12 * (columns or 32)  # width unknown: assume the narrowest common paper
    columns = columns or pixels // 12
    features = data.get("features", {})
    slots = {str(n): int(s) for n, s in profile.get_code_pages().items() if n != "Unknown"}
    return PrinterProfile(
        name=name,
        paper_width_dots=pixels,
        columns=columns,
        has_native_qr=bool(features.get("qrCode")),
        has_cut=bool(features.get("paperFullCut") or features.get("paperPartCut")),
        codepage_slots=slots,
    )


def new_dummy(name: str) -> Any:
    """A python-escpos ``Dummy`` printer for profile ``name`` (bytes collected in memory)."""
    return import_escpos().Dummy(profile=name)
