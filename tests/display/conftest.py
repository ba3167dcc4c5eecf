"""Shared fixtures for the display tests: configurations, a fake controller, pygame."""

from __future__ import annotations

import datetime as dt
import os
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame

from display.pin import hash_pin
from kiosk.config import parse_config
from kiosk.core.messages import (
    Intent,
    TicketIssued,
    TicketPrinted,
    TicketRefused,
    TicketRequest,
    TicketVoided,
    Update,
)
from kiosk.core.settings import Config

PIN = "2468"
PIN_HASH = hash_pin(PIN, iterations=10_000)

SIZES = [(800, 480), (1024, 600), (1280, 800), (1920, 1080), (1080, 1920)]
PANEL_MM = {
    (800, 480): 154.0,
    (1024, 600): 154.0,
    (1280, 800): 217.0,
    (1920, 1080): 476.0,
    (1080, 1920): 268.0,
}

LONG_CATEGORIES = [
    ("etat-civil", "A", "État civil", "Civil status", "family"),
    ("passeports-cni", "P", "Passeports et cartes d'identité", "Passports and ID cards", "id-card"),
    ("elections", "E", "Élections", "Elections", "ballot"),
    ("urbanisme", "U", "Urbanisme", "Planning and building", "house"),
    ("resultats", "R", "Résultats d'analyses", "Test results", "health"),
    ("logement", "L", "Logement social", "Social housing", "house"),
    ("ccas-aides", "C", "Aides sociales et secours", "Social assistance", "money"),
    ("inscriptions", "I", "Inscriptions scolaires", "School enrolment", "school"),
    ("cimetiere", "M", "Cimetière", "Cemetery", None),
    ("recensement", "N", "Recensement citoyen", "Military census", "person"),
    ("associations", "S", "Vie associative", "Associations", "family"),
    ("reclamations", "Q", "Réclamations et signalements", "Complaints and reports", "document"),
]


# Arabic labels, by category id (a native speaker has not reviewed them: they test layout)
ARABIC_LABELS = {
    "etat-civil": "الحالة المدنية",
    "passeports-cni": "جوازات السفر وبطاقات الهوية",
    "elections": "الانتخابات",
    "urbanisme": "التعمير والبناء",
    "resultats": "نتائج التحاليل",
    "logement": "السكن الاجتماعي",
    "ccas-aides": "المساعدات الاجتماعية والإغاثة",
    "inscriptions": "التسجيل المدرسي",
    "cimetiere": "المقبرة",
    "recensement": "الإحصاء العسكري",
    "associations": "الحياة الجمعوية",
    "reclamations": "الشكاوى والتبليغات",
    "france-services": "France services",
    "fs-caf": "CAF (المنح العائلية)",
    "fs-impots": "الضرائب",
}
SHORT_ARABIC = [
    "البلدية",
    "الجوازات",
    "الانتخابات",
    "التعمير",
    "التحاليل",
    "السكن",
    "المساعدات",
    "المدارس",
    "المقبرة",
    "الإحصاء",
    "الجمعيات",
    "الشكاوى",
]


SHORT_LABELS = [
    ("Mairie", "Town hall"),
    ("Passeports", "Passports"),
    ("Élections", "Elections"),
    ("Urbanisme", "Planning"),
    ("Analyses", "Tests"),
    ("Logement", "Housing"),
    ("Aides", "Benefits"),
    ("Écoles", "Schools"),
    ("Cimetière", "Cemetery"),
    ("Citoyenneté", "Census"),
    ("Associations", "Associations"),
    ("Plaintes", "Complaints"),
]


