"""Synthetic activity of a busy desk, written through the real Store with an injected clock:
shared by bench_report.py and make_report_example.py (not a test helper: the tests keep
their own generator and an independent tally)."""

from __future__ import annotations

import datetime as dt
import random
import textwrap
import zoneinfo
from pathlib import Path

from kiosk.core import events as ev
from kiosk.core.clock import FakeClock
from kiosk.report.survey import SurveyGate, record_answer
from kiosk.store import Store

TZ = "Europe/Paris"
PARIS = zoneinfo.ZoneInfo(TZ)
CATEGORIES = {  # id: (prefix, French label, share of visitors)
    "etat-civil": ("A", "État civil", 0.35),
    "urbanisme": ("U", "Urbanisme", 0.10),
    "france-services": ("F", "France services", 0.25),
    "ccas": ("C", "CCAS", 0.20),
    "scolaire": ("S", "Inscriptions scolaires", 0.10),
}
SURVEY_REASONS = (None, None, "attente", "accueil", "information", "horaires")
CONFIG = """\
[kiosk]
id = "hdv-1"
site = "Hôtel de ville"
timezone = "Europe/Paris"
languages = ["fr", "en"]
data_dir = "data"

[printer]
url = "virtual://out"

[hours]
monday = ["08:30-12:00", "13:30-17:00"]
tuesday = ["12:00-18:00"]
wednesday = ["08:30-12:00", "13:30-17:00"]
thursday = ["08:30-12:00", "13:30-17:00"]
friday = ["08:30-12:00", "13:30-17:00"]
"""


def write_config(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    cats = "".join(
        textwrap.dedent(
            f"""
            [[categories]]
            id = "{cid}"
            prefix = "{prefix}"
            label = {{ fr = "{label}" }}
            """
        )
        for cid, (prefix, label, _) in CATEGORIES.items()
    )
    path = folder / "kiosk.toml"
    path.write_text(CONFIG + cats, encoding="utf-8")
    return path


def _local(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=PARIS) + dt.timedelta(seconds=seconds)


def _is_open(day: dt.date, seconds: int) -> bool:
    minute = seconds // 60
    wd = day.weekday()
    if wd >= 5:
        return False
    if wd == 1:
        return 12 * 60 <= minute < 18 * 60
    return 510 <= minute < 720 or 810 <= minute < 1020


def simulate(
    data_dir: Path, first: dt.date, days: int, *, visitors_per_day: int, seed: int = 1,
    is_fast: bool = False,
) -> int:  # fmt: skip
    """Visitors of ``days`` days from ``first``: about ``visitors_per_day`` visitors each
    weekday, some refused at a closed door, 4 % voided, one visitor in five answering the
    survey, a paper-out of 10 to 40 minutes about once a week. Returns the tickets issued.
    ``is_fast`` turns off the fsync of each commit (building a year in seconds)."""
    rng = random.Random(seed)
    clock = FakeClock(_local(first, 7 * 3600).astimezone(dt.UTC))
    store = Store.open(data_dir, kiosk_id="hdv-1", clock=clock, timezone=TZ)
    if is_fast:
        store._require().execute("PRAGMA synchronous=OFF")
    gate = SurveyGate()
    ids, weights = list(CATEGORIES), [c[2] for c in CATEGORIES.values()]
    issued = 0
    try:
        for offset in range(days):
            day = first + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                count = rng.randint(2, 6)  # a few at the weekend, at a closed door
            else:
                count = int(visitors_per_day * rng.uniform(0.8, 1.1)) + rng.randint(8, 20)
            # Morning peak at 9-10h, a smaller one after lunch; some come before opening.
            times = sorted(
                max(7 * 3600, min(19 * 3600 - 1, int(rng.gauss(mu, sd))))
                for mu, sd in ((9.6 * 3600, 3600), (14.5 * 3600, 3600))
                for _ in range(count // 2)
            )
            for seconds in times:
                clock.set_wall(_local(day, seconds).astimezone(dt.UTC))
                clock.advance(1)
                category = rng.choices(ids, weights)[0]
                if not _is_open(day, seconds):
                    store.append_event(ev.TICKET_REFUSED, ev.ticket_refused(category, "closed"))
                    continue
                ticket, _ = store.issue_ticket(
                    category=category, prefix=CATEGORIES[category][0], language="fr"
                )
                issued += 1
                clock.advance(2)
                if rng.random() < 0.04:
                    store.mark_voided(ticket.id, "printer: paper out")
                else:
                    store.mark_printed(ticket.id)
                if rng.random() < 0.2:
                    clock.advance(1200)
                    score = rng.choices((1, 2, 3, 4), (0.05, 0.1, 0.35, 0.5))[0]
                    record_answer(
                        store, gate, score, rng.choice(SURVEY_REASONS), clock.monotonic_s()
                    )
            if day.weekday() < 5 and rng.random() < 0.2:
                start = rng.randint(9 * 3600, 16 * 3600)
                clock.set_wall(_local(day, start).astimezone(dt.UTC))
                store.append_event(ev.PRINTER_STATUS, ev.printer_status("paper_out"))
                clock.set_wall(_local(day, start + rng.randint(600, 2400)).astimezone(dt.UTC))
                store.append_event(ev.PRINTER_STATUS, ev.printer_status("ok"))
    finally:
        store.close()
    return issued
