"""``kiosk provision``: from a freshly installed Pi to a kiosk that prints and talks to the server.

Four steps, each stopping with one line saying what to fix:

1. write ``/etc/kiosk/kiosk.toml`` from a site template (``config/*.toml``), with this
   kiosk's id, site, printer and server, and validate it as the kiosk would;
2. print a test ticket, so the technician sees the printer works before leaving;
3. enrol with the queue server: trade the one-time code for this kiosk's token, stored
   in a file only its owner can read, then fetch the queue state with it (round trip);
4. enable and (re)start the service.

The test print comes before enrolment so that a printer problem never burns the
one-time code. Asks questions on a terminal; flags answer them for scripts (``--yes``).
``--root DIR`` writes everything under DIR and skips systemctl, for tests and images.
Exit codes: 0 done, 1 a step failed, 2 bad configuration or usage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import ID_RE, Config, bundled_config_dir, parse_config
from kiosk.errors import ConfigError, KioskError, PrinterError, SyncError, UsageError

EXIT_OK, EXIT_FAILURE, EXIT_CONFIG = 0, 1, 2
CONFIG_PATH = Path("/etc/kiosk/kiosk.toml")
TOKEN_PATH = Path("/etc/kiosk/token")
KIOSK_USER = "kiosk"
SYSTEMCTL_TIMEOUT_S = 90.0
GOOD_PRINTER_STATUSES = ("ok", "paper_near_end")


class ProvisionError(KioskError):
    """A provisioning step failed; the message says what to fix. Running again is safe."""


@dataclass(frozen=True)
class Answers:
    """What makes this kiosk itself; the rest comes from the site template."""

    template: Path
    kiosk_id: str
    site: str
    printer_url: str
    server_url: str | None
    enrol_code: str | None


# ---- the configuration text ------------------------------------------------------------------

_TABLE_RE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$")
_ARRAY_TABLE_RE = re.compile(r"^\s*\[\[")


def toml_string(value: str) -> str:
    """A TOML basic string. JSON's escapes (\\" \\\\ \\n \\uXXXX) are all valid TOML ones."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def set_table_values(text: str, table: str, values: Mapping[str, str | None]) -> str:
    """``text`` with single-line ``key = value`` lines of ``[table]`` set (or added after the
    header); a None value removes the key. The table is appended when missing.

    Hand-written because tomllib only reads and tomli-w would drop the template's comments,
    which are the technician's documentation of each key.
    """
    lines = text.splitlines()
    out: list[str] = []
    current: str | None = None
    pending = dict(values)
    header_at: int | None = None
    for line in lines:
        match = _TABLE_RE.match(line)
        if match or _ARRAY_TABLE_RE.match(line):
            current = match.group(1) if match else None
            out.append(line)
            if current == table:
                header_at = len(out)
            continue
        if current == table:
            key = line.split("=", 1)[0].strip() if "=" in line else None
            if key in pending:
                value = pending.pop(key)
                if value is not None:
                    out.append(f"{key} = {value}")
                continue
        out.append(line)
    new_lines = [f"{k} = {v}" for k, v in pending.items() if v is not None]
    if header_at is not None:
        out[header_at:header_at] = new_lines
    elif new_lines:
        out += ["", f"[{table}]", *new_lines]
    return "\n".join(out) + "\n"


def remove_table(text: str, table: str) -> str:
    """``text`` without ``[table]`` and its keys (for a kiosk without a server)."""
    out: list[str] = []
    is_inside = False
    for line in text.splitlines():
        match = _TABLE_RE.match(line)
        if match or _ARRAY_TABLE_RE.match(line):
            is_inside = match is not None and match.group(1) == table
        if not is_inside:
            out.append(line)
    return "\n".join(out) + "\n"


def render_config(template_text: str, answers: Answers, token_file: Path = TOKEN_PATH) -> str:
    """The template with this kiosk's id, site, printer and server filled in."""
    text = set_table_values(
        template_text,
        "kiosk",
        {"id": toml_string(answers.kiosk_id), "site": toml_string(answers.site)},
    )
    text = set_table_values(text, "printer", {"url": toml_string(answers.printer_url)})
    if answers.server_url:
        server = {
            "url": toml_string(answers.server_url),
            "token_file": toml_string(str(token_file)),
        }
        return set_table_values(text, "server", server)
    return remove_table(text, "server")


def validate(text: str, path: Path) -> Config:
    """Validate as ``kiosk run`` will; raises ConfigError naming ``path``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: TOML syntax error: {err}", path=str(path)) from None
    return parse_config(data, path)


# ---- files under --root ------------------------------------------------------------------------


def _lookup_id(root: Path, database: str, name: str) -> int | None:
    """The id of user/group ``name`` in ROOT/etc/passwd or ROOT/etc/group, or None."""
    try:
        lines = (root / "etc" / database).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split(":")
        if len(fields) >= 3 and fields[0] == name and fields[2].isdigit():
            return int(fields[2])
    return None


def write_file_atomically(
    path: Path, data: bytes, *, mode: int, uid: int = -1, gid: int = -1
) -> None:
    """Replace ``path`` with ``data``, readable only as ``mode`` allows from the first byte.

    The temporary file is made with O_CREAT|O_EXCL (never through a planted file or link)
    and fchmod'ed, so the umask cannot widen it; then fsync and rename.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, mode)
    except FileExistsError:  # left by an interrupted run
        tmp.unlink()
        fd = os.open(tmp, flags, mode)
    try:
        os.fchmod(fd, mode)
        if (uid != -1 or gid != -1) and os.geteuid() == 0:
            os.fchown(fd, uid, gid)
        os.write(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, path)


