"""Synthetic activity of a desk, written through the real Store with an injected clock: the
one way to build a day's activity, for bench_report.py, make_report_example.py and the tests
(tests/report/ and tests/core/; pytest puts bench/ on the path, see pyproject.toml).

:class:`Desk` does what a visitor, the printer and the survey do to the store, one call each;
:func:`site_toml` is the configuration head (site, printer, weekly hours) they all run under.
A caller chooses who comes when (:func:`simulate` here, a busy desk; the report tests their
own, and they count what they chose on their own, never reading it back from the store).
Kept in bench/, not in tests/: the bench scripts run without pytest and the tests tree.
"""

from __future__ import annotations

import datetime as dt
import random
import textwrap
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core import events as ev
from kiosk.core.clock import FakeClock
from kiosk.report.survey import SurveyGate, record_answer
from kiosk.store import Store, Ticket

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
SITE_TOML = """\
[kiosk]
id = "{kiosk_id}"
site = "{site}"
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


def site_toml(kiosk_id: str, site: str) -> str:
    """[kiosk], [printer] (virtual) and [hours]: open weekdays 8:30-12:00 and 13:30-17:00,
    Tuesday 12:00-18:00; the categories follow."""
    return SITE_TOML.format(kiosk_id=kiosk_id, site=site)


CONFIG = site_toml("hdv-1", "Hôtel de ville")


@dataclass
class Desk:
    """A store and its clock, and what happens at the desk, each as the kiosk writes it."""

    store: Store
    clock: FakeClock
    gate: SurveyGate = field(default_factory=SurveyGate)

    def arrive(self, when: dt.datetime) -> dt.datetime:
        """A visitor touches the screen a second after ``when``; the local time then."""
        self.clock.set_wall(when.astimezone(dt.UTC))
        self.clock.advance(1)
        return self.clock.now_utc().astimezone(when.tzinfo)

    def refuse(self, category: str, reason: str) -> None:
        """No ticket (``closed``, ``cap``...): the refusal the report counts."""
        self.store.append_event(ev.TICKET_REFUSED, ev.ticket_refused(category, reason))

    def issue(self, category: str, prefix: str, *, cap: int | None = None) -> Ticket:
        """A ticket issued (in French), then two seconds of printing."""
        ticket, _ = self.store.issue_ticket(
            category=category, prefix=prefix, language="fr", cap=cap
        )
        self.clock.advance(2)
        return ticket

    def end(self, ticket: Ticket, void_reason: str | None = None) -> None:
        """The ticket printed, or voided for ``void_reason``."""
        if void_reason is not None:
            self.store.mark_voided(ticket.id, void_reason)
        else:
            self.store.mark_printed(ticket.id)

    def answer(self, score: int, reason: str | None, *, after_s: float) -> bool:
        """A survey answer ``after_s`` seconds later; whether it counted (debounce, rate)."""
        self.clock.advance(after_s)
        return record_answer(self.store, self.gate, score, reason, self.clock.monotonic_s())

    def paper_out(self, start: dt.datetime, end: dt.datetime) -> None:
        """The printer out of paper from ``start``, back to ok at ``end``."""
        self.clock.set_wall(start.astimezone(dt.UTC))
        self.store.append_event(ev.PRINTER_STATUS, ev.printer_status("paper_out"))
        self.clock.set_wall(end.astimezone(dt.UTC))
        self.store.append_event(ev.PRINTER_STATUS, ev.printer_status("ok"))


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
    desk = Desk(store, clock)
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
                desk.arrive(_local(day, seconds))
                category = rng.choices(ids, weights)[0]
                if not _is_open(day, seconds):
                    desk.refuse(category, "closed")
                    continue
                ticket = desk.issue(category, CATEGORIES[category][0])
                issued += 1
                desk.end(ticket, "printer: paper out" if rng.random() < 0.04 else None)
                if rng.random() < 0.2:
                    score = rng.choices((1, 2, 3, 4), (0.05, 0.1, 0.35, 0.5))[0]
                    desk.answer(score, rng.choice(SURVEY_REASONS), after_s=1200)
            if day.weekday() < 5 and rng.random() < 0.2:
                start = rng.randint(9 * 3600, 16 * 3600)
                desk.paper_out(_local(day, start), _local(day, start + rng.randint(600, 2400)))
    finally:
        store.close()
    return issued
