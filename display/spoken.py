"""What speech says on each screen (EN 301 549 5.1.3): built from the same frame the screen
draws, so every control and pictogram that shows has its spoken text.

An utterance is made of parts; fixed parts (titles, labels with their position, instructions)
are cached by the speaker, the rest (a ticket's number, a count of people) is synthesised
when needed. Strings go through the ``speech`` translation domain (message ids are English;
Arabic is written with its vowel marks, which espeak-ng needs).

Privacy (5.1.3.8-9): without a headset, categories marked ``discreet`` are never named aloud:
a neutral word and their position stand in for the label.
"""

from __future__ import annotations

from display.flow import ScreenFlow
from display.focus import focus_order
from display.screens import ScreenContext, language_name
from display.ticket_screens import ahead_text, wait_text
from display.view import Button, Frame, Text
from kiosk.core.settings import Config
from kiosk.i18n import Translator, translator
from kiosk.speech.speaker import Part, Utterance

PRIORITY_CHOICE = (
    "Choose a normal ticket or a priority ticket. A priority ticket is for holders of the "
    "carte mobilité inclusion, with the mention priority or disability: you show your card "
    "to the agent, the kiosk asks for nothing."
)
PRIORITY_TICKET = "Priority ticket. Show your card, the carte mobilité inclusion, to the agent."


def _tr(language: str) -> Translator:
    return translator(language, "speech")


def instructions(language: str) -> str:
    return _tr(language).gettext(
        "Use the up and down keys to move, the select key to choose, the back key to go "
        "back, and the help key to hear this again."
    )


def spell(number: str) -> str:
    """``A042`` → ``A, 0, 4, 2``: letter by letter and digit by digit."""
    return ", ".join(number)


