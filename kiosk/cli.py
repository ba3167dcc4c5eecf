"""The ``kiosk`` command line (contract, section 1).

Only this module prints; everything else logs. Configuration mistakes end with one line on
stderr starting ``kiosk: config error:`` and exit code 2, never a traceback.

Here: every command of the contract's section 1 with its options, and :func:`main`; the
commands' bodies are kiosk/cli_commands.py, thin adapters that import, when they run, the
module doing the work (kiosk.app, kiosk.ops, kiosk.report, stubserver...).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.cli_commands import (
    cmd_check_config,
    cmd_demo,
    cmd_hash_pin,
    cmd_print_test,
    cmd_report,
    cmd_requeue_rejected,
    cmd_run,
    cmd_screenshots,
    cmd_status,
    describe_config,
    parse_size,
)
from kiosk.core.errors import (
    EXIT_CONFIG,
    EXIT_FAILURE,
    EXIT_OK,
    ConfigError,
    KioskError,
    UsageError,
)

# Names other modules and tests import from here.
__all__ = [
    "EXIT_CONFIG",
    "EXIT_FAILURE",
    "EXIT_OK",
    "build_parser",
    "command_in",
    "configure_logging",
    "describe_config",
    "main",
    "missing_module_hint",
    "parse_size",
]

logger = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage mistakes exit 2 with one line (argparse already uses 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_CONFIG, f"kiosk: usage error: {message}\n")


def build_parser(command_name: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``command_name`` (the command about to run), the
    commands that live in other modules are imported only when it is one of theirs, so
    ``kiosk run`` never loads the provisioning, self-test or store-maintenance code."""
    parser = _Parser(
        prog="kiosk", description="Queue-ticket kiosk firmware (borne de file d'attente)."
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def command(
        name: str, func: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = command("run", cmd_run, "Run the kiosk.")
    p.add_argument(
        "--config",
        metavar="FILE",
        help="default: /etc/kiosk/kiosk.toml if it exists, else the bundled demo",
    )
    _add_run_options(p)
    p = command(
        "demo",
        cmd_demo,
        "Run the whole system with nothing plugged in: demo configuration, "
        "in-process stub server, virtual printer writing to ./demo-out/.",
    )
    _add_run_options(p)
    p.add_argument(
        "--out", metavar="DIR", default="demo-out", help="where tickets go (default ./demo-out)"
    )
    p = command("check-config", cmd_check_config, "Validate a configuration and print a summary.")
    p.add_argument("file", metavar="FILE", nargs="?")
    p.add_argument(
        "--remote",
        metavar="FILE.json",
        help="a server's configuration document, validated offline against the local file "
        "(FILE or --config)",
    )
    p.add_argument("--config", metavar="FILE", help="the local file, with --remote")
    p = command("print-test", cmd_print_test, "Print a test ticket and the printer status.")
    p.add_argument("--config", metavar="FILE")
    p = command(
        "screenshots", cmd_screenshots, "Render every screen in every language to PNG files."
    )
    p.add_argument("--config", metavar="FILE", required=True)
    p.add_argument("--out", metavar="DIR", required=True)
    p.add_argument("--size", metavar="WxH", help="default: the configuration's display size")
    p = command("status", cmd_status, "Printer, outbox, sync and today's counts, for technicians.")
    p.add_argument("--config", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command(
        "report",
        cmd_report,
        "Write a period's figures (tickets, arrivals, refusals, satisfaction, printer) as "
        "report.html and CSV files; reads the store read-only.",
    )
    p.add_argument("--config", metavar="FILE")
    p.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first service day")
    p.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last service day (inclusive)")
    p.add_argument("--out", metavar="DIR", help="folder for report.html and the CSV files")
    p = command("hash-pin", cmd_hash_pin, "Hash a technician PIN for [technician] pin_hash.")
    p.add_argument("pin", nargs="?", help="the PIN (asked for when omitted)")
    p = command(
        "requeue-rejected",
        cmd_requeue_rejected,
        "Send again the events the server refused and that were set aside (technicians).",
    )
    p.add_argument("--config", metavar="FILE")
    _add_stub_server_command(command)
    for register in _extension_registrars(command_name):
        register(sub)
    return parser


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--headless", action="store_true", help="render with SDL's dummy video driver")
    p.add_argument("--replay", metavar="FILE", help="scripted input, one command a line")
    p.add_argument("--trace", metavar="FILE", help="append JSON trace lines")
    p.add_argument("--window", metavar="WxH", help="a window of this size instead of full screen")


_UNAVAILABLE_COMMANDS: list[tuple[str, str]] = []  # logged once logging is set up

# Python module -> the distribution that provides it, for "missing module" hints.
_DISTRIBUTIONS = {
    "pygame": "pygame-ce",
    "usb": "pyusb",
    "serial": "pyserial",
    "escpos": "python-escpos==3.1",
    "PIL": "Pillow",
    "qrcode": "qrcode",
    "requests": "requests",
    "gpiozero": "gpiozero",
}


def missing_module_hint(err: ImportError) -> str:
    """One line saying what is missing and how to install it."""
    top = (err.name or "").split(".")[0]
    if top:
        dist = _DISTRIBUTIONS.get(top, top)
        return (
            f"Python module {top!r} is missing: install it into the kiosk's environment "
            f"(pip install {dist}), or reinstall the kiosk (systemd/install.sh)"
        )
    return (
        f"cannot load a library ({err}): install the system packages the kiosk needs "
        "(systemd/install.sh; docs/operations.md)"
    )


def _add_stub_server_command(command: Callable[..., argparse.ArgumentParser]) -> None:
    """``kiosk stub-server``: the development queue server (the top-level ``stubserver``
    package), imported only when this command runs. Same options as ``stubserver.cli``."""
    p = command(
        "stub-server",
        cmd_stub_server,
        "A development queue server implementing protocol v1, with a web page at / to call "
        "the next ticket of each category.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    p.add_argument(
        "--port", type=int, default=8080, help="port (default %(default)s; 0 picks a free one)"
    )
    p.add_argument(
        "--data",
        type=Path,
        default=Path("stub-server-data"),
        metavar="DIR",
        help="folder for the server's SQLite file (default ./%(default)s)",
    )
    p.add_argument(
        "--token",
        default=None,
        help="require Authorization: Bearer TOKEN (default: any non-empty token)",
    )
    p.add_argument(
        "--enrol-code",
        action="append",
        default=[],
        metavar="CODE",
        help="a one-time enrolment code to accept (repeatable)",
    )
    p.add_argument(
        "--priority-policy",
        default="strict",
        metavar="strict|every:N",
        help="how calls order priority tickets: strict (always first) or every:N (one after "
        "every N normal calls); default %(default)s",
    )
    p.add_argument(
        "--target-wait-min",
        type=float,
        default=20.0,
        metavar="MINUTES",
        help="target wait from a ticket's issue to its call, for the indicators "
        "(default %(default)s)",
    )


def cmd_stub_server(args: argparse.Namespace) -> int:
    from stubserver.cli import run

    return run(args)


# Commands that live with their own module (its ``register(subparsers)`` adds them).
EXTENSION_COMMANDS = {
    "provision": "kiosk.ops.provision",
    "selftest": "kiosk.ops.selftest",
    "service-day": "kiosk.store.cli",
}
CORE_COMMANDS = frozenset(
    {"run", "demo", "check-config", "print-test", "screenshots", "status", "report"}
    | {"hash-pin", "requeue-rejected", "stub-server"}
)


def command_in(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not an option), or None."""
    return next((word for word in argv if not word.startswith("-")), None)


def _extension_registrars(command_name: str | None = None) -> list[Callable[[Any], None]]:
    """The registrars of the extension commands: all of them, or none when
    ``command_name`` is a command of this module (``kiosk --help`` still lists them all)."""
    registrars: list[Callable[[Any], None]] = []
    if command_name in CORE_COMMANDS:
        return registrars
    wanted = EXTENSION_COMMANDS.get(command_name or "")
    for module_name in dict.fromkeys(EXTENSION_COMMANDS.values()):
        if wanted is not None and module_name != wanted:
            continue
        try:
            module = __import__(module_name, fromlist=["register"])
        except ImportError as err:  # a partial install still runs the kiosk itself
            _UNAVAILABLE_COMMANDS.append((module_name, missing_module_hint(err)))
            continue
        registrars.append(module.register)
    return registrars


def configure_logging(verbose: bool) -> None:
    """Logging first: python-escpos configures logging on import if nobody did (3.1, #670).

    Uncaught exceptions in threads are logged at ERROR with their traceback, so a crash's
    cause reaches the journal even without ``-v``.
    """
    from kiosk.logsetup import configure_journal_logging, install_thread_excepthook

    configure_journal_logging(logging.DEBUG if verbose else logging.INFO)
    install_thread_excepthook()
    for module_name, hint in _UNAVAILABLE_COMMANDS:
        logger.warning("commands of %s unavailable: %s", module_name, hint)


def _error_label(err: KioskError) -> str:
    if isinstance(err, ConfigError):
        return "config error"
    if isinstance(err, UsageError):
        return "usage error"
    return "error"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        words = sys.argv[1:] if argv is None else list(argv)
        parser = build_parser(command_in(words))
        args = parser.parse_args(words)
        configure_logging(args.verbose)
        return int(args.func(args))
    except KioskError as err:  # expected: one line, its exit code (2 for config and usage)
        print(f"kiosk: {_error_label(err)}: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return EXIT_OK
    except ImportError as err:  # a missing dependency (pygame, pyusb, ...) or shared library
        print(f"kiosk: {missing_module_hint(err)}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as err:  # a bug: the traceback in the journal, one line for the technician
        logger.exception("fatal error")
        print(
            f"kiosk: fatal: {type(err).__name__}: {err} (traceback in the log above)",
            file=sys.stderr,
        )
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
