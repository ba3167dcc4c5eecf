"""Reading a gettext ``.po`` catalog into a message table, fast at start-up.

Babel's ``.po`` parser (and the e-mail header parser it imports for the catalog's header)
costs about 30 ms of CPU per catalog on a PC, five times that on a Pi, and the first frame
waits for the screens catalog. So the table parsed from a catalog is kept once, as JSON, in
a folder that outlives the process (:func:`use_cache_dir`: systemd's ``CacheDirectory=``, as
for the printer's capability cache), named by the SHA-256 of the ``.po`` file's bytes: an
edited or updated catalog has another name and is parsed again (its earlier table is then
removed); nothing compiled is ever
committed or installed. A damaged or unreadable cache file is parsed again; a folder that
cannot be written is used for nothing. With no folder named (tests, a technician's command),
every catalog is parsed, as before.

The table: message id -> translation, or -> the tuple of plural forms (ids with a plural);
fuzzy messages are left out; a lookup of a missing or empty one falls back to the English id.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

Messages = dict[str, "str | tuple[str, ...]"]

# Bumped when the table's layout or the way it is read from a catalog changes.
FORMAT = 1

_cache_dir: Path | None = None


def use_cache_dir(folder: Path | None) -> None:
    """Keep parsed catalogs in ``folder`` (created when first written); None: keep none."""
    global _cache_dir
    _cache_dir = folder


def cache_dir() -> Path | None:
    """The folder :func:`use_cache_dir` named, or None."""
    return _cache_dir


def read_catalog(path: Path, language: str) -> Messages:
    """The message table of the ``.po`` file at ``path``; raises FileNotFoundError."""
    data = path.read_bytes()
    folder = _cache_dir
    if folder is None:
        return parse_po(data, language)
    prefix = f"{language}-{path.stem}-"
    cached = folder / f"{prefix}{hashlib.sha256(data).hexdigest()}-{FORMAT}.json"
    try:
        messages = _load(cached)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, TypeError) as err:
        logger.warning("catalog cache %s unreadable (%s): %s parsed again", cached, err, path)
    else:
        return messages
    messages = parse_po(data, language)
    _store(cached, messages, prefix)
    return messages


def parse_po(data: bytes, language: str) -> Messages:
    """The message table of a ``.po`` file's bytes, read with Babel."""
    import io

    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(data), locale=language)
    messages: Messages = {}
    for msg in catalog:
        if not msg.id or msg.fuzzy:
            continue
        if isinstance(msg.id, tuple | list):
            messages[msg.id[0]] = tuple(str(s) for s in msg.string or ())
        elif isinstance(msg.string, str):
            messages[msg.id] = msg.string
    return messages


def _load(path: Path) -> Messages:
    """The table stored at ``path``; ValueError or TypeError when it is not one."""
    with open(path, encoding="utf-8") as f:
        stored = json.load(f)
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        raise ValueError("not a catalog table of this version")
    messages: Messages = {}
    for key, value in stored["messages"].items():
        if isinstance(value, str):
            messages[key] = value
        elif isinstance(value, list) and all(isinstance(s, str) for s in value):
            messages[key] = tuple(value)
        else:
            raise TypeError(f"message {key!r}: {type(value).__name__}")
    return messages


def _store(path: Path, messages: Messages, prefix: str) -> None:
    """Write the table in place of the tables of the same catalog's earlier versions."""
    store_json(path, {"format": FORMAT, "messages": messages}, prefix)


def store_json(path: Path, value: Any, prefix: str) -> None:
    """Write ``value`` as JSON atomically (a new file renamed over) in place of the other
    files of the folder whose names start with ``prefix`` (earlier versions), or log why
    not and carry on: a cache is never worth a failed start."""
    import tempfile  # only when writing

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".catalog-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in path.parent.glob(f"{prefix}*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as err:
        logger.warning("catalog cache not kept in %s: %s", path.parent, err)