class Voice:
    """Builds the utterances of one visitor screen."""

    def __init__(self, ctx: ScreenContext, flow: ScreenFlow, frame: Frame):
        self.ctx = ctx
        self.flow = flow
        self.frame = frame
        self.language = ctx.language
        self.tr = _tr(ctx.language)
        self.config: Config = ctx.config
        speech = ctx.config.speech
        self.is_private = speech is not None and speech.headset
        default = self.config.kiosk.default_language
        self._discreet = {
            c.label_for(self.language, default): c.id
            for c in self.config.categories
            if c.is_discreet and not self.is_private
        }

    def _(self, message: str) -> str:
        return self.tr.gettext(message)

    def _say(self, *parts: str | Part) -> Utterance:
        return Utterance.of(self.language, *parts)

    # ---- pieces ---------------------------------------------------------------------------

    def _aloud(self, text: str) -> str:
        """``text`` as it may be said aloud here: a discreet category's label is replaced."""
        return self._("Request") if text in self._discreet else text

    def label(self, button: Button) -> str:
        action = button.action
        if action.kind == "start":
            return self._("Take a ticket")
        if action.kind == "normal":
            return self._("Normal ticket")
        if action.kind == "priority":
            return self._("Priority ticket")
        if action.kind == "code_delete":
            return self._("Correct")
        if action.kind in ("category", "parent") and action.arg:
            category = self.config.category(action.arg)
            if category.is_discreet and not self.is_private:
                return self._("Request")
            return category.spoken_for(self.language, self.config.kiosk.default_language)
        if action.kind == "view":
            if self.flow.is_large_view:
                return self._("%(label)s, on") % {"label": button.label}
            return button.label
        if action.kind == "language" and action.arg:
            name = language_name(action.arg)
            return (
                self._("%(language)s, selected") % {"language": name}
                if (action.arg == self.language)
                else name
            )
        return self._aloud(button.label.replace("\n", " "))

    def control(self, button: Button, position: int, count: int) -> list[Part]:
        """``État civil, 2 sur 6`` (fixed), then the button's note (a count: not fixed)."""
        label = self.label(button)
        if not button.is_enabled and button.note:
            text = self._("%(label)s, unavailable: %(reason)s, %(position)d of %(count)d") % {
                "label": label,
                "reason": button.note,
                "position": position,
                "count": count,
            }
            return [Part(text)]
        text = self._("%(label)s, %(position)d of %(count)d") % {
            "label": label,
            "position": position,
            "count": count,
        }
        parts = [Part(text)]
        if button.action.kind == "parent":
            parts.append(Part(self._("more choices inside")))
        elif button.note:
            parts.append(Part(button.note, is_fixed=False))
        return parts

    def focused(self) -> list[Part]:
        order = focus_order(self.frame)
        if not order:
            return []
        index = self.flow.focus % len(order)
        return self.control(order[index], index + 1, len(order))

    def _texts(self) -> list[Part]:
        """The frame's texts in drawing order, without the clock."""
        parts = []
        for item in self.frame.items:
            if not isinstance(item, Text) or not item.text.strip():
                continue
            if item.role == "header" and not item.is_bold:
                continue  # the date and time
            if item.role == "number":
                parts.append(Part(spell(item.text), is_fixed=False))
                continue
            for line in item.text.split("\n"):
                if line.strip():
                    parts.append(Part(self._aloud(line.strip()), is_fixed=False))
        return parts

    # ---- utterances -------------------------------------------------------------------------

    def screen(self, *, is_help: bool = False) -> Utterance:
        """The whole screen: what it is, what it says, the focused control; on ``help``,
        how to use the keys."""
        tail = [Part(instructions(self.language))] if is_help else []
        name = self.frame.screen
        if name == "home":
            site = Part(self.config.kiosk.site)
            return self._say(site, Part(self._("Welcome.")), *self.focused(), *tail)
        if name == "categories":
            title = next(
                (i.text for i in self.frame.items if isinstance(i, Text) and i.role == "header"),
                "",
            )
            if self.flow.parent_id:
                parent = self.config.category(self.flow.parent_id)
                if not (parent.is_discreet and not self.is_private):
                    title = parent.spoken_for(self.language, self.config.kiosk.default_language)
            return self._say(Part(self._aloud(title)), *self.focused(), *tail)
        if name == "priority":
            title = next(
                (i.text for i in self.frame.items if isinstance(i, Text) and i.role == "header"),
                "",
            )
            choice = Part(self._(PRIORITY_CHOICE))
            return self._say(Part(self._aloud(title)), choice, *self.focused(), *tail)
        if name == "ticket":
            return self._say(*self._ticket(), *tail)
        return self._say(*self._texts(), *self.focused(), *tail)

    def focus(self) -> Utterance:
        return self._say(*self.focused())

    def echo(self) -> Utterance:
        """On the booking-code keypad: the code typed so far, spelt, then the focus."""
        code = self.flow.code_entry.code
        typed = Part(spell(code), is_fixed=False) if code else Part(self._("Nothing typed"))
        return self._say(typed, *self.focused())

    def _ticket(self) -> list[Part]:
        ticket = self.flow.flow
        if ticket is None or ticket.issued is None:
            return [Part(self._("Please wait, your ticket is coming."))]
        if ticket.outcome == "voided":
            return self._texts()
        issued = ticket.issued
        parts = [
            Part(self._("Your ticket number is")),
            Part(spell(issued.number), is_fixed=False),
        ]
        try:
            category = self.config.category(ticket.category_id)
        except KeyError:
            category = None
        if category is not None and not (category.is_discreet and not self.is_private):
            label = category.spoken_for(self.language, self.config.kiosk.default_language)
            parts.append(Part(self._("for %(category)s") % {"category": label}))
        if issued.is_priority:
            parts.append(Part(self._(PRIORITY_TICKET)))
        # the screen's own words (kiosk.core.queue_info): what is said is what is shown
        if issued.people_ahead is not None:
            parts.append(Part(ahead_text(self.tr, issued.people_ahead) + ".", is_fixed=False))
        if issued.wait_range_s is not None:
            parts.append(Part(wait_text(self.tr, issued.wait_range_s) + ".", is_fixed=False))
        parts.append(Part(self._("Your ticket is coming out of the tray below.")))
        parts.append(Part(self._("Press select when you have it.")))
        return parts


def ticket_prompts(config: Config, language: str) -> list[tuple[str, str]]:
    """The fixed parts of the ticket screen in ``language`` (one per category)."""
    tr = _tr(language)
    texts = [
        tr.gettext("Please wait, your ticket is coming."),
        tr.gettext("Your ticket number is"),
        tr.gettext("Your ticket is coming out of the tray below."),
        tr.gettext("Press select when you have it."),
    ]
    if config.priority is not None:
        texts.append(tr.gettext(PRIORITY_TICKET))
    default = config.kiosk.default_language
    for c in config.ticket_categories:
        label = c.spoken_for(language, default)
        texts.append(tr.gettext("for %(category)s") % {"category": label})
    return [(language, t) for t in texts]


def volume_utterance(language: str, volume: float) -> Utterance:
    level = round(volume * 10)
    text = _tr(language).gettext("Volume %(level)d of 10") % {"level": level}
    return Utterance.of(language, Part(text))


def fixed_prompts(voices: list[Voice]) -> list[tuple[str, str]]:
    """Every fixed part the given screens can say (each focus position, with and without
    the instructions): what the speaker renders at start-up."""
    out: list[tuple[str, str]] = []
    for voice in voices:
        order = focus_order(voice.frame)
        for index in range(max(1, len(order))):
            voice.flow.focus = index
            for utterance in (voice.screen(is_help=True), voice.focus()):
                out.extend((utterance.language, p.text) for p in utterance.parts if p.is_fixed)
        voice.flow.focus = 0
    for language in {v.language for v in voices}:
        for level in range(1, 11):
            out.append((language, volume_utterance(language, level / 10).parts[0].text))
    return list(dict.fromkeys(out))
