"""Issue 13, point 9: every technician line in the default language. Builds every
technician screen in every state the screenshots know (PIN, wrong PIN, locked, menu, the
feedback after each action, the restart confirmation), every printer status and every sync
state, records each message id the builders ask the catalog for, and finds a French and an
Arabic translation for each (English is the source language)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from display import screens
from display.screenshots import MOMENT_UTC, build_scene, layout_for, scenes
from display.technician import NOTICES, PRINTER_WORDS
from kiosk.core.messages import KioskSnapshot
from kiosk.core.vocabulary import PrinterStatus
from kiosk.i18n import translator

# spelled the same in French: nothing to translate
SAME_IN = {"fr": {"OK", "Version %(version)s, IP %(ip)s"}, "ar": set()}


@pytest.fixture
def asked(monkeypatch) -> set[str]:
    seen: set[str] = set()
    original = screens.ScreenContext._

    def recording(self, message: str) -> str:
        seen.add(message)
        return original(self, message)

    monkeypatch.setattr(screens.ScreenContext, "_", recording)
    return seen


def test_every_technician_line_has_french_and_arabic(config_factory, asked):
    config = config_factory()
    layout = layout_for(config, (800, 480))
    sync_states = [
        dict(sync_state="off"),
        dict(sync_state="auth_failed"),
        dict(sync_state="retrying", sync_error="timeout"),
        dict(sync_state="ok", sync_last_success_at=MOMENT_UTC - dt.timedelta(minutes=1)),
        dict(sync_state="waiting"),
        dict(sync_state=""),
    ]
    built = 0
    for scene in scenes(config, "fr"):
        if not scene.name.startswith("tech"):
            continue
        variants = [scene.snapshot]
        if scene.name == "tech-menu":
            variants += [dataclasses.replace(scene.snapshot, **s) for s in sync_states]
            variants += [
                dataclasses.replace(scene.snapshot, printer_status=str(p)) for p in PrinterStatus
            ]
        for snapshot in variants:
            build_scene(config, dataclasses.replace(scene, snapshot=snapshot), layout)
            built += 1
        if scene.name == "tech-menu":
            for notice in NOTICES:
                scene.flow.tech_notice = notice
                build_scene(config, scene, layout)
            scene.flow.tech_notice = None
        if scene.name == "tech-pin":
            scene.flow.pin_locked_s = 30
            build_scene(config, scene, layout)
    assert built > 10
    assert set(PRINTER_WORDS.values()) <= asked
    assert set(NOTICES.values()) <= asked
    assert {
        "Restart the kiosk? Tickets stop for about a minute.",
        "Yes, restart",
        "Wrong PIN",
        "Locked: try again in %(seconds)d s",
        "authentication failed",
        "Sync: %(text)s",
    } <= asked
    for language in ("fr", "ar"):
        tr = translator(language, "screens")
        missing = sorted(m for m in asked if tr.gettext(m) == m and m not in SAME_IN[language])
        assert not missing, f"{language}: untranslated technician lines: {missing}"


def test_an_untranslated_line_would_be_found(config_factory):
    assert translator("fr", "screens").gettext("No such technician line") == (
        "No such technician line"
    )
    assert KioskSnapshot().printer_status in {str(p) for p in PrinterStatus} | {""}
