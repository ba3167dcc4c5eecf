"""kiosk provision against the real stub server on loopback and a virtual printer."""

from __future__ import annotations

import argparse
import os
import socket
import stat
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.core.errors import UsageError
from kiosk.ops.provision import register, run
from kiosk.ops.provision_config import Answers, remove_table, render_config, set_table_values
from kiosk.ops.provision_files import write_file_atomically
from stubserver.server import StubServer

TEMPLATE = """\
# comment kept
[kiosk]
id = "hdv-1"   # replaced
site = "Hôtel de ville"
data_dir = "/var/lib/kiosk"

[printer]
url = "usb://04b8:0e28"
profile = "TM-T20II"

[server]
url = "https://file.example.org"
token_file = "/etc/kiosk/token"

[[categories]]
id = "etat-civil"
prefix = "A"
label = { fr = "État civil" }
"""


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["provision", *argv])


@pytest.fixture
def stub(tmp_path: Path) -> Iterator[StubServer]:
    server = StubServer(data_dir=tmp_path / "stub", token="admin-only").start()
    yield server
    server.stop()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "root"
    (target / "etc").mkdir(parents=True)
    return target


def answers(**kw: object) -> Answers:
    base: dict[str, object] = {
        "template": Path("unused"),
        "kiosk_id": "meje-2",
        "site": 'MEJE "Jeunesse"',
        "printer_url": "tcp://10.0.0.5:9100",
        "server_url": "http://127.0.0.1:1",
        "enrol_code": None,
    }
    base.update(kw)
    return Answers(**base)  # type: ignore[arg-type]


def test_render_config_keeps_comments_and_sets_values() -> None:
    text = render_config(TEMPLATE, answers())
    data = tomllib.loads(text)
    assert data["kiosk"]["id"] == "meje-2" and data["kiosk"]["site"] == 'MEJE "Jeunesse"'
    assert data["printer"] == {"url": "tcp://10.0.0.5:9100", "profile": "TM-T20II"}
    assert data["server"] == {"url": "http://127.0.0.1:1", "token_file": "/etc/kiosk/token"}
    assert "# comment kept" in text and data["categories"][0]["id"] == "etat-civil"


def test_render_config_without_server_removes_the_table() -> None:
    data = tomllib.loads(render_config(TEMPLATE, answers(server_url=None)))
    assert "server" not in data and data["categories"][0]["prefix"] == "A"


def test_set_table_values_adds_missing_table_and_keys() -> None:
    text = remove_table(TEMPLATE, "server")
    text = set_table_values(text, "server", {"url": '"http://x"', "token_file": '"/t"'})
    assert tomllib.loads(text)["server"] == {"url": "http://x", "token_file": "/t"}
    text = set_table_values(TEMPLATE, "printer", {"codepage": '"CP858"', "profile": None})
    assert tomllib.loads(text)["printer"] == {"url": "usb://04b8:0e28", "codepage": "CP858"}


def test_private_file_ignores_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        target = tmp_path / "secret"
        (tmp_path / ".secret.tmp").write_text("left by a crash")
        write_file_atomically(target, b"token\n", mode=0o600)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_bytes() == b"token\n"
    assert not (tmp_path / ".secret.tmp").exists()


def provision_args(root: Path, out: Path, server: str, *extra: str) -> argparse.Namespace:
    return parse(
        [
            "--root", str(root),
            "--config-template", "hdv",
            "--kiosk-id", "hdv-2",
            "--site", "Hôtel de ville, accueil",
            "--printer", f"virtual://{out}",
            "--server", server,
            "--yes",
            *extra,
        ]
    )  # fmt: skip


