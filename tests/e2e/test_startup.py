"""Start-up (issue 18): the first frame comes before the slow parts, nothing is issued
before the store and the printer are ready, and python-escpos's parsed capability database
and the parsed message catalogs survive an emptied temporary folder (the unit's
PrivateTmp=yes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from display.replay_driver import TOUCH_GAP_S
from display.view import Action
from kiosk.app import Kiosk
from kiosk.config import load_config
from printer.fake import FakeTcpPrinter

ALL_WEEK = "\n".join(
    f'{d} = ["00:00-24:00"]'
    for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)


def write_config(root: Path, printer_url: str) -> Path:
    config = root / "kiosk.toml"
    config.write_text(
        f"""
[kiosk]
id = "startup-1"
site = "Hôtel de ville"
timezone = "Europe/Paris"
languages = ["fr", "en"]
data_dir = "data"

[printer]
url = "{printer_url}"
timeout_s = 60

[hours]
{ALL_WEEK}

[[categories]]
id = "etat-civil"
prefix = "A"
label = {{ fr = "État civil", en = "Civil status" }}
""",
        encoding="utf-8",
    )
    return config


class HeldPrinter(FakeTcpPrinter):
    """A printer that answers no status query until ``release`` is set: the kiosk's
    start-up cannot end before (its controller reads the printer's status first)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def reply_to(self, query: bytes) -> bytes:
        self.release.wait(60)
        return super().reply_to(query)


def trace_events(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(x)["event"] for x in path.read_text(encoding="utf-8").splitlines()]


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {timeout_s:.0f} s"
        time.sleep(0.02)


def touch(kiosk: Kiosk, action: Action) -> None:
    center = kiosk.display.button_center(action)
    assert center is not None, f"no button for {action} on {kiosk.display.visible_screen()}"
    kiosk.display.post_touch(center, True)
    time.sleep(0.05)
    kiosk.display.post_touch(center, False)


def test_the_first_frame_comes_first_and_a_touch_meanwhile_is_held(tmp_path: Path) -> None:
    """The printer holds the start-up: the screen is up, a visitor touches a category, and
    the ticket is issued only once the printer answered, with every usual check."""
    trace = tmp_path / "trace.jsonl"
    failures: list[BaseException] = []
    seen_while_held: list[str] = []
    with HeldPrinter() as printer:
        kiosk = Kiosk(
            load_config(write_config(tmp_path, printer.url)), headless=True, trace_path=trace
        )

        def visitor() -> None:
            try:
                wait_until(lambda: "ready" in trace_events(trace), "first frame")
                touch(kiosk, Action("start"))
                wait_until(lambda: kiosk.display.visible_screen() == "categories", "categories")
                time.sleep(TOUCH_GAP_S)  # a visitor's pace: never within the debounce
                touch(kiosk, Action("category", "etat-civil"))
                wait_until(lambda: "touch" in trace_events(trace), "touch")
                time.sleep(0.5)  # an early ticket would have been issued by now
                seen_while_held.extend(trace_events(trace))
                assert kiosk.startup.state == "starting", kiosk
                printer.release.set()
                wait_until(lambda: "printed" in trace_events(trace), "printed ticket")
            except BaseException as err:
                failures.append(err)
            finally:
                printer.release.set()
                kiosk.display.request_quit(0)

        helper = threading.Thread(target=visitor, daemon=True)
        with kiosk:
            helper.start()
            code = kiosk.run()
        helper.join(60)
    if failures:
        raise failures[0]
    assert code == 0
    assert "ready" in seen_while_held and "touch" in seen_while_held
    assert "issued" not in seen_while_held and "refused" not in seen_while_held
    events = trace_events(trace)
    flow = [e for e in events if e in ("ready", "touch", "started", "issued", "printed")]
    # `started` (store and printer open) may come before or after the touch; the ticket is
    # issued only after it, and after the printer's first status answer.
    assert flow[0] == "ready" and sorted(flow) == sorted(
        ["ready", "touch", "started", "issued", "printed"]
    )
    assert flow.index("touch") < flow.index("issued") and flow.index("started") < flow.index(
        "issued"
    )
    assert flow[-2:] == ["issued", "printed"]
    assert repr(kiosk) == "<Kiosk startup-1 closed startup=closed>"


def env_for(tmpdir: Path, **extra: str) -> dict[str, str]:
    """This environment without any cache folder of its own (an in-process kiosk of this
    test session may have set python-escpos's), an empty TMPDIR, and ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ESCPOS_CAPABILITIES_PICKLE_DIR", "CACHE_DIRECTORY")
    }
    return dict(env, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", TMPDIR=str(tmpdir), **extra)


def run_kiosk_process(root: Path, tmpdir: Path, **env: str) -> list[str]:
    tmpdir.mkdir()
    (root / "replay.txt").write_text("quit\n", encoding="utf-8")
    trace = root / "trace.jsonl"
    trace.unlink(missing_ok=True)
    done = subprocess.run(
        [
            *(sys.executable, "-m", "kiosk", "run", "--config", str(root / "kiosk.toml")),
            *("--headless", "--replay", str(root / "replay.txt"), "--trace", str(trace)),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env=env_for(tmpdir, **env),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return trace_events(trace)


def test_an_emptied_tmpdir_finds_the_capability_cache_in_the_cache_directory(tmp_path):
    write_config(tmp_path, "virtual://out")
    cache = tmp_path / "var-cache-kiosk"  # what systemd's CacheDirectory=kiosk gives
    run_kiosk_process(tmp_path, tmp_path / "tmp-1", CACHE_DIRECTORY=str(cache))
    (pickle,) = (cache / "escpos").glob("*.capabilities.pickle")
    parsed_ns = pickle.stat().st_mtime_ns
    events = run_kiosk_process(tmp_path, tmp_path / "tmp-2", CACHE_DIRECTORY=str(cache))
    assert events[0] == "ready" and "started" in events
    assert pickle.stat().st_mtime_ns == parsed_ns  # read again, not parsed again
    assert list((tmp_path / "tmp-1").iterdir()) == []  # nothing of it in the temporary folder
    assert list((tmp_path / "tmp-2").iterdir()) == []


def test_without_a_cache_directory_the_data_folder_keeps_the_cache(tmp_path):
    write_config(tmp_path, "virtual://out")
    run_kiosk_process(tmp_path, tmp_path / "tmp-1")
    run_kiosk_process(tmp_path, tmp_path / "tmp-2")
    assert list((tmp_path / "data" / "cache" / "escpos").glob("*.capabilities.pickle"))
    assert list((tmp_path / "tmp-2").iterdir()) == []


def test_a_damaged_capability_cache_is_parsed_again(tmp_path):
    """A power cut while python-escpos wrote its cache leaves a truncated file, newer than
    the database: the kiosk must still start (and repair it), not fail at every boot."""
    write_config(tmp_path, "virtual://out")
    cache = tmp_path / "cache"
    run_kiosk_process(tmp_path, tmp_path / "tmp-1", CACHE_DIRECTORY=str(cache))
    (pickle,) = (cache / "escpos").glob("*.capabilities.pickle")
    size = pickle.stat().st_size
    pickle.write_bytes(pickle.read_bytes()[:100])
    events = run_kiosk_process(tmp_path, tmp_path / "tmp-2", CACHE_DIRECTORY=str(cache))
    assert "started" in events
    assert pickle.stat().st_size == size


def test_the_message_catalogs_are_parsed_once_into_the_cache_directory(tmp_path):
    """The screens' French catalog and the French names of days and months, read with Babel
    at the first start, are read back from the cache folder at the next one."""
    write_config(tmp_path, "virtual://out")
    cache = tmp_path / "var-cache-kiosk"
    run_kiosk_process(tmp_path, tmp_path / "tmp-1", CACHE_DIRECTORY=str(cache))
    (table,) = (cache / "catalogs").glob("fr-screens-*.json")
    (names,) = (cache / "catalogs").glob("names-fr-*.json")  # the header's date
    parsed_ns = table.stat().st_mtime_ns, names.stat().st_mtime_ns
    events = run_kiosk_process(tmp_path, tmp_path / "tmp-2", CACHE_DIRECTORY=str(cache))
    assert events[0] == "ready" and "started" in events
    assert (table.stat().st_mtime_ns, names.stat().st_mtime_ns) == parsed_ns  # read again
    assert list((tmp_path / "tmp-2").iterdir()) == []


@pytest.mark.parametrize("command", ["run", "demo", "check-config", "status", "report"])
def test_commands_of_this_module_do_not_import_the_others(command):
    """``kiosk run`` (and the others) never load provisioning, self-test or store
    maintenance: a fifth of the command line's import time at every start."""
    code = (
        "import sys, kiosk.cli as cli\n"
        f"cli.build_parser(cli.command_in([{command!r}, '--help']))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('kiosk.ops', 'kiosk.store'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_the_kiosk_lifecycle_is_explicit(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "virtual://out"))
    never_opened = Kiosk(config, headless=True)
    assert repr(never_opened) == "<Kiosk startup-1 new startup=->"
    never_opened.close()
    never_opened.close()
    assert never_opened.state == "closed"
    with pytest.raises(RuntimeError, match="after open"):
        Kiosk(config, headless=True).run()
    with Kiosk(config, headless=True, trace_path=tmp_path / "trace.jsonl") as kiosk:
        assert repr(kiosk) == "<Kiosk startup-1 open startup=waiting>"
        assert kiosk.controller is None  # nothing that issues before the first frame
        assert kiosk.snapshot.value.is_starting
    assert repr(kiosk) == "<Kiosk startup-1 closed startup=closed>"
    kiosk.close()  # idempotent
    assert not (tmp_path / "data").exists()  # the store is opened only after the first frame


def test_a_bad_token_file_is_one_config_error_line_and_exit_2_before_the_first_frame(tmp_path):
    config = write_config(tmp_path, "virtual://out")
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text + '\n[server]\nurl = "http://127.0.0.1:9"\ntoken_file = "missing-token"\n',
        encoding="utf-8",
    )
    (tmp_path / "replay.txt").write_text("wait 30\nquit\n", encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    done = subprocess.run(
        [
            *(sys.executable, "-m", "kiosk", "run", "--config", str(config), "--headless"),
            *("--replay", str(tmp_path / "replay.txt")),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env_for(tmp_path / "tmp"),
    )
    assert done.returncode == 2, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("kiosk: ")]
    assert len(errors) == 1 and errors[0].startswith("kiosk: config error: "), done.stderr
    assert "missing-token" in errors[0]
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1  # checked before anything is opened or logged
