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
from display.view import Action, Frame

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
    frame = _pin_pad(ctx, flow) if screen == "tech_pin" else _menu(ctx, flow, ip)
    return frame.mirrored(ctx.layout.width) if ctx.tr.is_rtl else frame


def _pin_pad(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame("tech_pin")
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
    head, dots, status = stack(ctx, info, [1, 1, 1])
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
            frame.items.append(ctx.button(Action("pin_clear"), box, ctx._("Clear")))
        elif key == "ok":
            frame.items.append(ctx.button(Action("pin_ok"), box, ctx._("OK"), is_primary=True))
        else:
            frame.items.append(ctx.button(Action("pin_digit", key), box, key, 32))
    if lay.is_portrait:
        cancel = lay.row(lay.bottom_bar(), 1, lay.px(220))[0]
    else:
        cancel = pygame.Rect(
            info.x, status.bottom - lay.bar_height, min(info.width, lay.px(220)), lay.bar_height
        )
    frame.items.append(ctx.button(Action("tech_close"), cancel, ctx._("Cancel")))
    return frame


def status_lines(ctx: ScreenContext, ip: str) -> list[str]:
    s = ctx.snapshot
    counts = ", ".join(f"{k} {v}" for k, v in sorted(s.counts_today.items())) or "0"
    return [
        ctx._("Printer: %(status)s") % {"status": s.printer_status},
        # The sync line is shown as the controller words it ("sync: authentication failed").
        s.sync_text or ctx._("Sync: %(text)s") % {"text": "–"},
        ctx._("Events waiting: %(n)d") % {"n": s.outbox_depth},
        # the remote configuration's version, when the server's is in force (contract 5.7)
        *(
            [ctx._("Configuration: %(source)s") % {"source": s.config_source}]
            if s.config_source != "file"
            else []
        ),
        ctx._("Today: %(counts)s") % {"counts": counts},
        ctx._("Last ticket: %(number)s") % {"number": s.last_ticket_number or "–"},
        ctx._("Version %(version)s, IP %(ip)s") % {"version": kiosk.__version__, "ip": ip},
        *([s.technician_message] if s.technician_message else []),
    ]


def _menu(ctx: ScreenContext, flow: ScreenFlow, ip: str) -> Frame:
    lay = ctx.layout
    frame = Frame("tech_menu")
    top = header_band(
        ctx, frame, ctx._("Technician menu") + f" – {ctx.config.kiosk.id}", is_clock=False
    )
    area = lay.below(top)
    if lay.is_portrait:
        actions_top = max(lay.reach_top, area.y + area.height * 11 // 20)
        info = pygame.Rect(area.x, area.y, area.width, actions_top - lay.gap - area.y)
        actions = pygame.Rect(area.x, actions_top, area.width, area.bottom - actions_top)
    else:
        info = pygame.Rect(area.x, area.y, area.width * 2 // 5, area.height)
        actions = pygame.Rect(
            info.right + lay.gap, area.y, area.width - info.width - lay.gap, area.height
        )
    frame.items.append(ctx.text("\n".join(status_lines(ctx, ip)), info, "body", 24, align="left"))
    is_paused = ctx.snapshot.is_paused
    pause_label = ctx._("Resume tickets") if is_paused else ctx._("Pause tickets")
    buttons = [
        (Action("tech_print_test"), ctx._("Print a test ticket")),
        (Action("tech_reprint"), ctx._("Reprint the last ticket")),
        (Action("tech_pause", "resume" if is_paused else "pause"), pause_label),
        (Action("tech_service_day"), ctx._("Service day back to today")),
        (Action("tech_restart"), ctx._("Restart")),
        (Action("tech_close"), ctx._("Close")),
    ]
    cells = lay.grid(actions, len(buttons), cols=2)
    for (action, label), box in zip(buttons, cells, strict=True):
        frame.items.append(ctx.button(action, box, label, 26))
    return frame
