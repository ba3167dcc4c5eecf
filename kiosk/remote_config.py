"""Remote configuration (contract 5.7): the server steers some sections, the file the rest.

The server's document (``{"version": 7, "config": {SECTION: ...}}``) may set only the
sections of :data:`kiosk.sync.protocol.CONFIG_SECTIONS`. It is merged into the local file's
TOML data, a key set by the server replacing the file's key of the same name in that section
(one level deep; an array such as ``categories`` or ``hours.exceptions`` is replaced whole;
``null`` removes the file's key), and the merged whole is validated by the one validator,
:func:`kiosk.config.parse_config`: every rule and every message is the file's. A document
that fails changes nothing (``config.rejected``); one that passes is written to
``DATA_DIR/remote-config.json`` (atomically), then comes into force between visitors: the
screen takes it at its idle home and posts it to the controller (``config.applied``).

At start, the stored version is validated against the file again and put in force before
the first frame, whether the server answers or not.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kiosk.config import load_config_data, parse_config
from kiosk.core import events as ev
from kiosk.core.errors import ConfigError, KioskError
from kiosk.core.messages import ConfigChange, Latest
from kiosk.core.settings import Config
from kiosk.sync.protocol import CONFIG_SECTIONS, MAX_DATA_DEPTH, parse_config_answer

logger = logging.getLogger(__name__)

STORED_NAME = "remote-config.json"
IN_FORCE_META = "config_in_force"  # "file" or "server v7": what the screens and tickets use
# Keys of an allowed section that still stay local: a device path on this machine (the
# backlight's sysfs file, the scanner's event device or serial port).
LOCAL_KEYS = {"display": frozenset({"backlight_path"}), "appointments": frozenset({"scanner"})}
# Config fields that come from sections the server never sets: kept from the running
# configuration (the demo points data_dir and the printer elsewhere than its file says).
LOCAL_FIELDS = frozenset(
    {"path", "kiosk", "printer", "server", "technician", "gpio", "speech", "keypad"}
)
FILE_SOURCE = "file"


def source_of(version: int) -> str:
    return FILE_SOURCE if version == 0 else f"server v{version}"


def merge(local: Mapping[str, Any], remote: Mapping[str, Any]) -> dict[str, Any]:
    """The file's data with the server's sections over it (a copy; neither is changed)."""
    merged = copy.deepcopy(dict(local))
    for section, value in remote.items():
        base = merged.get(section)
        if value is None:
            merged.pop(section, None)
        elif isinstance(value, dict) and isinstance(base, dict):
            for key, item in value.items():
                if item is None:
                    base.pop(key, None)
                else:
                    base[key] = copy.deepcopy(item)
        else:
            merged[section] = copy.deepcopy(value)
    return merged


def check_sections(document: Mapping[str, Any], source: str) -> None:
    """Refuse a section, or a key, the server may not set (ConfigError, one line)."""
    allowed = ", ".join(CONFIG_SECTIONS)
    for section, value in document.items():
        if section not in CONFIG_SECTIONS:
            raise ConfigError(
                f"{source}: [{section}] may not be set by the server (it may set {allowed}); "
                "the printer, data_dir, the server's URL and token, GPIO pins, the technician "
                "PIN and the kiosk id stay in the local file",
                key=f"[{section}]",
            )
        if isinstance(value, dict):
            for key in sorted(LOCAL_KEYS.get(section, frozenset()) & set(value)):
                raise ConfigError(
                    f"{source}: [{section}] {key} may not be set by the server: a path on "
                    "this machine stays in the local file",
                    key=f"[{section}] {key}",
                )


def validate(
    base: Config, local_data: Mapping[str, Any], document: Mapping[str, Any], version: int
) -> Config:
    """``base`` with the sections of the server's ``document`` in force, validated as a file
    would be; ConfigError (one line, the file's message naming the server's version) else."""
    source = f"server configuration v{version}"
    check_sections(document, source)
    try:
        parsed = parse_config(merge(local_data, document), base.path)
    except ConfigError as err:
        message = str(err)
        prefix = f"{base.path}: "
        if message.startswith(prefix):
            message = message[len(prefix) :]
        raise ConfigError(f"{source} (over {base.path}): {message}", key=err.key) from None
    except RecursionError:
        raise ConfigError(f"{source}: nested too deeply") from None
    taken = {
        f.name: getattr(parsed, f.name)
        for f in dataclasses.fields(Config)
        if f.name not in LOCAL_FIELDS
    }
    return dataclasses.replace(base, **taken)


# ---- the stored copy of the last good version ---------------------------------------------


@dataclass(frozen=True)
class StoredVersion:
    version: int
    config: dict[str, Any]
    etag: str | None = None
    received_at: str | None = None


def stored_path(config: Config) -> Path:
    return config.kiosk.data_dir / STORED_NAME


def read_stored(path: Path) -> StoredVersion | None:
    """The stored version, or None (none yet; an unreadable file is logged and ignored)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        logger.error("%s: cannot be read (%s): starting on the file alone", path, err.strerror)
        return None
    try:
        body = json.loads(raw.decode("utf-8"))
        version, config = parse_config_answer(body)
        etag = body.get("etag")
        received = body.get("received_at")
    except (ValueError, RecursionError) as err:
        logger.error("%s: not a stored configuration (%s): ignored", path, err)
        return None
    return StoredVersion(
        version=version,
        config=config,
        etag=etag if isinstance(etag, str) else None,
        received_at=received if isinstance(received, str) else None,
    )


