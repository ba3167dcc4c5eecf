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

This module holds the steps and the command; the configuration text is made in
:mod:`kiosk.ops.provision_config`, files are written by :mod:`kiosk.ops.provision_files` and the
questions are asked by :mod:`kiosk.ops.provision_questions`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from kiosk.core.errors import (
    EXIT_CONFIG,
    EXIT_FAILURE,
    EXIT_OK,
    ConfigError,
    KioskError,
    PrinterError,
    SyncError,
    UsageError,
)
from kiosk.core.settings import Config
from kiosk.core.vocabulary import PrinterStatus
from kiosk.ops.provision_config import CONFIG_PATH, Answers, render_config, validate
from kiosk.ops.provision_files import (
    KIOSK_USER,
    existing_token,
    lookup_id,
    under_root,
    write_file_atomically,
)
from kiosk.ops.provision_questions import ask, gather_answers, template_names

SYSTEMCTL_TIMEOUT_S = 90.0
GOOD_PRINTER_STATUSES = (PrinterStatus.OK, PrinterStatus.PAPER_NEAR_END)


class ProvisionError(KioskError):
    """A provisioning step failed; the message says what to fix. Running again is safe."""


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
    gid = lookup_id(root, "group", KIOSK_USER)
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
    token = existing_token(token_path)
    done = "kept the existing token"
    server = config.server
    if code:
        with ServerClient.from_config(server, kiosk_id=config.kiosk.id, token=None) as client:
            token = client.enrol(code.strip())
        uid = lookup_id(root, "passwd", KIOSK_USER)
        gid = lookup_id(root, "group", KIOSK_USER)
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
    p.add_argument(
        "--pin-hash",
        help="technician PIN hash from `kiosk hash-pin` (asked as a PIN on a terminal)",
    )
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
        if is_interactive and ask("Write the configuration and go on? (y/n)", "y").lower() not in (
            "y",
            "yes",
            "o",
            "oui",
        ):
            print("nothing changed")
            return EXIT_OK
        path, config = write_config(answers, root)
        print(f"1/4 configuration written: {path}")
        if not config.technician.pin_hash:
            print(
                "    no technician PIN: this kiosk has no technician menu "
                "(set [technician] pin_hash with kiosk hash-pin)"
            )
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