def make_config(
    tmp_path: Path,
    *,
    n_categories: int = 4,
    is_short: bool = False,
    size: tuple[int, int] = (800, 480),
    rotation: int = 0,
    theme: str = "default",
    with_children: bool = True,
    pin_hash: str | None = PIN_HASH,
    languages: tuple[str, ...] = ("fr", "en", "ar"),
    priority: list[str] | None = None,
    appointments: bool = False,
    survey: bool = False,
    **display: Any,
) -> Config:
    cats: list[dict[str, Any]] = []
    for i, (cid, prefix, fr, en, picto) in enumerate(LONG_CATEGORIES[:n_categories]):
        ar = ARABIC_LABELS[cid]
        if is_short:
            fr, en = SHORT_LABELS[i]
            ar = SHORT_ARABIC[i]
        label = {"fr": fr, "en": en, "ar": ar}
        c: dict[str, Any] = {"id": cid, "prefix": prefix, "label": label}
        if picto:
            c["pictogram"] = picto
        cats.append(c)
    if with_children:
        cats.append(
            {
                "id": "france-services",
                "label": {
                    "fr": "France services",
                    "en": "France services",
                    "ar": "France services",
                },
            }
        )
        cats.append(
            {
                "id": "fs-caf",
                "parent": "france-services",
                "prefix": "FC",
                "label": {
                    "fr": "CAF (allocations familiales)",
                    "en": "CAF (family benefits)",
                    "ar": ARABIC_LABELS["fs-caf"],
                },
                "pictogram": "family",
            }
        )
        cats.append(
            {
                "id": "fs-impots",
                "parent": "france-services",
                "prefix": "FI",
                "label": {"fr": "Impôts", "en": "Taxes", "ar": ARABIC_LABELS["fs-impots"]},
                "pictogram": "money",
            }
        )
    data: dict[str, Any] = {
        "kiosk": {
            "id": "test-1",
            "site": "Hôtel de ville de Miramas",
            "languages": list(languages),
            "data_dir": str(tmp_path / "data"),
        },
        "printer": {"url": f"virtual://{tmp_path / 'out'}"},
        "hours": {
            d: ["08:30-12:00", "13:30-17:00"]
            for d in ("monday", "tuesday", "wednesday", "thursday", "friday")
        },
        "categories": cats,
        "display": {
            "width": size[0],
            "height": size[1],
            "rotation": rotation,
            "theme": theme,
            "fullscreen": False,
            "panel_width_mm": PANEL_MM.get(size, 154.0),
            **display,
        },
    }
    if pin_hash:
        data["technician"] = {"pin_hash": pin_hash}
    if priority is not None:
        data["priority"] = {"categories": priority}
    if appointments:
        data["appointments"] = {}  # the check-in button, the keypad, its refusals
    if survey:
        data["survey"] = {"enabled": True}
    return parse_config(data, tmp_path / "kiosk.toml")


@pytest.fixture
def config_factory(tmp_path: Path) -> Callable[..., Config]:
    return lambda **kw: make_config(tmp_path, **kw)


@pytest.fixture(scope="module")
def pygame_display() -> Iterator[None]:
    """pygame's display and font modules for a whole test module (dummy driver)."""
    pygame.display.init()
    pygame.font.init()
    yield
    pygame.font.quit()
    pygame.display.quit()


class FakeController(threading.Thread):
    """Answers TicketRequests like the real controller: issued then printed, or refused
    for the categories in ``refuse`` (reason) and ``void`` (printing fails)."""

    def __init__(self, intents: queue.Queue[Intent], updates: queue.Queue[Update], trace: Any):
        super().__init__(daemon=True)
        self.intents = intents
        self.updates = updates
        self.trace = trace
        self.refuse: dict[str, str] = {}
        self.void: set[str] = set()
        self.requests: list[Intent] = []
        self.counters: dict[str, int] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                intent = self.intents.get(timeout=0.05)
            except queue.Empty:
                continue
            self.requests.append(intent)
            if not isinstance(intent, TicketRequest):
                continue
            cid = intent.category_id
            if cid in self.refuse:
                self.trace.emit("refused", category=cid, reason=self.refuse[cid])
                self.updates.put(
                    TicketRefused(
                        cid, self.refuse[cid], dt.datetime(2026, 11, 27, 8, 30, tzinfo=dt.UTC)
                    )
                )
                continue
            n = self.counters[cid] = self.counters.get(cid, 0) + 1
            ticket_id = f"{cid}-{n}"
            number = f"A{n:03d}"
            self.trace.emit("issued", ticket_id=ticket_id, number=number, category=cid)
            self.updates.put(
                TicketIssued(
                    ticket_id,
                    number,
                    cid,
                    intent.language,
                    people_ahead=n - 1,
                    wait_range_s=(600, 1200),
                    is_priority=intent.is_priority,
                )
            )
            if cid in self.void:
                self.trace.emit("voided", ticket_id=ticket_id, reason="paper_out")
                self.updates.put(TicketVoided(ticket_id, "paper_out"))
            else:
                self.trace.emit("printed", ticket_id=ticket_id)
                self.updates.put(TicketPrinted(ticket_id))

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


@pytest.fixture
def fake_controller() -> type[FakeController]:
    return FakeController
