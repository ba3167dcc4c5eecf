"""Every visitor and technician screen, in every configured language, saved as PNG files.

For documentation, translators' review and acceptance checks (``kiosk screenshots``). The
scenes use a fixed moment and made-up figures so the pictures are reproducible.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pygame

from display.flow import TECHNICIAN, ScreenFlow, TicketFlow
from display.layout import Layout
from display.render import Renderer
from display.screens import ScreenContext, build_visitor
from display.technician import build_technician
from display.text import TextCache
from display.theme import theme_for
from display.view import Frame
from kiosk.core import calendar as cal
from kiosk.core.messages import CategoryQueue, KioskSnapshot, TicketIssued, TicketRefused
from kiosk.core.settings import Config
from kiosk.core.vocabulary import PrinterStatus, RefusalReason

logger = logging.getLogger(__name__)

MOMENT_UTC = dt.datetime(2026, 11, 26, 9, 41, tzinfo=dt.UTC)  # a Thursday morning
NEXT_OPENING_UTC = dt.datetime(2026, 11, 27, 7, 30, tzinfo=dt.UTC)
SCREENSHOT_IP = "192.0.2.10"


@dataclass
class Scene:
    """One screen in one state: ``flow`` says which, ``snapshot`` what it shows."""

    name: str
    flow: ScreenFlow
    snapshot: KioskSnapshot
    moment_utc: dt.datetime = MOMENT_UTC


def scenes(config: Config, language: str) -> Iterator[Scene]:
    """The screens a visitor or technician can see, each in a typical state."""
    first = config.ticket_categories[0]
    parents = [c for c in config.top_categories if config.children_of(c.id)]
    tickets = [c for c in config.top_categories if not config.children_of(c.id)]
    message = {lang: _MESSAGES.get(lang, _MESSAGES["en"]) for lang in config.kiosk.languages}
    busy = KioskSnapshot(
        queues={
            c.id: CategoryQueue(waiting=i % 5, estimated_wait_s=600)
            for i, c in enumerate(config.ticket_categories)
        },
        unavailable={tickets[-1].id: "cap"} if len(tickets) > 2 else {},
    )

    def flow(screen: str, **attrs: object) -> ScreenFlow:
        f = ScreenFlow(config, post=lambda _: None, emit=lambda *_a, **_k: None, now_s=0.0)
        f.language = language
        f.screen = screen
        for key, value in attrs.items():
            setattr(f, key, value)
        return f

    issued = TicketIssued(
        "t1", f"{first.prefix}042", first.id, language, people_ahead=3, wait_range_s=(600, 1200)
    )
    yield Scene("home", flow("home"), KioskSnapshot())
    yield Scene("home-message", flow("home"), KioskSnapshot(message=message))
    yield Scene("categories", flow("categories"), busy)
    for parent in parents:
        yield Scene(f"categories-{parent.id}", flow("categories", parent_id=parent.id), busy)
    yield from priority_scenes(config, flow, language)
    yield Scene("ticket-wait", flow("ticket", flow=TicketFlow(first.id)), KioskSnapshot())
    yield Scene("ticket", flow("ticket", flow=TicketFlow(first.id, issued=issued)), KioskSnapshot())
    yield Scene(
        "ticket-printed",
        flow("ticket", flow=TicketFlow(first.id, issued=issued, outcome="printed")),
        KioskSnapshot(),
    )
    yield Scene(
        "ticket-voided",
        flow("ticket", flow=TicketFlow(first.id, issued=issued, outcome="voided")),
        KioskSnapshot(),
    )
    for reason in (
        RefusalReason.CLOSED,
        RefusalReason.CAP,
        RefusalReason.PRINTER,
        RefusalReason.PAUSED,
    ):
        refused = TicketRefused(
            first.id,
            reason,
            NEXT_OPENING_UTC if reason in (RefusalReason.CLOSED, RefusalReason.CAP) else None,
        )
        yield Scene(
            f"refused-{reason}",
            flow("refused", flow=TicketFlow(first.id, outcome="refused", refused=refused)),
            KioskSnapshot(),
        )
    if config.appointments is not None:
        yield from appointment_scenes(config, flow, first.id)
    yield Scene(
        "closed",
        flow("home"),
        KioskSnapshot(is_open=False, next_opening=NEXT_OPENING_UTC, message=message),
    )
    yield from calendar_scenes(config, flow)
    yield Scene(
        "out-of-order",
        flow("home"),
        KioskSnapshot(
            out_of_order_reason=RefusalReason.PRINTER, printer_status=PrinterStatus.PAPER_OUT
        ),
    )
    if config.survey.enabled:
        yield Scene("survey", flow("survey"), KioskSnapshot())
        yield Scene("survey-reason", flow("survey_reason", survey_score=3), KioskSnapshot())
        yield Scene("survey-thanks", flow("survey_thanks"), KioskSnapshot())
    yield Scene(  # what a visitor meets while a technician has paused the tickets
        "out-of-order-paused",
        flow("home"),
        KioskSnapshot(out_of_order_reason="paused", is_paused=True),
    )
    yield Scene("tech-pin", flow("tech_pin", pin_digits="12"), KioskSnapshot())
    yield Scene("tech-pin-wrong", flow("tech_pin", is_pin_wrong=True), KioskSnapshot())
    tech = KioskSnapshot(
        printer_status=PrinterStatus.PAPER_NEAR_END,
        sync_text="sync: ok, last 09:40:12",
        sync_state="ok",
        sync_last_success_at=MOMENT_UTC - dt.timedelta(minutes=1),
        outbox_depth=12,
        counts_today={c.id: 10 + i for i, c in enumerate(config.ticket_categories)},
        last_ticket_number=f"{first.prefix}042",
    )
    yield Scene("tech-menu", flow("tech_menu"), tech)
    yield Scene("tech-menu-printed", flow("tech_menu", tech_notice="print_test"), tech)
    yield Scene("tech-menu-restart", flow("tech_menu", is_restart_asked=True), tech)


def priority_scenes(
    config: Config, flow: Callable[..., ScreenFlow], language: str
) -> Iterator[Scene]:
    """The normal/priority choice and a priority ticket's screen, for the first category
    that offers one ([priority]); nothing without it."""
    offering = [c for c in config.ticket_categories if config.offers_priority(c.id)]
    if not offering:
        return
    category = offering[0]
    yield Scene(
        "priority",
        flow("priority", choice_id=category.id, parent_id=category.parent),
        KioskSnapshot(),
    )
    issued = TicketIssued(
        "t2", f"{category.prefix}043", category.id, language, people_ahead=1, is_priority=True
    )
    yield Scene(
        "ticket-priority",
        flow("ticket", flow=TicketFlow(category.id, is_priority=True, issued=issued)),
        KioskSnapshot(),
    )


CHRISTMAS_UTC = dt.datetime(2026, 12, 25, 9, 0, tzinfo=dt.UTC)
CUTOFF_UTC = dt.datetime(2026, 11, 26, 10, 50, tzinfo=dt.UTC)  # 11:50 in Paris
_CHRISTMAS = {"fr": "Noël", "en": "Christmas Day", "ar": "عيد الميلاد"}


def appointment_scenes(
    config: Config, flow: Callable[..., ScreenFlow], category_id: str
) -> Iterator[Scene]:
    """The booking-code keypad (empty, typed), a check-in's ticket, and each refusal."""
    from display.appointment import CodeEntry
    from kiosk.core import appointments as appt

    yield Scene("appointment", flow("appointment"), KioskSnapshot())
    yield Scene(
        "appointment-typed", flow("appointment", code_entry=CodeEntry("K7P")), KioskSnapshot()
    )
    start = MOMENT_UTC + dt.timedelta(minutes=19)  # 11:00 in Paris
    number = f"{config.category(category_id).prefix}007"
    issued = TicketIssued("t2", number, category_id, "fr", appointment_start=start)
    yield Scene(
        "appointment-ticket",
        flow("ticket", flow=TicketFlow(category_id, issued=issued, outcome="printed")),
        KioskSnapshot(),
    )
    duplicate = TicketIssued(
        "t2", number, category_id, "fr", appointment_start=start, is_duplicate=True
    )
    yield Scene(
        "appointment-duplicate",
        flow("ticket", flow=TicketFlow(category_id, issued=duplicate, outcome="printed")),
        KioskSnapshot(),
    )
    opens = MOMENT_UTC + dt.timedelta(minutes=49)
    for reason in appt.REASONS:
        refused = TicketRefused(category_id, reason, opens if reason == appt.EARLY else None)
        yield Scene(
            f"refused-{reason.replace('_', '-')}",
            flow("refused", flow=TicketFlow(category_id, outcome="refused", refused=refused)),
            KioskSnapshot(),
        )


