"""The ``kiosk`` command line (contract, section 1).

Only this module prints; everything else logs. Configuration mistakes end with one line on
stderr starting ``kiosk: config error:`` and exit code 2, never a traceback.

Over 400 lines on purpose: it declares every command of the contract's section 1 with its
options; each command is a thin adapter that imports, when it runs, the module doing the
work (kiosk.app, kiosk.ops, kiosk.report, stubserver...).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.core.errors import ConfigError, KioskError, PrinterError, UsageError

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


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


def parse_size(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise UsageError(f'size "{text}": expected WIDTHxHEIGHT such as 800x480') from None
    if not (100 <= w <= 8000 and 100 <= h <= 8000):
        raise UsageError(f'size "{text}": expected each side from 100 to 8000 pixels')
    return w, h


# ---- commands ------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.app import config_for_run, run_kiosk

    config = config_for_run(args.config)
    return run_kiosk(
        config,
        headless=args.headless,
        replay=_replay(args),
        trace_path=_trace_path(args.trace),
        window_size=parse_size(args.window),
    )


def cmd_demo(args: argparse.Namespace) -> int:
    import os

    from kiosk.app import run_demo

    headless = args.headless
    if (
        not headless
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        and not Path("/dev/dri").exists()
    ):
        print(
            "kiosk: no display found: running headless; tickets go to "
            f"{Path(args.out).resolve()}/ (Ctrl-C to stop)",
            file=sys.stderr,
        )
        headless = True
    return run_demo(
        out_dir=Path(args.out),
        headless=headless,
        replay=_replay(args),
        trace_path=_trace_path(args.trace),
    )


def cmd_check_config(args: argparse.Namespace) -> int:
    from kiosk.app import load_layout
    from kiosk.config import load_config

    if args.remote is not None:
        return _check_remote(args)
    if args.file is None:
        raise UsageError("check-config: give the configuration FILE (or --remote FILE.json)")
    config = load_config(args.file)
    load_layout(config)  # the printer profile and logo are part of a valid configuration
    from kiosk.core.service_day import local_now

    today = local_now(dt.datetime.now(dt.UTC), config.kiosk.timezone).date()
    print(describe_config(config, today=today))
    return EXIT_OK


def _check_remote(args: argparse.Namespace) -> int:
    """``check-config --remote FILE.json [--config FILE]``: what the kiosk would do with that
    server document: the same rules and messages as a file, over the local file."""
    from kiosk.config import default_config_path
    from kiosk.remote_config import check_remote_file

    local = Path(args.config or args.file or default_config_path())
    config = check_remote_file(local, Path(args.remote))
    from kiosk.core.service_day import local_now

    today = local_now(dt.datetime.now(dt.UTC), config.kiosk.timezone).date()
    text = describe_config(config, today=today)
    print(text.replace(f"{config.path}: valid", f"{args.remote}: valid over {config.path}", 1))
    return EXIT_OK


def describe_config(config: Any, today: dt.date | None = None) -> str:
    k = config.kiosk
    lines = [
        f"{config.path}: valid",
        f"kiosk {k.id} at {k.site} ({k.timezone}), languages {', '.join(k.languages)}",
        f"data in {k.data_dir}, kept {k.retention_days} days",
        f"printer {config.printer.url} (profile {config.printer.profile}, {config.printer.codepage})",
        f"server {config.server.url}" if config.server else "server: none (offline only)",
        "technician menu: PIN set"
        if config.technician.pin_hash
        else "warning: no [technician] pin_hash: this kiosk has no technician menu "
        "(set one with kiosk hash-pin)",
    ]
    for day, ranges in config.hours_text.items():
        lines.append(f"  {day:<9} {', '.join(ranges) if ranges else 'closed'}")
    if today is not None:
        from kiosk.core.calendar_summary import calendar_lines

        lines.extend(calendar_lines(config, today))
    lines.append(f"{len(config.ticket_categories)} ticket categories:")
    for c in config.categories:
        cap = f", cap {c.cap}/day" if c.cap else ""
        group = f" (in {c.parent})" if c.parent else ""
        prefix = c.prefix or "--"
        offered = ""
        if c.hours is not None:
            days = [f"{d} {', '.join(r)}" for d, r in c.hours_text.items() if r]
            offered = f", offered {'; '.join(days) or 'never'}"
        priority = ", priority ticket too" if config.offers_priority(c.id) and c.prefix else ""
        lines.append(
            f"  {prefix:<2} {c.id}: {c.label[k.default_language]}{group}{cap}{offered}{priority}"
        )
    a = config.appointments
    if a is not None:  # contract 5.3
        scanner = f", scanner {a.scanner} ({a.scanner_layout})" if a.scanner else ""
        source = "" if config.server is not None else " (no [server]: no list to check in from)"
        lines.append(
            f"appointments: check-in from {a.early_min} min before to {a.late_min} min after "
            f"the start{scanner}{source}"
        )
    return "\n".join(lines)


def cmd_print_test(args: argparse.Namespace) -> int:
    from kiosk.app import config_for_run, load_layout
    from printer.device import TicketPrinter
    from printer.status import PrinterStatus

    config = config_for_run(args.config)
    layout = load_layout(config)
    data = layout.render_test(site=config.kiosk.site)
    with TicketPrinter.from_config(config.printer) as printer:
        try:
            status = printer.print_job(data, job_name="test")
        except PrinterError as err:
            print(f"kiosk: {err}", file=sys.stderr)
            status = (
                PrinterStatus(err.status)
                if err.status in {s.value for s in PrinterStatus}
                else PrinterStatus.UNKNOWN
            )
    print(f"printer status: {status.value}")
    return EXIT_OK if status in (PrinterStatus.OK, PrinterStatus.PAPER_NEAR_END) else EXIT_FAILURE


def cmd_screenshots(args: argparse.Namespace) -> int:
    from kiosk.app import use_headless_video
    from kiosk.config import load_config

    config = load_config(args.config)
    size = parse_size(args.size)
    use_headless_video()
    from display.screenshots import render_screenshots

    paths = render_screenshots(config, Path(args.out), size=size)
    for p in paths:
        print(p)
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk.app import config_for_run
    from kiosk.ops.status import collect_status, format_status

    report = collect_status(config_for_run(args.config))
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(format_status(report, is_color=sys.stdout.isatty()))
    return EXIT_OK


def cmd_stub_server(args: argparse.Namespace) -> int:
    from stubserver.cli import run

    return run(args)


def cmd_requeue_rejected(args: argparse.Namespace) -> int:
    from kiosk.app import config_for_run
    from kiosk.store import Store

    config = config_for_run(args.config)
    k = config.kiosk
    with Store.open(k.data_dir, kiosk_id=k.id, timezone=k.timezone) as store:
        count = store.requeue_rejected()
    print(
        f"{count} set-aside event(s) queued to be sent again"
        if count
        else "no set-aside event to send again"
    )
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.app import config_for_run
    from kiosk.report.command import parse_period, prepare_out, write_report

    period = parse_period(args.first, args.last)
    out = prepare_out(args.out)
    written = write_report(config_for_run(args.config), period, out)
    if not written.has_charts:
        print(
            "kiosk: report: no pictures: charts need `pip install kiosk-borne[report]`",
            file=sys.stderr,
        )
    for path in written.files:
        print(path)
    return EXIT_OK


def cmd_hash_pin(args: argparse.Namespace) -> int:
    import getpass

    from display.pin import hash_pin

    pin = args.pin or getpass.getpass("PIN (4 to 12 digits): ")
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise UsageError("PIN: expected 4 to 12 digits")
    print(f'pin_hash = "{hash_pin(pin)}"')
    return EXIT_OK


def _replay(args: argparse.Namespace) -> Any:
    if not getattr(args, "replay", None):
        return None
    from kiosk.core.replay import load_replay

    return load_replay(args.replay)


def _path(text: str | None) -> Path | None:
    return Path(text) if text else None


def _trace_path(text: str | None) -> Path | None:
    from kiosk.trace import check_trace_path

    return check_trace_path(Path(text)) if text else None


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
