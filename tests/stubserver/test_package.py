"""The stub server is its own package: it shares only the protocol module with the kiosk, and
the kiosk's command line imports it only when ``kiosk stub-server`` runs."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from kiosk.cli import build_parser
from stubserver.cli import register


def _modules_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_stub_imports_only_the_protocol_module_of_the_kiosk():
    loaded = _modules_after("import stubserver, stubserver.cli; stubserver.StubServer")
    kiosk_modules = {m for m in loaded if m == "kiosk" or m.startswith("kiosk.")}
    assert kiosk_modules == {"kiosk", "kiosk.sync", "kiosk.sync.protocol"}
    assert not {m for m in loaded if m.split(".")[0] in ("display", "printer", "requests")}


def test_building_the_kiosk_command_line_does_not_import_the_stub():
    loaded = _modules_after("import kiosk.cli; kiosk.cli.build_parser()")
    assert not {m for m in loaded if m.split(".")[0] == "stubserver"}


def _options(parser: argparse.ArgumentParser) -> dict[str, object]:
    return {
        a.dest: (tuple(a.option_strings), a.default, a.type, a.metavar)
        for a in parser._actions
        if a.option_strings and a.dest != "help"
    }


def test_kiosk_stub_server_takes_the_same_options_as_the_package():
    own = argparse.ArgumentParser(prog="kiosk")
    register(own.add_subparsers())
    kiosk_sub = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    own_sub = next(a for a in own._actions if isinstance(a, argparse._SubParsersAction))
    assert _options(kiosk_sub.choices["stub-server"]) == _options(own_sub.choices["stub-server"])
    args = build_parser().parse_args(["stub-server", "--port", "0"])
    assert args.port == 0 and args.func.__name__ == "cmd_stub_server"