def calendar_scenes(config: Config, flow: Callable[..., ScreenFlow]) -> Iterator[Scene]:
    """The closed screen on a public holiday (25 December) and the home screen during the
    last-ticket cut-off, as the configuration's calendar says them."""
    calendar = config.calendar
    tz = zoneinfo.ZoneInfo(config.kiosk.timezone)
    christmas = CHRISTMAS_UTC.astimezone(tz)
    closure = cal.closure(calendar, christmas)
    if closure is None or closure.source != cal.HOLIDAY:  # no holidays configured: show one
        closure = cal.Closure(
            cal.HOLIDAY, _CHRISTMAS, "friday", cal.next_opening(calendar, christmas)
        )
    yield Scene(
        "closed-holiday",
        flow("home"),
        KioskSnapshot(is_open=False, next_opening=closure.next_opening, closure=closure),
        CHRISTMAS_UTC,
    )
    cutoff = CUTOFF_UTC.astimezone(tz)
    margin = config.kiosk.last_ticket_before_close_min or 10
    last = cal.last_ticket_time(calendar, cutoff, margin) or cutoff.replace(minute=50)
    yield Scene("home-last-ticket", flow("home"), KioskSnapshot(last_ticket_at=last), CUTOFF_UTC)


_MESSAGES = {
    "fr": "Le service Passeports ferme exceptionnellement à 16\u00a0h ce jeudi.",
    "en": "The passports desk closes at 4 pm this Thursday.",
    "ar": "يغلق مكتب جوازات السفر استثنائيًا على الساعة 16:00 هذا الخميس.",
}


