"""Printer URLs: one parser for ``check-config`` and ``run``, a typed description, and a
bad URL refused with one line naming it, what is wrong and the valid forms (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.core.errors import ConfigError, PrinterUrlError
from printer.connections import (
    VALID_FORMS,
    FileTarget,
    SerialTarget,
    TcpTarget,
    UsbTarget,
    VirtualTarget,
    parse_printer_url,
)

# url: a fragment the message must hold (what is wrong)
BAD_URLS = {
    "tcp://h:99999": "99999",
    "tcp://h:0": "port 0",
    "tcp://h:65536": "65536",
    "tcp://:9100": "host",
    "tcp://h": "port",
    "tcp://h:port": "'port'",
    "tcp://[::1": "bracket",
    "tcp://h:9100?timeout=3": "timeout",
    "tcp://user@h:9100": "user",
    "tcp://h:9100/queue": "/queue",
    "tcp://bad_host!:9100": "bad_host!",
    "usb://zzzz:1": "zzzz",
    "usb://zz:qq": "zz",
    "usb://04b8": "VID:PID",
    "usb://10000:0e28": "10000",
    "usb://04b8:0e28?interface=1": "interface",
    "serial:///dev/ttyS0?baudrate=abc": "abc",
    "serial:///dev/ttyS0?baudrate=0": "baudrate",
    "serial:///dev/ttyS0?speed=9600": "speed",
    "serial:///dev/ttyS0?parity=X": "parity",
    "serial:///dev/ttyS0?bytesize=9": "bytesize",
    "serial:///dev/ttyS0?stopbits=3": "stopbits",
    "serial:///dev/ttyS0?rtscts=2": "rtscts",
    "serial:///dev/ttyS0?rtscts": "rtscts",
    "serial:///dev/ttyS0?baudrate=9600&baudrate=19200": "twice",
    "serial://": "device",
    "serial://dev/ttyS0": "three slashes",
    "virtual://out?state=exploded": "exploded",
    "virtual://out?paper_width_dots=wide": "wide",
    "virtual://out?colour=red": "colour",
    "virtual://": "folder",
    "file://": "path",
    "file:///dev/usb/lp0?mode=raw": "mode",
    "lpt://1": "lpt",
    "/dev/usb/lp0": "scheme",
    " tcp://h:9100": "spaces",
    "tcp://h:9100\n": "control",
}

CONFIG = textwrap.dedent(
    """\
    [kiosk]
    id = "url-1"
    site = "Mairie"
    timezone = "Europe/Paris"
    languages = ["fr"]
    data_dir = "data"

    [printer]
    url = {url}

    [hours]
    monday = ["08:30-12:00"]

    [[categories]]
    id = "etat-civil"
    prefix = "A"
    label = {{ fr = "État civil" }}
    """
)


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


@pytest.mark.parametrize("url", list(BAD_URLS))
def test_the_parser_refuses_a_bad_url_in_one_line(url: str) -> None:
    with pytest.raises(PrinterUrlError) as caught:
        parse_printer_url(url)
    err = caught.value
    assert isinstance(err, ConfigError)
    message = str(err)
    assert "\n" not in message
    assert repr(url) in message
    assert BAD_URLS[url] in err.problem, err.problem
    for form in VALID_FORMS:
        assert form in message


@pytest.mark.parametrize("url", list(BAD_URLS))
def test_check_config_refuses_a_bad_url_exit_2(tmp_path: Path, url: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(CONFIG.format(url=toml_string(url)), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "check-config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, SDL_VIDEODRIVER="dummy"),
    )
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith(f"kiosk: config error: {path}: [printer] url = "), line
    assert toml_string(url) in line
    assert BAD_URLS[url] in line
    assert "expected" in line
    for form in VALID_FORMS:
        assert form in line


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("usb://04b8:0e28", UsbTarget(vendor_id=0x04B8, product_id=0x0E28)),
        ("USB://04B8:E28", UsbTarget(vendor_id=0x04B8, product_id=0x0E28)),
        ("tcp://192.0.2.10:9100", TcpTarget(host="192.0.2.10", port=9100)),
        ("tcp://[::1]:9100", TcpTarget(host="::1", port=9100)),
        ("tcp://printer.local:9100", TcpTarget(host="printer.local", port=9100)),
        ("serial:///dev/ttyUSB0", SerialTarget(device="/dev/ttyUSB0")),
        (
            "serial:///dev/ttyS0?baudrate=38400&bytesize=7&parity=E&stopbits=2&rtscts=1",
            SerialTarget(
                device="/dev/ttyS0",
                baudrate=38400,
                bytesize=7,
                parity="E",
                stopbits=2.0,
                is_rtscts=True,
            ),
        ),
        ("file:///dev/usb/lp0", FileTarget(path=Path("/dev/usb/lp0"))),
        ("virtual:///tmp/out", VirtualTarget(folder=Path("/tmp/out"))),
        ("virtual:///home/agent/My Tickets", VirtualTarget(folder=Path("/home/agent/My Tickets"))),
        (
            "virtual:///tmp/out?state=paper_out&paper_width_dots=384",
            VirtualTarget(folder=Path("/tmp/out"), state="paper_out", paper_width_dots=384),
        ),
    ],
)
def test_a_good_url_gives_a_typed_description(url: str, target: object) -> None:
    assert parse_printer_url(url) == target


def test_relative_paths_resolve_against_the_base_folder(tmp_path: Path) -> None:
    target = parse_printer_url("virtual://out?state=paper_near_end", base_dir=tmp_path)
    assert target == VirtualTarget(folder=tmp_path / "out", state="paper_near_end")
    assert target.url == f"virtual://{tmp_path / 'out'}?state=paper_near_end"
    assert parse_printer_url(target.url) == target
    assert parse_printer_url("file://lp.bin", base_dir=tmp_path).url == f"file://{tmp_path}/lp.bin"


def test_the_serial_description_sets_the_transfer_time() -> None:
    connection = parse_printer_url("serial:///dev/ttyS0?baudrate=9600&parity=E&stopbits=2").connect(
        timeout_s=1.0
    )
    assert connection.transfer_time_s(960) == pytest.approx(1.2)  # 1 + 8 + 1 + 2 bits a byte
