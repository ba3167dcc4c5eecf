"""``kiosk stub-server`` (or ``python -m stubserver``): run the queue server in the foreground.

Ctrl-C and SIGTERM stop it cleanly with exit code 0 (contract, section 1). The kiosk's own
command line (``kiosk/cli.py``) declares the same options and calls :func:`run`, importing
this package only when that command runs; a test checks both accept the same options.
:func:`main` is the same command without the kiosk.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

HELP = "run a development queue server (protocol v1)"
DESCRIPTION = (
    "A development queue server implementing protocol v1, with a web page at / to call the "
    "next ticket of each category."
)


def register(subparsers: Any) -> None:
    """Add the ``stub-server`` subcommand to an argparse command line."""
    parser = subparsers.add_parser("stub-server", help=HELP, description=DESCRIPTION)
    add_options(parser)
    parser.set_defaults(func=run)


def add_options(parser: argparse.ArgumentParser) -> None:
    """The command's options."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="port (default %(default)s; 0 picks a free one)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=Path("stub-server-data"),
        metavar="DIR",
        help="folder for the server's SQLite file (default ./%(default)s)",
    )
    parser.add_argument(
        "--token",
        default=None,
        help="require Authorization: Bearer TOKEN (default: any non-empty token)",
    )
    parser.add_argument(
        "--enrol-code",
        action="append",
        default=[],
        metavar="CODE",
        help="a one-time enrolment code to accept (repeatable)",
    )
    parser.add_argument(
        "--priority-policy",
        default="strict",
        metavar="strict|every:N",
        help="how calls order priority tickets: strict (always first) or every:N (one after "
        "every N normal calls); default %(default)s",
    )
    add_target_option(parser)


def add_target_option(parser: argparse.ArgumentParser) -> None:
    """``--target-wait-min``: the wait the indicators hold each category's waits against."""
    parser.add_argument(
        "--target-wait-min",
        type=float,
        default=20.0,
        metavar="MINUTES",
        help="target wait from a ticket's issue to its call, for the indicators "
        "(default %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM (exit 0); 2 with one line for a bad port or folder."""
    from stubserver.server import StubServer

    if not 0 <= args.port <= 65535:
        print(f"kiosk: stub-server: --port {args.port}: expected 0 to 65535", file=sys.stderr)
        return 2
    from stubserver.policy import parse_policy

    try:
        policy = parse_policy(args.priority_policy)
    except ValueError as err:
        print(f"kiosk: stub-server: --priority-policy: {err}", file=sys.stderr)
        return 2
    target = getattr(args, "target_wait_min", 20.0)
    if not 0 < target <= 24 * 60:
        print(
            f"kiosk: stub-server: --target-wait-min {target:g}: expected minutes above 0, "
            "at most 1440",
            file=sys.stderr,
        )
        return 2
    server = StubServer(
        host=args.host,
        port=args.port,
        data_dir=args.data,
        token=args.token,
        priority_policy=policy,
        target_wait_min=target,
    )
    for code in args.enrol_code:
        server.add_enrol_code(code)
    try:
        server.open()
    except OSError as err:
        print(
            f"kiosk: stub-server: cannot listen on {args.host}:{args.port} or use {args.data} "
            f"({err.strerror or err}): pick another --port or --data",
            file=sys.stderr,
        )
        return 2

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    print(
        f"stub server listening on {server.url} (data in {args.data}); Ctrl-C stops it", flush=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m stubserver [OPTIONS]``: the server without the kiosk's command line."""
    import logging

    parser = argparse.ArgumentParser(prog="python -m stubserver", description=DESCRIPTION)
    add_options(parser)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return run(parser.parse_args(argv))
