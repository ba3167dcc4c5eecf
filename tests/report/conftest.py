"""Synthetic activity for the report tests: the real Store on a real SQLite file, the clock
injected, and an independent tally of what was done (the figures every CSV must match).
What happens at the desk is written by bench/report_activity.py's :class:`Desk`, the one
builder of a day's activity; who comes when, and the tally, are chosen here."""

from __future__ import annotations

import csv
import datetime as dt
import random
import textwrap
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from report_activity import Desk, site_toml

from kiosk.config import load_config
from kiosk.core.clock import FakeClock
from kiosk.core.settings import Config
from kiosk.store import Store

TZ = "Europe/Paris"
PARIS = zoneinfo.ZoneInfo(TZ)
FIRST_DAY = dt.date(2026, 11, 2)  # a Monday
DAYS = 14
CONFIG_TOML = (
    "\n"
    + site_toml("rep-1", "Hôtel de ville de Miramas")
    + """
[[categories]]
id = "etat-civil"
prefix = "A"
label = { fr = "État civil", en = "Civil status" }

[[categories]]
id = "urbanisme"
prefix = "U"
label = { fr = "Urbanisme" }
cap = 6

[[categories]]
id = "ccas"
prefix = "C"
label = { fr = "CCAS" }
"""
)
CATEGORIES = {"etat-civil": "A", "urbanisme": "U", "ccas": "C"}
CAPS = {"urbanisme": 6}
SURVEY_REASONS = (None, "attente", "accueil", "information")


def write_config(folder: Path, text: str = CONFIG_TOML) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kiosk.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def local(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=PARIS)


@dataclass
class Tally:
    """What the generator did, counted on its own (never read back from the store)."""

    tickets: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # day, cat, outcome
    refusals: Counter[tuple[str, str]] = field(default_factory=Counter)  # reason, weekday-hour
    survey: Counter[tuple[str, int]] = field(default_factory=Counter)
    survey_reasons: Counter[tuple[str, int]] = field(default_factory=Counter)
    arrivals: Counter[tuple[int, int]] = field(default_factory=Counter)  # ISO weekday, hour
    arrivals_closed: Counter[tuple[int, int]] = field(default_factory=Counter)
    paper_outs: Counter[str] = field(default_factory=Counter)
    downtime_s: Counter[str] = field(default_factory=Counter)


def is_open(config: Config, when: dt.datetime) -> bool:
    return config.hours.is_open(when)


def simulate(config: Config, store: Store, clock: FakeClock, *, seed: int = 7) -> Tally:
    """Two weeks of a desk: visitors at random minutes from 7:00 to 19:00 (some while
    closed), some tickets voided, a daily cap reached, survey answers with repeats, and a
    paper-out of a known length every few days."""
    rng = random.Random(seed)
    tally = Tally()
    desk = Desk(store, clock)
    for offset in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=offset)
        iso = day.isoformat()
        visitors = sorted(rng.randrange(7 * 3600, 19 * 3600) for _ in range(rng.randint(15, 40)))
        issued_today: Counter[str] = Counter()
        for second_of_day in visitors:
            when = desk.arrive(local(day, 0) + dt.timedelta(seconds=second_of_day))
            category = rng.choice(list(CATEGORIES))
            key = (when.isoweekday(), when.hour)
            tally.arrivals[key] += 1
            if not is_open(config, when):
                desk.refuse(category, "closed")
                tally.tickets[iso, category, "refused"] += 1
                tally.refusals["closed", iso] += 1
                tally.arrivals_closed[key] += 1
                continue
            if issued_today[category] >= CAPS.get(category, 10**6):
                desk.refuse(category, "cap")
                tally.tickets[iso, category, "refused"] += 1
                tally.refusals["cap", iso] += 1
                continue
            ticket = desk.issue(category, CATEGORIES[category], cap=CAPS.get(category))
            issued_today[category] += 1
            tally.tickets[iso, category, "issued"] += 1
            if rng.random() < 0.08:
                desk.end(ticket, "printer: paper out (status 0x0c)")
                tally.tickets[iso, category, "voided"] += 1
            else:
                desk.end(ticket)
                tally.tickets[iso, category, "printed"] += 1
            if rng.random() < 0.4:
                score = rng.choice((1, 2, 3, 3, 4, 4, 4))
                reason = rng.choice(SURVEY_REASONS)
                assert desk.answer(score, reason, after_s=30)
                tally.survey[iso, score] += 1
                tally.survey_reasons[reason or "", score] += 1
                # The same face pressed again at once: counted once.
                assert not desk.answer(score, reason, after_s=1)
        if offset % 3 == 1:  # a paper-out at 10:15 lasting 25 minutes, then back to ok
            desk.paper_out(local(day, 10, 15), local(day, 10, 40))
            tally.paper_outs[iso] += 1
            tally.downtime_s[iso] += 25 * 60
    return tally


def open_store(folder: Path, clock: FakeClock) -> Store:
    return Store.open(folder, kiosk_id="rep-1", clock=clock, timezone=TZ)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def header(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n", 1)[0]


def load(folder: Path) -> Config:
    return load_config(write_config(folder))
