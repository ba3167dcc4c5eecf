"""What a screen is made of: plain data the screen builders return and the renderer draws.

A :class:`Frame` lists filled areas, text boxes, icons and buttons with their logical
rectangles; touches are hit-tested against its buttons, the replay driver aims at their
centres, and tests measure every text box. Building a frame draws nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pygame

# "Back" points towards where reading starts: left in French, right in Arabic ("More",
# towards where it goes on).
MIRRORED_PICTOGRAMS = {"back": "back-rtl", "forward": "forward-rtl"}


@dataclass(frozen=True)
class Action:
    """What releasing a button does: ``kind`` and an optional argument (a category id, a
    language, a digit)."""

    kind: str
    arg: str | None = None


@dataclass(frozen=True)
class Fill:
    box: pygame.Rect
    role: str  # a Theme colour attribute, e.g. "header_bg"


@dataclass(frozen=True)
class Text:
    text: str
    box: pygame.Rect
    role: str  # a Theme.text_pairs() role: body, header, banner, alert, number
    max_px: int
    min_px: int
    is_bold: bool = False
    align: str = "center"  # center | left (the reading start: right in a right-to-left frame)


@dataclass(frozen=True)
class Icon:
    name: str
    box: pygame.Rect
    role: str  # a Theme.text_pairs() role: the icon uses its foreground


@dataclass(frozen=True)
class Button:
    """A touch target. A disabled button stays touchable (the controller decides and
    explains); it looks different and carries its reason in words and an icon."""

    action: Action
    box: pygame.Rect
    label: str
    label_px: int
    min_px: int
    pictogram: str | None = None
    note: str | None = None  # a second line: the reason it is unavailable, or queue figures
    note_icon: str | None = None
    is_note_optional: bool = False  # informational: dropped when the label needs the room
    is_enabled: bool = True
    is_primary: bool = False
    subtitle: str | None = None  # a category's plain-language line under its label
    is_tile: bool = False  # a category tile: drawn from one template (display.render)


@dataclass
class Frame:
    """One screen: its name, what to draw, and what a touch outside every button does."""

    screen: str
    items: list[Fill | Text | Icon | Button] = field(default_factory=list)
    background_action: Action | None = None
    is_rtl: bool = False  # right-to-left: text starts on the right, pictograms right of labels

    @property
    def buttons(self) -> list[Button]:
        return [i for i in self.items if isinstance(i, Button)]

    def hit(self, pos: tuple[int, int]) -> Action | None:
        """The action of the button under ``pos``, else the background action."""
        for button in reversed(self.buttons):
            if button.box.collidepoint(pos):
                return button.action
        return self.background_action

    def mirrored(self, screen_width: int) -> Frame:
        """This frame for a right-to-left language: every box mirrored across the screen's
        vertical axis (touches still find their buttons: hit-testing reads the same boxes),
        pictograms that point somewhere turned round, text aligned to the right. The
        language buttons stay where they are."""
        items: list[Fill | Text | Icon | Button] = []
        for item in self.items:
            box = pygame.Rect(screen_width - item.box.right, item.box.y, *item.box.size)
            if isinstance(item, Button) and item.action.kind == "language":
                # The language row keeps its places: a second tap must land on the same
                # language whatever the direction the first one chose.
                items.append(item)
            elif isinstance(item, Icon):
                name = MIRRORED_PICTOGRAMS.get(item.name, item.name)
                items.append(dataclasses.replace(item, box=box, name=name))
            elif isinstance(item, Button) and item.pictogram is not None:
                picto = MIRRORED_PICTOGRAMS.get(item.pictogram, item.pictogram)
                items.append(dataclasses.replace(item, box=box, pictogram=picto))
            else:
                items.append(dataclasses.replace(item, box=box))
        return Frame(self.screen, items, self.background_action, is_rtl=True)

    def button_for(self, action: Action) -> Button | None:
        for button in self.buttons:
            if button.action == action:
                return button
        return None