def write_stored(path: Path, stored: StoredVersion) -> None:
    """Write ``stored`` atomically (a temporary file, fsync, rename, fsync of the folder):
    after a power cut, either the old version or the new one, never half of one."""
    body = {
        "version": stored.version,
        "etag": stored.etag,
        "received_at": stored.received_at,
        "config": stored.config,
    }
    data = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remove_stored(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


# ---- the live side ----------------------------------------------------------------------------


class EventStore(Protocol):
    """What is needed of :class:`kiosk.store.Store`."""

    def append_event(self, type: str, data: dict[str, Any]) -> Any: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str | None) -> None: ...


class RemoteConfig:
    """The versions the server sends, checked and handed to the screen for the next pause
    between visitors. :meth:`receive` runs in the sync worker's thread; :attr:`pending` is
    read by the UI loop. ``open`` reads the file and the stored version (no network)."""

    def __init__(
        self,
        file_config: Config,
        *,
        local_data: Mapping[str, Any],
        emit: Callable[..., Any] | None = None,
    ):
        self.file_config = file_config
        self.local_data = local_data
        self.path = stored_path(file_config)
        self.emit = emit or (lambda *a, **k: None)
        self.config = file_config  # in force at start
        self.version = 0  # the version last accepted (0: the file alone)
        self.etag: str | None = None
        self.pending: Latest[ConfigChange | None] = Latest(None)
        self.is_settled = threading.Event()  # the first answer (or failure) came
        self._store: EventStore | None = None
        self._rejected: int | None = None
        self._start_rejection: tuple[int, str] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<RemoteConfig {source_of(self.version)} etag={self.etag} settled={self.is_settled.is_set()}>"

    @classmethod
    def open(cls, file_config: Config, *, emit: Callable[..., Any] | None = None) -> RemoteConfig:
        """The file's data read again (to merge into) and the stored version put in force
        when it still validates against the file."""
        remote = cls(file_config, local_data=load_config_data(file_config.path), emit=emit)
        stored = read_stored(remote.path)
        if stored is not None:
            try:
                remote.config = validate(
                    file_config, remote.local_data, stored.config, stored.version
                )
            except ConfigError as err:
                logger.error("stored configuration refused, the file alone is in force: %s", err)
                remote._start_rejection = (stored.version, str(err))
                remote._rejected = stored.version
            else:
                remote.version = stored.version
                remote.etag = stored.etag
                logger.info(
                    "configuration: %s (stored), over %s",
                    source_of(stored.version),
                    file_config.path,
                )
        return remote

    @property
    def source(self) -> str:
        return source_of(self.version)

    @property
    def latest_config(self) -> Config:
        """The configuration accepted last: in force now, or from the next pause between
        visitors (what the sync worker prepares for, such as the day's appointments)."""
        _, change = self.pending.get()
        return self.config if change is None else change.config

    def attach(self, store: EventStore | None) -> None:
        """The store is open: record what start-up decided (a stored version refused, or a
        version in force other than the one last recorded)."""
        self._store = store
        if self._start_rejection is not None:
            version, error = self._start_rejection
            self._record(ev.CONFIG_REJECTED, ev.config_rejected(version, error))
        self.note_in_force(self.version)

    def note_in_force(self, version: int) -> None:
        """``version`` is in force: ``config.applied`` when it differs from the last recorded."""
        if self._store is None:
            return
        source = source_of(version)
        try:
            if (self._store.get_meta(IN_FORCE_META) or FILE_SOURCE) == source:
                return
            self._store.set_meta(IN_FORCE_META, source)
        except KioskError as err:
            logger.error("configuration in force not recorded: %s", err)
            return
        self._record(ev.CONFIG_APPLIED, ev.config_applied(version))

    # ---- answers (sync worker thread) -------------------------------------------------------

    def receive(self, answer: Any) -> None:
        """A :class:`kiosk.sync.client.ConfigAnswer`: 200, 204 or 304."""
        try:
            if answer.status_code == 304:
                return
            if answer.status_code == 204:
                self._withdrawn()
                return
            self._offer(answer.version, answer.config, answer.etag)
        finally:
            self.is_settled.set()

    def malformed(self, version: int | None, error: str) -> None:
        """An answer that could not be read: nothing of it is used, the version in force
        stays; ``config.rejected`` when it named a version (once per version)."""
        logger.warning("configuration answer refused, %s stays in force: %s", self.source, error)
        if version is not None and version != self._rejected:
            self._rejected = version
            self._record(ev.CONFIG_REJECTED, ev.config_rejected(version, error))
        self.is_settled.set()

    def unreachable(self) -> None:
        """The fetch failed (server down, timeout): the version in force stays."""
        self.is_settled.set()

    def _offer(self, version: int, document: dict[str, Any], etag: str | None) -> None:
        if version == self.version:
            self.etag = etag
            return
        if version == self._rejected:
            return
        try:
            config = validate(self.file_config, self.local_data, document, version)
        except ConfigError as err:
            self._rejected = version
            self.etag = etag  # polls of the same version are 304s until it changes
            logger.warning("configuration refused, %s stays in force: %s", self.source, err)
            self._record(ev.CONFIG_REJECTED, ev.config_rejected(version, str(err)))
            self.emit("config_rejected", version=version, error=str(err))
            return
        received = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        try:
            write_stored(self.path, StoredVersion(version, document, etag, received))
        except OSError as err:
            logger.error(
                "%s: server configuration v%d not stored (%s): in force until the next start",
                self.path,
                version,
                err.strerror or err,
            )
        logger.info("server configuration v%d accepted: in force at the next pause", version)
        self.version, self.etag = version, etag
        self.pending.set(ConfigChange(config, version, source_of(version)))

    def _withdrawn(self) -> None:
        """204: the server has nothing set: the file alone, between visitors."""
        self.etag = None
        if self.version == 0:
            return
        logger.info("server configuration withdrawn (204): the file alone at the next pause")
        remove_stored(self.path)
        self.version = 0
        self.pending.set(ConfigChange(self.file_config, 0, FILE_SOURCE))

    def _record(self, type: str, data: dict[str, Any]) -> None:
        if self._store is None:
            logger.error("%s %s not recorded: the store is not open", type, data)
            return
        try:
            self._store.append_event(type, data)
        except KioskError as err:
            logger.error("%s not recorded: %s", type, err)


def check_remote_file(config_path: Path, document_path: Path) -> Config:
    """``kiosk check-config --remote``: a server document (the answer's JSON, or its
    ``config`` object alone) validated offline against the local file."""
    from kiosk.config import load_config

    base = load_config(config_path)
    try:
        body = json.loads(Path(document_path).read_bytes().decode("utf-8"))
    except OSError as err:
        raise ConfigError(f"{document_path}: cannot be read ({err.strerror})") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ConfigError(f"{document_path}: not UTF-8 JSON ({err})") from None
    if isinstance(body, dict) and "config" in body:
        try:
            version, document = parse_config_answer({"version": 1, **body})
        except ValueError as err:
            raise ConfigError(f"{document_path}: {err}") from None
    elif isinstance(body, dict):
        version, document = 1, body
    else:
        raise ConfigError(f"{document_path}: expected a JSON object")
    if _too_deep(document):
        raise ConfigError(f"{document_path}: nested more than {MAX_DATA_DEPTH} levels deep")
    return validate(base, load_config_data(config_path), document, version)


def _too_deep(value: Any) -> bool:
    from kiosk.sync.protocol import _depth

    return _depth(value) > MAX_DATA_DEPTH