def test_full_provisioning_then_again_keeps_the_token(
    stub: StubServer, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.add_enrol_code("ABCD-1234")
    out = tmp_path / "tickets"
    assert run(provision_args(root, out, stub.url, "--enrol-code", "ABCD-1234")) == 0
    printed = capsys.readouterr().out
    assert "1/4" in printed and "enrolled" in printed and "4/4 service not enabled" in printed

    config_path = root / "etc/kiosk/kiosk.toml"
    assert stat.S_IMODE(config_path.stat().st_mode) == 0o640
    config = load_config(config_path)
    assert (config.kiosk.id, config.kiosk.site) == ("hdv-2", "Hôtel de ville, accueil")
    assert config.server is not None and config.server.url == stub.url
    token_path = root / "etc/kiosk/token"
    assert stat.S_IMODE(token_path.stat().st_mode) == 0o600
    token = token_path.read_text().strip()
    assert token and token != "admin-only"
    assert any(out.rglob("*")), "the test ticket reached the virtual printer"
    states = [r for r in stub.recorded_requests() if r.path.endswith("/state")]
    assert states and states[-1].headers.get("Authorization") == f"Bearer {token}"

    # again, without a code: the token is kept and proven again
    assert run(provision_args(root, out, stub.url, "--skip-print")) == 0
    assert "kept the existing token" in capsys.readouterr().out
    assert token_path.read_text().strip() == token
    assert (root / "etc/kiosk/kiosk.toml.previous").exists() is False  # same text: no backup


def test_used_code_fails_in_one_line(
    stub: StubServer, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = provision_args(root, tmp_path / "t", stub.url, "--enrol-code", "NOPE", "--skip-print")
    assert run(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ask for a new enrolment code" in err
    assert not (root / "etc/kiosk/token").exists()


def test_printer_failure_stops_before_the_code_is_used(
    stub: StubServer, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    stub.add_enrol_code("ONCE")
    args = provision_args(root, root, stub.url, "--enrol-code", "ONCE")
    args.printer = f"tcp://127.0.0.1:{port}"
    assert run(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "test print" in err and "--skip-print" in err
    assert not [r for r in stub.recorded_requests() if r.path.endswith("/enrol")]


def test_offline_kiosk(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(provision_args(root, tmp_path / "t", "", "--skip-print")) == 0
    assert load_config(root / "etc/kiosk/kiosk.toml").server is None
    assert "offline" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"kiosk_id": "Bad Id"}, "--kiosk-id"),
        ({"config_template": "nowhere"}, "no such template"),
        ({"printer": "lpt://1"}, "[printer] url"),
    ],
)
def test_bad_input_is_exit_2_in_one_line(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict, expected: str
) -> None:
    args = provision_args(root, tmp_path / "t", "", "--skip-print")
    for key, value in change.items():
        setattr(args, key, value)
    assert run(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and err.startswith("kiosk: ")
    assert not (root / "etc/kiosk/kiosk.toml").exists()


def test_missing_flags_without_terminal(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse(["--root", str(root), "--config-template", "hdv", "--yes"])) == 2
    assert "--kiosk-id is missing" in capsys.readouterr().err


def test_provisioning_sets_the_technician_pin(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13: provision asks for a PIN (a terminal) or takes its hash (a script);
    without one it says the kiosk has no technician menu."""
    from display.pin import hash_pin, verify_pin
    from kiosk.ops.provision_questions import ask_pin

    assert run(provision_args(root, tmp_path / "t", "", "--skip-print")) == 0
    assert "no technician menu" in capsys.readouterr().out
    pin_hash = hash_pin("2468")
    assert (
        run(provision_args(root, tmp_path / "t", "", "--skip-print", "--pin-hash", pin_hash)) == 0
    )
    assert load_config(root / "etc/kiosk/kiosk.toml").technician.pin_hash == pin_hash
    answers = iter(["1357", "1357"])
    asked = ask_pin(lambda _prompt: next(answers))
    assert asked is not None and verify_pin("1357", asked)
    assert ask_pin(lambda _prompt: "") is None
    with pytest.raises(UsageError, match="differ"):
        replies = iter(["1357", "1358"])
        ask_pin(lambda _prompt: next(replies))


def test_check_config_warns_without_a_pin(tmp_path: Path) -> None:
    from kiosk.cli import describe_config

    config = load_config(Path(__file__).resolve().parents[2] / "config" / "hdv.toml")
    assert "no technician menu" in describe_config(config)
