"""The technician screens: the PIN pad and the menu (status and actions).

Opened by holding the top-left corner for 5 s or by the GPIO technician button, only when
``[technician] pin_hash`` is set. The IP address is found without network traffic.
"""

from __future__ import annotations

import dataclasses
import logging
import socket

import pygame

import kiosk
from display.flow import ScreenFlow
from display.screens import ScreenContext, header_band, stack
from display.view import Action, Fill, Frame
from kiosk.core.vocabulary import ActionKind, PrinterStatus, Screen
from kiosk.i18n import format_short_time, list_comma

logger = logging.getLogger(__name__)
IP_TIMEOUT_S = 0.5


def ip_address() -> str:
    """This machine's outgoing IPv4 address, or "unknown". A UDP connect() only picks a
    route: it sends nothing."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.settimeout(IP_TIMEOUT_S)
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
        return str(probe.getsockname()[0])
    except OSError as err:
        logger.debug("no IP address: %s", err)
        return "unknown"
    finally:
        probe.close()


def build_technician(ctx: ScreenContext, flow: ScreenFlow, screen: str, ip: str) -> Frame:
    """The technician screens, in the kiosk's default language whatever the visitor chose:
    they are for the town's agents, and a PIN pad reads 1-2-3 from the left everywhere."""
    ctx = dataclasses.replace(ctx, language=ctx.config.kiosk.default_language)
    frame = _pin_pad(ctx, flow) if screen == Screen.TECH_PIN else _menu(ctx, flow, ip)
    return frame.mirrored(ctx.layout.width) if ctx.tr.is_rtl else frame