def under_root(root: Path, path: Path) -> Path:
    """Where the target system's absolute ``path`` lives when installing under ``root``."""
    if root == Path("/") or path.is_relative_to(root):
        return path
    return root / path.relative_to(path.anchor)


# ---- the steps ----------------------------------------------------------------------------------


def write_config(answers: Answers, root: Path) -> tuple[Path, Config]:
    """Step 1: render, validate, then write ROOT/etc/kiosk/kiosk.toml (mode 640, group kiosk)."""
    try:
        template_text = answers.template.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(
            f"{answers.template}: cannot read the template ({err.strerror}): "
            f"pick one of {', '.join(template_names())}",
            path=str(answers.template),
        ) from None
    path = root / CONFIG_PATH.relative_to("/")
    text = render_config(template_text, answers)
    config = validate(text, path)
    previous = path.read_text(encoding="utf-8") if path.exists() else None
    if previous is not None and previous != text:
        write_file_atomically(
            path.with_name(path.name + ".previous"), previous.encode(), mode=0o640
        )
    gid = _lookup_id(root, "group", KIOSK_USER)
    write_file_atomically(path, text.encode("utf-8"), mode=0o640, gid=-1 if gid is None else gid)
    return path, config


def test_print(config: Config) -> str:
    """Step 2: print a test ticket; returns the printer status. ProvisionError on failure."""
    from printer.device import TicketPrinter
    from printer.ticket import TicketLayout

    data = TicketLayout.from_config(config.printer).render_test(site=config.kiosk.site)
    try:
        with TicketPrinter.from_config(config.printer) as printer:
            status = printer.print_job(data, job_name="provision test")
    except PrinterError as err:
        raise ProvisionError(
            f"test print on {config.printer.url} failed ({err}): check the printer's power, "
            "cable, paper and cover, then run kiosk provision again (or --skip-print)"
        ) from None
    value = str(getattr(status, "value", status))
    if value not in GOOD_PRINTER_STATUSES:
        raise ProvisionError(
            f"test print on {config.printer.url}: printer status is {value}: fix the printer "
            "(paper, cover, cable), then run kiosk provision again"
        )
    return value


def enrol(config: Config, code: str | None, root: Path) -> str:
    """Step 3: trade the one-time code for a token (kept when already there and no code is
    given), store it (mode 600, owned by the kiosk user), then prove it with a state fetch.
    Returns what was done, for the summary."""
    from kiosk.sync.client import ServerClient

    assert config.server is not None
    token_path = under_root(root, config.server.token_file)
    token = _existing_token(token_path)
    done = "kept the existing token"
    server = config.server
    if code:
        with ServerClient.from_config(server, kiosk_id=config.kiosk.id, token=None) as client:
            token = client.enrol(code.strip())
        uid = _lookup_id(root, "passwd", KIOSK_USER)
        gid = _lookup_id(root, "group", KIOSK_USER)
        write_file_atomically(
            token_path,
            (token + "\n").encode("utf-8"),
            mode=0o600,
            uid=-1 if uid is None else uid,
            gid=-1 if gid is None else gid,
        )
        done = f"enrolled, token stored in {token_path}"
    elif token is None:
        raise UsageError(
            f"no enrolment code and no token in {token_path}: ask the server's administrator "
            "for a one-time code and pass it with --enrol-code"
        )
    with ServerClient.from_config(server, kiosk_id=config.kiosk.id, token=token) as client:
        client.get_state(fetched_at_mono_s=time.monotonic())
    return done


