"""``kiosk demo`` and the configuration ``run`` uses when none is given."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import replace
from pathlib import Path

from kiosk.config import bundled_config_dir, load_config
from kiosk.core.errors import ConfigError
from kiosk.core.replay import ReplayCommand, load_replay
from kiosk.core.settings import Config, ServerSection

logger = logging.getLogger(__name__)


def demo_config(out_dir: Path) -> Config:
    """The bundled demo configuration, pointed at ``out_dir``: virtual printer, data."""
    config = load_config(bundled_config_dir() / "demo.toml")
    return replace(
        config,
        kiosk=replace(config.kiosk, data_dir=out_dir / "data"),
        printer=replace(config.printer, url=f"virtual://{out_dir}"),
    )


def run_demo(
    *,
    out_dir: Path,
    headless: bool = False,
    replay: list[ReplayCommand] | None = None,
    trace_path: Path | None = None,
) -> int:
    """The whole system on any machine: demo configuration, an in-process stub server on a
    free loopback port, a virtual printer writing each ticket to ``out_dir``."""
    from kiosk.app import run_kiosk
    from stubserver import StubServer

    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    config = demo_config(out_dir)
    token = secrets.token_urlsafe(24)
    token_file = out_dir / "token"
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    os.chmod(token_file, 0o600)
    if replay is None and headless:
        demo_replay = bundled_config_dir() / "demo.replay"
        if demo_replay.is_file():
            replay = load_replay(demo_replay)
    server = StubServer(host="127.0.0.1", port=0, data_dir=out_dir / "server", token=token)
    server.start()
    try:
        logger.info("demo: stub queue server at %s; tickets go to %s", server.url, out_dir)
        config = replace(config, server=ServerSection(url=server.url, token_file=token_file))
        return run_kiosk(config, headless=headless, replay=replay, trace_path=trace_path)
    finally:
        server.stop()


def config_for_run(path: str | None) -> Config:
    """``--config`` if given, else /etc/kiosk/kiosk.toml if it exists (``$KIOSK_DEFAULT_CONFIG``
    when set), else the demo one."""
    from kiosk.config import default_config_path, demo_config_path

    if path:
        return load_config(path)
    default = default_config_path()
    if default.exists():
        return load_config(default)
    demo = demo_config_path()
    if not demo.is_file():
        raise ConfigError(
            f"{default}: file not found and no bundled demo configuration: pass --config FILE"
        )
    # The bundled file may sit in a read-only prefix: its data and tickets go to ./demo-out/,
    # as with `kiosk demo`.
    return demo_config(Path("demo-out").resolve())
