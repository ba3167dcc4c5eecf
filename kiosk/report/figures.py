"""The report's tables, computed from the store's daily figures. Pure: no I/O, no clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kiosk.core.calendar import OpeningRange
from kiosk.core.vocabulary import RefusalReason
from kiosk.report.reader import PrinterStretch, StoreFigures

OUTCOMES = ("issued", "printed", "voided", "refused")
CLOSED = RefusalReason.CLOSED
SATISFIED_SCORES = (3, 4)


@dataclass(frozen=True)
class DayCategory:
    service_day: dt.date
    category: str
    issued: int = 0
    printed: int = 0
    voided: int = 0
    refused: int = 0


@dataclass(frozen=True)
class PrinterDay:
    service_day: dt.date
    paper_outs: int
    downtime_s: float
    downtime_open_s: float  # the part of it inside the opening hours


@dataclass(frozen=True)
class SatisfactionDay:
    service_day: dt.date
    answers: int
    mean_score: float
    satisfied_pct: float  # answers 3 or 4


@dataclass
class Report:
    """Everything the CSV files and the page show, for service days ``first`` to ``last``."""

    first: dt.date
    last: dt.date
    tickets: list[DayCategory] = field(default_factory=list)
    # (weekday 0 = Monday, hour) -> visitors who touched a category (issued + refused)
    arrivals: Counter[tuple[int, int]] = field(default_factory=Counter)
    arrivals_closed: Counter[tuple[int, int]] = field(default_factory=Counter)
    refusals: Counter[tuple[dt.date, str, str]] = field(default_factory=Counter)
    voids: Counter[str] = field(default_factory=Counter)
    survey: Counter[tuple[dt.date, int]] = field(default_factory=Counter)
    survey_reasons: Counter[tuple[str, int]] = field(default_factory=Counter)
    satisfaction: list[SatisfactionDay] = field(default_factory=list)
    printer: list[PrinterDay] = field(default_factory=list)
    note: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.tickets or self.survey or self.printer)

    def total(self, outcome: str) -> int:
        return sum(getattr(row, outcome) for row in self.tickets)

    @property
    def refused_closed(self) -> int:
        return sum(n for (_, _, reason), n in self.refusals.items() if reason == CLOSED)

    @property
    def answers(self) -> int:
        return sum(self.survey.values())

    @property
    def mean_score(self) -> float | None:
        total = self.answers
        return sum(s * n for (_, s), n in self.survey.items()) / total if total else None

    @property
    def satisfied_pct(self) -> float | None:
        total = self.answers
        good = sum(n for (_, s), n in self.survey.items() if s in SATISFIED_SCORES)
        return 100.0 * good / total if total else None


RangesOn = Callable[[dt.date], Iterable[OpeningRange]]


def build_report(
    figures: StoreFigures, first: dt.date, last: dt.date, *, timezone: str, ranges_on: RangesOn
) -> Report:
    report = Report(first=first, last=last, note=figures.note)
    per_day: dict[tuple[dt.date, str], Counter[str]] = defaultdict(Counter)
    for row in figures.tickets:
        per_day[row.service_day, row.category][row.outcome] += row.n
        if row.outcome == "refused":
            report.refusals[row.service_day, row.category, row.reason] += row.n
        elif row.outcome == "voided":
            report.voids[row.reason] += row.n
    for a in figures.arrivals:
        report.arrivals[a.weekday, a.hour] += a.arrivals
        if a.while_closed:
            report.arrivals_closed[a.weekday, a.hour] += a.while_closed
    report.tickets = [
        DayCategory(day, category, *(counts[o] for o in OUTCOMES))
        for (day, category), counts in sorted(per_day.items())
    ]
    by_day: dict[dt.date, Counter[int]] = defaultdict(Counter)
    for answer in figures.survey:
        report.survey[answer.service_day, answer.score] += answer.n
        report.survey_reasons[answer.reason, answer.score] += answer.n
        by_day[answer.service_day][answer.score] += answer.n
    for day, scores in sorted(by_day.items()):
        total = sum(scores.values())
        report.satisfaction.append(
            SatisfactionDay(
                day,
                total,
                sum(s * n for s, n in scores.items()) / total,
                100.0 * sum(scores[s] for s in SATISFIED_SCORES) / total,
            )
        )
    report.printer = printer_days(figures.printer, first, last, timezone, ranges_on)
    return report


def printer_days(
    stretches: Iterable[PrinterStretch],
    first: dt.date,
    last: dt.date,
    timezone: str,
    ranges_on: RangesOn,
) -> list[PrinterDay]:
    """Paper-outs (stretches starting that day) and downtime per local day, split at local
    midnights, with the part that fell inside the opening hours."""
    tz = zoneinfo.ZoneInfo(timezone)
    paper_outs: Counter[dt.date] = Counter()
    down: defaultdict[dt.date, float] = defaultdict(float)
    down_open: defaultdict[dt.date, float] = defaultdict(float)
    for s in stretches:
        # Arithmetic in UTC: aware datetimes sharing a ZoneInfo compare as wall times.
        start, end = s.started_utc.astimezone(dt.UTC), s.ended_utc.astimezone(dt.UTC)
        start_day, end_day = start.astimezone(tz).date(), end.astimezone(tz).date()
        if s.status == "paper_out" and first <= start_day <= last:
            paper_outs[start_day] += 1
        day = start_day
        while day <= end_day and day <= last:
            day_start = _local(day, 0, tz)
            day_end = _local(day + dt.timedelta(days=1), 0, tz)
            lo, hi = max(start, day_start), min(end, day_end)
            if day >= first and hi > lo:
                down[day] += (hi - lo).total_seconds()
                for r in ranges_on(day):
                    o_lo = max(lo, _local(day, r.start_min, tz))
                    o_hi = min(hi, _local(day, r.end_min, tz))
                    if o_hi > o_lo:
                        down_open[day] += (o_hi - o_lo).total_seconds()
            day += dt.timedelta(days=1)
    days = sorted(set(paper_outs) | set(down))
    return [PrinterDay(d, paper_outs[d], down[d], down_open.get(d, 0.0)) for d in days]


def _local(day: dt.date, minute: int, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """``minute`` minutes after local midnight of ``day`` (1440: the next midnight), in UTC."""
    day += dt.timedelta(days=minute // 1440)
    minute %= 1440
    local = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
    return local.astimezone(dt.UTC)