def _existing_token(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def enable_service() -> None:
    """Step 4: enable the kiosk at boot and (re)start it with the new configuration."""
    for command in (
        ["systemctl", "enable", "kiosk.service"],
        ["systemctl", "restart", "kiosk.service"],
    ):
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=SYSTEMCTL_TIMEOUT_S
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise ProvisionError(
                f"{' '.join(command)} failed ({err}): is systemd running?"
            ) from None
        if result.returncode != 0:
            detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
            raise ProvisionError(
                f"{' '.join(command)} failed ({detail}): see journalctl -u kiosk -n 50"
            )


# ---- questions ----------------------------------------------------------------------------------


def template_names() -> list[str]:
    return sorted(p.stem for p in bundled_config_dir().glob("*.toml"))


def find_template(name: str) -> Path:
    """A template by name ("hdv"), file name ("hdv.toml") or path."""
    path = Path(name)
    if path.suffix == ".toml" and path.exists():
        return path
    candidate = bundled_config_dir() / f"{path.stem}.toml"
    if candidate.is_file():
        return candidate
    raise UsageError(
        f'--config-template "{name}": no such template: expected one of '
        f"{', '.join(template_names()) or '(none installed)'} or a .toml file"
    )


def _template_value(template: Path, table: str, key: str) -> str | None:
    try:
        value = tomllib.loads(template.read_text(encoding="utf-8")).get(table, {}).get(key)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return value if isinstance(value, str) else None


def _ask(question: str, default: str | None) -> str:
    shown = f" [{default}]" if default else ""
    try:
        answer = input(f"{question}{shown}: ").strip()
    except EOFError:
        raise UsageError(f"no answer to {question!r}: pass it as a flag (see --help)") from None
    return answer or (default or "")


def gather_answers(args: argparse.Namespace, is_interactive: bool) -> Answers:
    """The answers from flags, asking on a terminal for the missing ones."""

    def need(value: str | None, flag: str, question: str, default: str | None) -> str:
        if value:
            return value
        if is_interactive:
            return _ask(question, default)
        if default:
            return default
        raise UsageError(f"{flag} is missing: pass it, or run on a terminal to be asked")

    name = args.config_template or (
        None
        if not is_interactive
        else _ask(f"Site template ({', '.join(template_names())})", "hdv")
    )
    if not name:
        raise UsageError(f"--config-template is missing: one of {', '.join(template_names())}")
    template = find_template(name)
    kiosk_id = need(args.kiosk_id, "--kiosk-id", "Kiosk id (a-z 0-9 -)", None)
    if not ID_RE.match(kiosk_id):
        raise UsageError(
            f'--kiosk-id "{kiosk_id}": expected 1-32 characters of a-z 0-9 - such as "hdv-1"'
        )
    site = need(args.site, "--site", "Site name", _template_value(template, "kiosk", "site"))
    printer = need(
        args.printer, "--printer", "Printer URL", _template_value(template, "printer", "url")
    )
    server = args.server
    if server is None and is_interactive:
        server = _ask(
            "Queue server URL (empty: offline)", _template_value(template, "server", "url")
        )
    server = server or None
    code = args.enrol_code
    if server and not code and is_interactive:
        code = _ask("One-time enrolment code (empty: keep the current token)", None) or None
    return Answers(template, kiosk_id, site, printer, server, code)


# ---- the command --------------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add ``kiosk provision`` to the CLI."""
    p = subparsers.add_parser(
        "provision",
        help="Configure this kiosk, test-print, enrol with the server and start it.",
        description=(
            "Configure this kiosk from a site template, print a test ticket, enrol with the "
            "queue server using a one-time code, then enable and start kiosk.service."
        ),
    )
    p.add_argument("--site", help="site name shown to visitors, e.g. 'Hôtel de ville'")
    p.add_argument("--kiosk-id", help="this kiosk's id, e.g. hdv-1")
    p.add_argument("--server", help="queue server URL (empty string: offline kiosk)")
    p.add_argument("--enrol-code", help="one-time enrolment code from the server")
    p.add_argument("--printer", help="printer URL, e.g. usb://04b8:0e28")
    p.add_argument("--config-template", help=f"site template: one of {', '.join(template_names())}")
    p.add_argument("--root", metavar="DIR", help="write under DIR instead of / (no systemctl)")
    p.add_argument("--no-enable", action="store_true", help="do not enable or start the service")
    p.add_argument("--skip-print", action="store_true", help="no test ticket (no printer yet)")
    p.add_argument("--yes", action="store_true", help="never ask; flags or template defaults")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the four steps; print one line per step and one line on failure."""
    root = Path(args.root or os.environ.get("KIOSK_INSTALL_ROOT") or "/")
    is_interactive = not args.yes and sys.stdin.isatty()
    try:
        answers = gather_answers(args, is_interactive)
        if is_interactive and _ask("Write the configuration and go on? (y/n)", "y").lower() not in (
            "y",
            "yes",
            "o",
            "oui",
        ):
            print("nothing changed")
            return EXIT_OK
        path, config = write_config(answers, root)
        print(f"1/4 configuration written: {path}")
        if args.skip_print:
            print("2/4 test print skipped")
        else:
            print(f"2/4 test ticket printed, printer status {test_print(config)}")
        if config.server is None:
            print("3/4 no server: this kiosk works offline")
        else:
            print(
                f"3/4 server {config.server.url}: {enrol(config, answers.enrol_code, root)}, state fetched"
            )
        if args.no_enable or root != Path("/"):
            print("4/4 service not enabled (--no-enable or --root)")
        else:
            enable_service()
            print("4/4 kiosk.service enabled and started")
    except (ConfigError, UsageError) as err:
        kind = "config error" if isinstance(err, ConfigError) else "usage error"
        print(f"kiosk: {kind}: {err}", file=sys.stderr)
        return EXIT_CONFIG
    except (ProvisionError, SyncError) as err:
        print(f"kiosk: provision: {err}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as err:
        print(
            f"kiosk: provision: {err.filename or ''} {err.strerror or err}: check the "
            "folder's permissions (run as root, or use --root DIR)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    return EXIT_OK
