"""The ``kiosk`` command line (contract, section 1).

Only this module prints; everything else logs. Configuration mistakes end with one line on
stderr starting ``kiosk: config error:`` and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.errors import ConfigError, KioskError, PrinterError, UsageError

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage mistakes exit 2 with one line (argparse already uses 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_CONFIG, f"kiosk: usage error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
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
    p.add_argument("file", metavar="FILE")
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
    for register in _extension_registrars():
        register(sub)
    return parser


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--headless", action="store_true", help="render with SDL's dummy video driver")
    p.add_argument("--replay", metavar="FILE", help="scripted input, one command a line")
    p.add_argument("--trace", metavar="FILE", help="append JSON trace lines")
    p.add_argument("--window", metavar="WxH", help="a window of this size instead of full screen")


def _extension_registrars() -> list[Callable[[Any], None]]:
    """Commands that live with their own module: stub-server, provision, selftest."""
    registrars: list[Callable[[Any], None]] = []
    for module_name in ("kiosk.stubserver.cli", "kiosk.provision", "kiosk.selftest"):
        try:
            module = __import__(module_name, fromlist=["register"])
        except ImportError as err:  # a partial install still runs the kiosk itself
            logger.debug("command module %s unavailable: %s", module_name, err)
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
        trace_path=_path(args.trace),
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
        trace_path=_path(args.trace),
    )


def cmd_check_config(args: argparse.Namespace) -> int:
    from kiosk.app import load_layout
    from kiosk.config import load_config

    config = load_config(args.file)
    load_layout(config)  # the printer profile and logo are part of a valid configuration
    print(describe_config(config))
    return EXIT_OK


def describe_config(config: Any) -> str:
    k = config.kiosk
    lines = [
        f"{config.path}: valid",
        f"kiosk {k.id} at {k.site} ({k.timezone}), languages {', '.join(k.languages)}",
        f"data in {k.data_dir}, kept {k.retention_days} days",
        f"printer {config.printer.url} (profile {config.printer.profile}, {config.printer.codepage})",
        f"server {config.server.url}" if config.server else "server: none (offline only)",
    ]
    for day, ranges in config.hours_text.items():
        lines.append(f"  {day:<9} {', '.join(ranges) if ranges else 'closed'}")
    lines.append(f"{len(config.ticket_categories)} ticket categories:")
    for c in config.categories:
        cap = f", cap {c.cap}/day" if c.cap else ""
        group = f" (in {c.parent})" if c.parent else ""
        prefix = c.prefix or "--"
        lines.append(f"  {prefix:<2} {c.id}: {c.label[k.default_language]}{group}{cap}")
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
    from kiosk.status import collect_status, format_status

    report = collect_status(config_for_run(args.config))
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_status(report))
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
    from kiosk.replay import load_replay

    return load_replay(args.replay)


def _path(text: str | None) -> Path | None:
    return Path(text) if text else None


def configure_logging(verbose: bool) -> None:
    """Logging first: python-escpos configures logging on import if nobody did (3.1, #670)."""
    try:
        from kiosk.logsetup import configure_journal_logging

        configure_journal_logging(logging.DEBUG if verbose else logging.INFO)
    except ImportError:
        logging.basicConfig(
            level=logging.DEBUG if verbose else logging.INFO,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        return int(args.func(args))
    except ConfigError as err:
        print(f"kiosk: config error: {err}", file=sys.stderr)
        return EXIT_CONFIG
    except UsageError as err:
        print(f"kiosk: usage error: {err}", file=sys.stderr)
        return EXIT_CONFIG
    except KioskError as err:
        print(f"kiosk: error: {err}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception as err:  # a bug: one line for the technician, the traceback in the log
        logger.debug("fatal error", exc_info=True)
        print(
            f"kiosk: fatal: {type(err).__name__}: {err} (run with -v for details)", file=sys.stderr
        )
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
