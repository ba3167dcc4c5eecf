"""The token file must be a regular file: a FIFO (or a folder, a device) is refused with one
line at start-up instead of blocking it forever (issue 10, item 17)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.core.errors import AuthError, ConfigError, TokenFileError
from kiosk.sync.client import read_token

CONFIG = textwrap.dedent(
    """\
    [kiosk]
    id = "tok-1"
    site = "Mairie"
    timezone = "Europe/Paris"
    languages = ["fr"]
    data_dir = "data"

    [printer]
    url = "virtual://out"

    [server]
    url = "http://127.0.0.1:9"
    token_file = "token"

    [hours]
    monday = ["00:00-24:00"]

    [[categories]]
    id = "etat-civil"
    prefix = "A"
    label = { fr = "État civil" }
    """
)


def test_a_fifo_as_token_file_is_one_config_error_line_at_start(tmp_path: Path) -> None:
    token = tmp_path / "token"
    os.mkfifo(token, 0o600)
    config = tmp_path / "kiosk.toml"
    config.write_text(CONFIG, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--headless", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,  # a guard: before the fix, open() waited for a writer forever
        env=dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy"),
    )
    assert out.returncode == 2, out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("kiosk: config error: ")
    assert f"{token}: token file is not a regular file (a FIFO)" in lines[0]


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_read_token_refuses_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    token = tmp_path / "token"
    if kind == "fifo":
        os.mkfifo(token, 0o600)
    else:
        token.mkdir(mode=0o700)
    with pytest.raises(TokenFileError, match="not a regular file") as caught:
        read_token(token)
    assert isinstance(caught.value, ConfigError)
    assert not isinstance(caught.value, AuthError)


def test_a_regular_token_file_is_read(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("  s3cret\n", encoding="utf-8")
    token.chmod(0o600)
    assert read_token(token) == "s3cret"


def test_sync_recognises_a_token_problem_by_its_type(store, clock, make_service, token_file):
    """The technician's "sync: authentication failed" comes from the error's type
    (TokenFileError, AuthError), never from the word "token" in a message."""
    token_file.unlink()
    os.mkfifo(token_file, 0o600)
    service = make_service()
    service.run_once()
    status = service.status()
    assert status.is_auth_failed
    assert "not a regular file" in (status.last_error or "")
    service._failed(ConfigError("[server] token_budget: not a known key"))
    assert not service.status().is_auth_failed
