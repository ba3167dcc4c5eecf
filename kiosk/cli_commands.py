"""The bodies of the ``kiosk`` commands (contract, section 1); kiosk/cli.py declares them.

Each command is a thin adapter that imports, when it runs, the module doing the work
(kiosk.app, kiosk.ops, kiosk.report...), so ``kiosk run`` loads only what it runs;
``kiosk stub-server`` stays in kiosk/cli.py, the one module of the import contract that
starts the development queue server. Only the command line prints: these functions and
kiosk/cli.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.core.errors import EXIT_FAILURE, EXIT_OK, PrinterError, UsageError


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


def _trace_path(text: str | None) -> Path | None:
    from kiosk.trace import check_trace_path

    return check_trace_path(Path(text)) if text else None