def _pin_pad(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame(Screen.TECH_PIN)
    top = header_band(ctx, frame, ctx._("Technician"), is_clock=False)
    area = lay.below(top)
    if lay.is_portrait:  # the keys and Cancel below the reach line
        info = pygame.Rect(area.x, area.y, area.width, lay.reach_top - lay.gap - area.y)
        bar = lay.bottom_bar()
        pad = pygame.Rect(area.x, lay.reach_top, area.width, bar.y - lay.gap - lay.reach_top)
    else:
        info = pygame.Rect(area.x, area.y, area.width * 2 // 5, area.height)
        pad = pygame.Rect(
            info.right + lay.gap, area.y, area.width - info.width - lay.gap, area.height
        )
    if lay.is_portrait:
        words = info
    else:  # Cancel under the words, never over them
        words = pygame.Rect(info.x, info.y, info.width, info.height - lay.bar_height - lay.gap)
    head, dots, status = stack(ctx, words, [1, 1, 1])
    frame.items.append(ctx.text(ctx._("Enter the PIN"), head, "body", 30, is_bold=True))
    frame.items.append(ctx.text("● " * len(flow.pin_digits) or "–", dots, "body", 32))
    if flow.is_pin_checking:
        frame.items.append(ctx.text(ctx._("Checking…"), status, "body", 28))
    elif flow.pin_locked_s > 0:
        locked = ctx._("Locked: try again in %(seconds)d s") % {"seconds": flow.pin_locked_s}
        frame.items.append(ctx.text(locked, status, "body", 28, is_bold=True))
    elif flow.is_pin_wrong:
        frame.items.append(ctx.text(ctx._("Wrong PIN"), status, "body", 28, is_bold=True))
    keys = [str(d) for d in range(1, 10)] + ["clear", "0", "ok"]
    cells = lay.grid(pad, 12, cols=3)
    for key, box in zip(keys, cells, strict=True):
        if key == "clear":
            frame.items.append(ctx.button(Action(ActionKind.PIN_CLEAR), box, ctx._("Clear")))
        elif key == "ok":
            frame.items.append(
                ctx.button(Action(ActionKind.PIN_OK), box, ctx._("OK"), is_primary=True)
            )
        else:
            frame.items.append(ctx.button(Action(ActionKind.PIN_DIGIT, key), box, key, 32))
    if lay.is_portrait:
        cancel = lay.row(lay.bottom_bar(), 1, lay.px(220))[0]
    else:
        cancel = pygame.Rect(
            info.x, info.bottom - lay.bar_height, min(info.width, lay.px(220)), lay.bar_height
        )
    frame.items.append(ctx.button(Action(ActionKind.TECH_CLOSE), cancel, ctx._("Cancel")))
    return frame


PRINTER_WORDS: dict[str, str] = {
    PrinterStatus.OK: "working",
    PrinterStatus.PAPER_NEAR_END: "paper nearly out",
    PrinterStatus.PAPER_OUT: "out of paper",
    PrinterStatus.COVER_OPEN: "cover open",
    PrinterStatus.OFFLINE: "not answering",
    PrinterStatus.UNKNOWN: "status unknown",
}
NOTICES = {
    "print_test": "Test ticket sent to the printer",
    "reprint": "Last ticket sent to the printer again",
    "service_day": "Service day set back to today",
    "pause": "Tickets paused",
    "resume": "Tickets resumed",
}


def printer_words(ctx: ScreenContext, status: str) -> str:
    return ctx._(PRINTER_WORDS.get(status, "status unknown"))


def sync_line(ctx: ScreenContext) -> str:
    """The sync state in the menu's language, its time in the kiosk's local time."""
    s = ctx.snapshot
    last = (
        format_short_time(ctx.local(s.sync_last_success_at), ctx.language)
        if s.sync_last_success_at is not None
        else None
    )
    if s.sync_state == "off":
        text = ctx._("off (no server configured)")
    elif s.sync_state == "auth_failed":
        text = ctx._("authentication failed")
    elif s.sync_state == "retrying":
        text = ctx._("retrying (%(error)s)") % {"error": s.sync_error or "–"}
    elif s.sync_state == "ok" and last:
        text = ctx._("working, last at %(time)s") % {"time": last}
    elif s.sync_state == "waiting":
        text = ctx._("waiting for the server")
    else:  # a snapshot from an older controller: its own words
        return s.sync_text or ctx._("Sync: %(text)s") % {"text": "–"}
    return ctx._("Sync: %(text)s") % {"text": text}


def counts_text(ctx: ScreenContext) -> str:
    """Today's tickets by prefix, as the tickets and the display panels show them:
    "A 10, P 11"; an id the configuration does not know stays as it is."""
    prefixes = {c.id: c.prefix for c in ctx.config.ticket_categories}
    counts = [(prefixes.get(k, k), v) for k, v in ctx.snapshot.counts_today.items()]
    return list_comma(ctx.language).join(f"{k} {v}" for k, v in sorted(counts)) or "0"


def status_lines(ctx: ScreenContext, ip: str) -> list[str]:
    s = ctx.snapshot
    return [
        ctx._("Printer: %(status)s") % {"status": printer_words(ctx, s.printer_status)},
        sync_line(ctx),
        ctx._("Events waiting: %(n)d") % {"n": s.outbox_depth},
        # the remote configuration's version, when the server's is in force (contract 5.7)
        *(
            [ctx._("Configuration: %(source)s") % {"source": s.config_source}]
            if s.config_source != "file"
            else []
        ),
        ctx._("Today: %(counts)s") % {"counts": counts_text(ctx)},
        ctx._("Last ticket: %(number)s") % {"number": s.last_ticket_number or "–"},
        ctx._("Version %(version)s, IP %(ip)s") % {"version": kiosk.__version__, "ip": ip},
        *([s.technician_message] if s.technician_message else []),
    ]


def _menu(ctx: ScreenContext, flow: ScreenFlow, ip: str) -> Frame:
    lay = ctx.layout
    frame = Frame(Screen.TECH_MENU)
    top = header_band(
        ctx, frame, ctx._("Technician menu") + f" – {ctx.config.kiosk.id}", is_clock=False
    )
    area = lay.below(top)
    if lay.is_portrait:
        actions_top = max(lay.reach_top, area.y + area.height * 11 // 20)
        info = pygame.Rect(area.x, area.y, area.width, actions_top - lay.gap - area.y)
        actions = pygame.Rect(area.x, actions_top, area.width, area.bottom - actions_top)
    else:
        info = pygame.Rect(area.x, area.y, area.width // 2, area.height)
        actions = pygame.Rect(
            info.right + lay.gap, area.y, area.width - info.width - lay.gap, area.height
        )
    if flow.tech_notice in NOTICES:  # what the last action did, above the status
        band = pygame.Rect(info.x, info.y, info.width, lay.bar_height)
        frame.items.append(Fill(band, "banner_bg"))
        notice = ctx._(NOTICES[flow.tech_notice])
        frame.items.append(ctx.text(notice, band.inflate(-lay.gap, 0), "banner", 24, is_bold=True))
        info = pygame.Rect(
            info.x, band.bottom + lay.gap, info.width, info.bottom - band.bottom - lay.gap
        )
    frame.items.append(ctx.text("\n".join(status_lines(ctx, ip)), info, "body", 24, align="left"))
    if flow.is_restart_asked:
        return _confirm_restart(ctx, frame, actions)
    is_paused = ctx.snapshot.is_paused
    pause_label = ctx._("Resume tickets") if is_paused else ctx._("Pause tickets")
    buttons = [
        (Action(ActionKind.TECH_PRINT_TEST), ctx._("Print a test ticket")),
        (Action(ActionKind.TECH_REPRINT), ctx._("Reprint the last ticket")),
        (Action(ActionKind.TECH_PAUSE, "resume" if is_paused else "pause"), pause_label),
        (Action(ActionKind.TECH_SERVICE_DAY), ctx._("Service day back to today")),
        (Action(ActionKind.TECH_RESTART_ASK), ctx._("Restart")),
        (Action(ActionKind.TECH_CLOSE), ctx._("Close")),
    ]
    cells = lay.grid(actions, len(buttons), cols=2)
    for (action, label), box in zip(buttons, cells, strict=True):
        frame.items.append(ctx.button(action, box, label, 26))
    return frame


def _confirm_restart(ctx: ScreenContext, frame: Frame, actions: pygame.Rect) -> Frame:
    """Restart stops the kiosk for a moment: said, and asked, before it happens."""
    lay = ctx.layout
    question, row = stack(ctx, actions, [1, 1])
    frame.items.append(
        ctx.text(
            ctx._("Restart the kiosk? Tickets stop for about a minute."),
            question,
            "body",
            28,
            is_bold=True,
        )
    )
    yes, no = lay.row(row, 2)
    frame.items.append(ctx.button(Action(ActionKind.TECH_RESTART), yes, ctx._("Yes, restart"), 26))
    frame.items.append(
        ctx.button(Action(ActionKind.TECH_RESTART_CANCEL), no, ctx._("Cancel"), 26, is_primary=True)
    )
    return frame