def build_scene(config: Config, scene: Scene, layout: Layout) -> Frame:
    ctx = ScreenContext(config, layout, scene.flow.language, scene.snapshot, scene.moment_utc)
    screen = scene.flow.visible(scene.snapshot)
    if screen in TECHNICIAN:
        return build_technician(ctx, scene.flow, screen, SCREENSHOT_IP)
    return build_visitor(ctx, scene.flow, screen)


def layout_for(config: Config, size: tuple[int, int]) -> Layout:
    d = config.display
    return Layout.for_size(size, d.width, d.panel_width_mm)


def render_screenshots(
    config: Config, out_dir: Path, *, size: tuple[int, int] | None = None
) -> list[Path]:
    """Render every scene in every configured language to ``out_dir`` as
    ``SCREEN-LANG-WxH.png``; ``size`` None is the configuration's logical size."""
    if size is None:
        d = config.display
        size = (d.height, d.width) if d.rotation in (90, 270) else (d.width, d.height)
    out_dir.mkdir(parents=True, exist_ok=True)
    is_font_ours = not pygame.font.get_init()
    if is_font_ours:
        pygame.font.init()
    try:
        layout = layout_for(config, size)
        renderer = Renderer(theme_for(config.display.theme), TextCache(), layout.scale)
        surface = pygame.Surface(size)
        paths = []
        for language in config.kiosk.languages:
            for scene in scenes(config, language):
                renderer.draw(surface, build_scene(config, scene, layout))
                path = out_dir / f"{scene.name}-{language}-{size[0]}x{size[1]}.png"
                pygame.image.save(surface, str(path))
                paths.append(path)
        logger.info("%d screenshots written to %s", len(paths), out_dir)
        return paths
    finally:
        if is_font_ours:
            pygame.font.quit()
