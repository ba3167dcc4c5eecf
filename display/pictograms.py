"""Simple vector pictograms drawn with pygame.draw.

Drawn rather than taken from an icon font because no icon font is guaranteed on a bare
Raspberry Pi OS Lite, and shapes drawn from the box scale crisply to every panel size.
Categories name theirs with ``pictogram = "..."``; an unknown name draws the default ticket.

Over 400 lines on purpose: a catalogue, one small drawing function per pictogram.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pygame

RGB = tuple[int, int, int]
Painter = Callable[[pygame.Surface, pygame.Rect, RGB, int], None]


def _square(box: pygame.Rect) -> pygame.Rect:
    side = min(box.width, box.height)
    r = pygame.Rect(0, 0, side, side)
    r.center = box.center
    return r


def _ticket(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    body = r.inflate(-r.width // 5, -r.height // 2.5)
    pygame.draw.rect(s, c, body, w, border_radius=w * 2)
    for i in range(1, 4):
        y = body.y + body.height * i // 4
        pygame.draw.line(s, c, (body.x + body.width // 5, y), (body.right - body.width // 5, y), w)


def _person(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    head = r.width // 6
    pygame.draw.circle(s, c, (r.centerx, r.y + r.height // 4), head, w)
    torso = pygame.Rect(0, 0, r.width * 3 // 5, r.height // 2)
    torso.midbottom = (r.centerx, r.bottom - r.height // 12)
    pygame.draw.rect(
        s,
        c,
        torso,
        w,
        border_top_left_radius=torso.width // 2,
        border_top_right_radius=torso.width // 2,
    )


def _family(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    big = r.inflate(-r.width // 3, -r.height // 6).move(-r.width // 6, 0)
    _person(s, big, c, w)
    small = r.inflate(-r.width // 2, -r.height // 2).move(r.width // 4, r.height // 5)
    _person(s, small, c, w)


def _document(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    page = r.inflate(-r.width // 3, -r.height // 8)
    pygame.draw.rect(s, c, page, w)
    for i in range(1, 5):
        y = page.y + page.height * i // 5
        pygame.draw.line(s, c, (page.x + page.width // 5, y), (page.right - page.width // 5, y), w)


def _id_card(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    card = r.inflate(-r.width // 10, -r.height // 3)
    pygame.draw.rect(s, c, card, w, border_radius=w * 2)
    pygame.draw.circle(s, c, (card.x + card.width // 4, card.centery), card.height // 4, w)
    for i in (1, 2):
        y = card.y + card.height * i // 3
        pygame.draw.line(s, c, (card.centerx, y), (card.right - card.width // 8, y), w)


def _house(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    base = pygame.Rect(r.x + r.width // 5, r.centery, r.width * 3 // 5, r.height * 2 // 5)
    pygame.draw.rect(s, c, base, w)
    pygame.draw.lines(
        s,
        c,
        False,
        [
            (r.x + r.width // 10, r.centery + w),
            (r.centerx, r.y + r.height // 8),
            (r.right - r.width // 10, r.centery + w),
        ],
        w,
    )
    door = pygame.Rect(0, 0, base.width // 4, base.height // 2)
    door.midbottom = base.midbottom
    pygame.draw.rect(s, c, door, w)


def _euro(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    inner = r.inflate(-r.width // 4, -r.height // 4)
    pygame.draw.arc(s, c, inner, 0.8, 5.5, w + 1)
    for dy in (-inner.height // 8, inner.height // 8):
        y = inner.centery + dy
        pygame.draw.line(
            s, c, (inner.x - inner.width // 8, y), (inner.centerx + inner.width // 6, y), w
        )


def _health(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    t = r.width // 5
    pygame.draw.rect(
        s, c, pygame.Rect(r.centerx - t // 2, r.y + r.height // 6, t, r.height * 2 // 3)
    )
    pygame.draw.rect(s, c, pygame.Rect(r.x + r.width // 6, r.centery - t // 2, r.width * 2 // 3, t))


def _calendar(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    page = r.inflate(-r.width // 6, -r.height // 5)
    pygame.draw.rect(s, c, page, w)
    pygame.draw.line(
        s, c, (page.x, page.y + page.height // 4), (page.right, page.y + page.height // 4), w
    )
    for i in range(3):
        for j in range(2):
            x = page.x + page.width * (i + 1) // 4
            y = page.y + page.height * (j + 2) // 4
            pygame.draw.circle(s, c, (x, y), max(2, w))


def _info(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    pygame.draw.circle(s, c, r.center, r.width * 2 // 5, w)
    pygame.draw.circle(s, c, (r.centerx, r.y + r.height * 3 // 10), max(2, w))
    pygame.draw.line(
        s,
        c,
        (r.centerx, r.centery - r.height // 12),
        (r.centerx, r.bottom - r.height * 3 // 10),
        w + 1,
    )


def _hand(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    """A pointing finger touching a surface, with two touch ripples."""
    fw = r.width // 6
    finger = pygame.Rect(r.centerx - fw // 2, r.y + r.height * 3 // 10, fw, r.height * 2 // 5)
    pygame.draw.rect(s, c, finger, w, border_radius=fw // 2)
    palm = pygame.Rect(
        r.centerx - fw // 2, r.y + r.height * 11 // 20, r.width * 2 // 5, r.height * 2 // 5
    )
    pygame.draw.rect(s, c, palm, w, border_radius=palm.width // 4)
    for k in (1, 2):
        ripple = pygame.Rect(0, 0, fw * (1 + k), fw * (1 + k))
        ripple.center = (r.centerx, finger.y + fw // 3)
        pygame.draw.arc(s, c, ripple, 0.5, 2.64, max(2, w - 1))


def _arrow_down(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    t = r.width // 6
    pygame.draw.rect(s, c, pygame.Rect(r.centerx - t // 2, r.y + r.height // 8, t, r.height // 2))
    pygame.draw.polygon(
        s,
        c,
        [
            (r.x + r.width // 5, r.centery),
            (r.right - r.width // 5, r.centery),
            (r.centerx, r.bottom - r.height // 10),
        ],
    )


def _arrow_left(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    t = r.height // 6
    pygame.draw.rect(s, c, pygame.Rect(r.centerx, r.centery - t // 2, r.width * 3 // 8, t))
    pygame.draw.polygon(
        s,
        c,
        [
            (r.centerx, r.y + r.height // 5),
            (r.centerx, r.bottom - r.height // 5),
            (r.x + r.width // 10, r.centery),
        ],
    )


def _arrow_right(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    t = r.height // 6
    pygame.draw.rect(
        s, c, pygame.Rect(r.centerx - r.width * 3 // 8, r.centery - t // 2, r.width * 3 // 8, t)
    )
    pygame.draw.polygon(
        s,
        c,
        [
            (r.centerx, r.y + r.height // 5),
            (r.centerx, r.bottom - r.height // 5),
            (r.right - r.width // 10, r.centery),
        ],
    )


def _clock(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    pygame.draw.circle(s, c, r.center, r.width * 2 // 5, w)
    pygame.draw.line(s, c, r.center, (r.centerx, r.y + r.height // 4), w + 1)
    pygame.draw.line(s, c, r.center, (r.centerx + r.width // 5, r.centery), w + 1)


def _no_entry(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    pygame.draw.circle(s, c, r.center, r.width * 2 // 5, w)
    pygame.draw.line(
        s, c, (r.x + r.width // 4, r.centery), (r.right - r.width // 4, r.centery), w + 2
    )


def _warning(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    pts = [
        (r.centerx, r.y + r.height // 10),
        (r.right - r.width // 12, r.bottom - r.height // 8),
        (r.x + r.width // 12, r.bottom - r.height // 8),
    ]
    pygame.draw.polygon(s, c, pts, w)
    pygame.draw.line(
        s, c, (r.centerx, r.y + r.height * 4 // 10), (r.centerx, r.y + r.height * 6 // 10), w + 1
    )
    pygame.draw.circle(s, c, (r.centerx, r.y + r.height * 7 // 10), max(2, w))


def _printer(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    body = pygame.Rect(
        r.x + r.width // 10, r.y + r.height * 3 // 8, r.width * 4 // 5, r.height * 3 // 8
    )
    pygame.draw.rect(s, c, body, w, border_radius=w * 2)
    paper = pygame.Rect(r.x + r.width // 4, r.y + r.height // 8, r.width // 2, r.height // 4)
    pygame.draw.rect(s, c, paper, w)
    out = pygame.Rect(r.x + r.width // 4, body.bottom - w, r.width // 2, r.height // 5)
    pygame.draw.rect(s, c, out, w)


def _check(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    pts = [
        (r.x + r.width // 6, r.centery),
        (r.x + r.width * 5 // 12, r.bottom - r.height // 4),
        (r.right - r.width // 6, r.y + r.height // 4),
    ]
    pygame.draw.lines(s, c, False, pts, w + 2)


def _contrast(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    """A circle half filled: the larger-text, high-contrast view."""
    radius = r.width * 2 // 5
    pygame.draw.circle(s, c, r.center, radius, w)
    pygame.draw.circle(s, c, r.center, radius, 0, draw_top_left=True, draw_bottom_left=True)


def _wrench(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    pygame.draw.line(
        s,
        c,
        (r.x + r.width // 4, r.bottom - r.height // 4),
        (r.right - r.width // 3, r.y + r.height // 3),
        w + 3,
    )
    pygame.draw.circle(s, c, (r.right - r.width // 3, r.y + r.height // 3), r.width // 6, w)


def _ballot(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    box = pygame.Rect(r.x + r.width // 8, r.centery, r.width * 3 // 4, r.height * 3 // 8)
    pygame.draw.rect(s, c, box, w)
    slot_y = box.y + w
    pygame.draw.line(
        s, c, (box.x + box.width // 4, slot_y), (box.right - box.width // 4, slot_y), w + 1
    )
    paper = pygame.Rect(
        r.centerx - r.width // 6, r.y + r.height // 8, r.width // 3, r.height * 3 // 8
    )
    pygame.draw.rect(s, c, paper, w)
    _check(s, paper.inflate(-w * 2, -w * 2), c, max(1, w - 2))


def _briefcase(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    case = pygame.Rect(
        r.x + r.width // 10, r.y + r.height * 3 // 10, r.width * 4 // 5, r.height // 2
    )
    pygame.draw.rect(s, c, case, w, border_radius=w * 2)
    handle = pygame.Rect(r.centerx - r.width // 6, r.y + r.height // 6, r.width // 3, r.height // 6)
    pygame.draw.rect(s, c, handle, w, border_top_left_radius=w * 2, border_top_right_radius=w * 2)
    pygame.draw.line(
        s, c, (case.x, case.y + case.height // 3), (case.right, case.y + case.height // 3), w
    )


def _elderly(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    _person(s, r.inflate(-r.width // 4, 0).move(-r.width // 10, 0), c, w)
    top = (r.right - r.width // 5, r.y + r.height * 2 // 5)
    pygame.draw.line(s, c, top, (r.right - r.width // 5, r.bottom - r.height // 12), w + 1)
    pygame.draw.arc(
        s,
        c,
        pygame.Rect(top[0] - r.width // 8, top[1] - r.height // 16, r.width // 8, r.height // 8),
        0,
        3.14,
        w,
    )


def _priority(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    """The international symbol of access: a seated figure on a wheel (priority ticket)."""
    head = (r.x + r.width * 9 // 20, r.y + r.height // 8)
    pygame.draw.circle(s, c, head, max(2, r.width // 10))
    back_top = (r.x + r.width * 2 // 5, r.y + r.height * 3 // 10)
    seat = (r.x + r.width * 2 // 5, r.y + r.height * 3 // 5)
    knee = (r.x + r.width * 7 // 10, seat[1])
    foot = (r.x + r.width * 4 // 5, r.bottom - r.height // 10)
    pygame.draw.lines(s, c, False, [back_top, seat, knee, foot], w + 1)
    arm = (r.x + r.width * 13 // 20, r.y + r.height * 2 // 5)
    pygame.draw.line(s, c, (back_top[0], arm[1]), arm, w)
    wheel = pygame.Rect(0, 0, r.width * 11 // 20, r.height * 11 // 20)
    wheel.center = (r.x + r.width * 2 // 5, r.bottom - r.height * 3 // 10)
    pygame.draw.arc(s, c, wheel, 0.6, 5.6, w)


def _building(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    """A public building with columns (France services, town hall)."""
    pygame.draw.polygon(
        s,
        c,
        [
            (r.x + r.width // 10, r.y + r.height * 3 // 10),
            (r.centerx, r.y + r.height // 10),
            (r.right - r.width // 10, r.y + r.height * 3 // 10),
        ],
        w,
    )
    base_y = r.bottom - r.height // 8
    pygame.draw.line(s, c, (r.x + r.width // 10, base_y), (r.right - r.width // 10, base_y), w + 1)
    for i in range(4):
        x = r.x + r.width // 5 + i * r.width * 3 // 15
        pygame.draw.line(s, c, (x, r.y + r.height * 3 // 8), (x, base_y - w), w + 1)


def _baby(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    pygame.draw.circle(s, c, (r.centerx, r.y + r.height * 2 // 5), r.width // 4, w)
    pygame.draw.circle(s, c, (r.centerx, r.y + r.height * 2 // 5 + r.width // 10), max(2, w), 0)
    body = pygame.Rect(
        r.centerx - r.width // 5, r.y + r.height * 13 // 20, r.width * 2 // 5, r.height // 4
    )
    pygame.draw.ellipse(s, c, body, w)


def _mailbox(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    env = r.inflate(-r.width // 6, -r.height * 2 // 5)
    pygame.draw.rect(s, c, env, w)
    pygame.draw.lines(s, c, False, [env.topleft, (env.centerx, env.centery), env.topright], w)


def _meal(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    pygame.draw.circle(s, c, r.center, r.width // 4, w)
    for x in (r.x + r.width // 8, r.right - r.width // 8):
        pygame.draw.line(s, c, (x, r.y + r.height // 5), (x, r.bottom - r.height // 5), w + 1)


def _school(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    """An open book."""
    left = [
        (r.centerx, r.y + r.height * 3 // 10),
        (r.x + r.width // 10, r.y + r.height // 5),
        (r.x + r.width // 10, r.bottom - r.height // 5),
        (r.centerx, r.bottom - r.height // 10),
    ]
    right = [
        (r.centerx, p[1]) if i in (0, 3) else (r.right - (p[0] - r.x), p[1])
        for i, p in enumerate(left)
    ]
    pygame.draw.polygon(s, c, left, w)
    pygame.draw.polygon(s, c, right, w)


def _thermometer(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    tube = pygame.Rect(
        r.centerx - r.width // 12, r.y + r.height // 10, r.width // 6, r.height * 3 // 5
    )
    pygame.draw.rect(s, c, tube, w, border_radius=tube.width // 2)
    pygame.draw.circle(s, c, (r.centerx, r.bottom - r.height // 5), r.width // 7)


def _face(mood: int) -> Painter:
    """A face for satisfaction answer ``mood`` (1 to 4): its mouth and brows say it, not a
    colour (RGAA 3.1): 4 a broad open smile, 3 a smile, 2 a frown, 1 a deep frown with
    lowered brows."""

    def paint(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
        radius = r.width * 9 // 20
        pygame.draw.circle(s, c, r.center, radius, w)
        eye_dx, eye_y, eye_r = r.width // 6, r.centery - r.height // 8, max(2, r.width // 16)
        for dx in (-eye_dx, eye_dx):
            pygame.draw.circle(s, c, (r.centerx + dx, eye_y), eye_r)
        if mood == 1:  # brows slanting down towards the nose
            for side in (-1, 1):
                outer = (r.centerx + side * eye_dx * 3 // 2, eye_y - r.height // 7)
                inner = (r.centerx + side * eye_dx // 3, eye_y - r.height // 12)
                pygame.draw.line(s, c, outer, inner, w)
        depth = (8 if mood in (1, 4) else 5) * r.height // 40
        width = r.width * (12 if mood in (1, 4) else 9) // 20
        mouth_y = r.centery + r.height // 5
        box = pygame.Rect(0, 0, width, 2 * depth)
        if mood >= 3:  # the lower half of an ellipse: a smile
            box.center = (r.centerx, mouth_y - depth)
            pygame.draw.arc(s, c, box, math.pi, 2 * math.pi, w)
            if mood == 4:  # open: the upper lip closes the mouth
                pygame.draw.line(s, c, (box.x + w, box.centery), (box.right - w, box.centery), w)
        else:  # the upper half: a frown
            box.center = (r.centerx, mouth_y)
            pygame.draw.arc(s, c, box, 0, math.pi, w)

    return paint


def _opinion(s: pygame.Surface, r: pygame.Rect, c: RGB, w: int) -> None:
    """A speech bubble holding a small smile: "give your opinion"."""
    bubble = pygame.Rect(r.x + r.width // 10, r.y + r.height // 6, r.width * 4 // 5, r.height // 2)
    pygame.draw.rect(s, c, bubble, w, border_radius=bubble.height // 3)
    tail = [
        (bubble.x + bubble.width // 4, bubble.bottom - w),
        (bubble.x + bubble.width // 5, r.bottom - r.height // 8),
        (bubble.x + bubble.width * 9 // 20, bubble.bottom - w),
    ]
    pygame.draw.lines(s, c, False, tail, w)
    smile = pygame.Rect(0, 0, bubble.width // 2, bubble.height // 2)
    smile.center = (bubble.centerx, bubble.centery - bubble.height // 8)
    pygame.draw.arc(s, c, smile, math.pi, 2 * math.pi, w)


PAINTERS: dict[str, Painter] = {
    "ticket": _ticket,
    "person": _person,
    "family": _family,
    "document": _document,
    "id-card": _id_card,
    "house": _house,
    "euro": _euro,
    "health": _health,
    "calendar": _calendar,
    "info": _info,
    "hand": _hand,
    "arrow-down": _arrow_down,
    "back": _arrow_left,
    "back-rtl": _arrow_right,
    "forward": _arrow_right,  # "More": towards where reading goes on
    "forward-rtl": _arrow_left,
    "clock": _clock,
    "no-entry": _no_entry,
    "warning": _warning,
    "printer": _printer,
    "check": _check,
    "wrench": _wrench,
    "ballot": _ballot,
    "briefcase": _briefcase,
    "elderly": _elderly,
    "building": _building,
    "baby": _baby,
    "mailbox": _mailbox,
    "meal": _meal,
    "school": _school,
    "thermometer": _thermometer,
    "help": _info,
    "contrast": _contrast,
    "priority": _priority,
    "face-1": _face(1),
    "face-2": _face(2),
    "face-3": _face(3),
    "face-4": _face(4),
    "opinion": _opinion,
}
ALIASES = {
    "etat-civil": "family",
    "civil": "family",
    "passport": "id-card",
    "identity": "id-card",
    "papers": "document",
    "social": "person",
    "housing": "house",
    "money": "euro",
    "payment": "euro",
    "medical": "health",
    "appointment": "calendar",
    "france-services": "building",
    "town-hall": "building",
    "meal-delivery": "meal",
    "youth": "person",
    "mail": "mailbox",
}
DEFAULT = "ticket"


def draw_pictogram(surface: pygame.Surface, name: str | None, box: pygame.Rect, color: RGB) -> None:
    """Draw pictogram ``name`` centred in ``box`` (a square inside it), ``DEFAULT`` when
    unknown."""
    key = ALIASES.get(name or "", name or DEFAULT)
    painter = PAINTERS.get(key, PAINTERS[DEFAULT])
    square = _square(box)
    if square.width < 8:
        return
    painter(surface, square, color, max(2, square.width // 16))
