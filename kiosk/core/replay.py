"""Scripted input (``--replay FILE``, contract section 3): parsing only, no pygame.

One command a line, ``#`` starts a comment::

    ticket etat-civil     # what a visitor does to get a ticket of that category
    ticket etat-civil priority   # ... a priority ticket of that category ([priority])
    touch 400 240         # one touch, down then up, at logical pixel 400,240
    wait 1.5              # seconds
    key down              # one keypad key (up down left right select back help volume_up volume_down)
    survey 4              # a satisfaction answer, 1 to 4 (4 the best), reason skipped
    survey 2 attente      # the same with a reason (accueil attente information locaux demarche)
    quit                  # clean shutdown, exit code 0

The display's replay driver (:mod:`display.replay_driver`) plays the commands inside the UI
loop. Mistakes are reported as one :class:`~kiosk.core.errors.UsageError` line naming the file,
the line number, the line and the expected forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.errors import UsageError
from kiosk.core.events import SURVEY_REASONS
from kiosk.core.text import clean_text

KINDS = ("ticket", "touch", "wait", "quit", "key", "appointment", "scan", "survey")
FORMS = (
    "ticket CATEGORY_ID | touch X Y | wait SECONDS | quit | key NAME | ticket CATEGORY_ID priority"
    " | appointment CODE | scan TEXT | survey SCORE [REASON]"
)
# ASCII digits only: str.isdigit() and float() also take "²", "١" or "1_0".
PIXEL_RE = re.compile(r"[0-9]{1,5}")
SECONDS_RE = re.compile(r"[0-9]{1,6}(\.[0-9]{0,6})?|\.[0-9]{1,6}")
MAX_WAIT_S = 86400  # a day
SHOWN_MAX_CHARS = 80  # of a bad line in an error message


@dataclass(frozen=True)
class ReplayCommand:
    """One replay line. Only the fields of its ``kind`` are set."""

    kind: str  # "ticket" | "touch" | "wait" | "quit"
    category_id: str | None = None
    x: int | None = None
    y: int | None = None
    seconds: float | None = None
    line_no: int = 0
    source: str = field(default="replay", compare=False)  # the file, for messages
    key: str | None = None
    is_priority: bool = False  # ``ticket CATEGORY_ID priority``
    text: str | None = None  # appointment: the booking code; scan: what the scanner reads
    score: int | None = None  # survey: 1 to 4
    reason: str | None = None  # survey: one of SURVEY_REASONS, or None (skipped)


def parse_replay(text: str, *, source: str) -> list[ReplayCommand]:
    """Parse replay ``text``; ``source`` names it in error messages (usually the path)."""
    commands: list[ReplayCommand] = []
    # Lines end at "\n" only, as in an editor (str.splitlines() also cuts at "\x1c", U+2028...).
    for line_no, raw in enumerate(text.split("\n"), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            commands.append(_parse_line(line, line_no, raw, source))
    return commands


def _parse_line(line: str, line_no: int, raw: str, source: str) -> ReplayCommand:
    def fail(why: str) -> UsageError:
        shown = clean_text(raw, SHOWN_MAX_CHARS).replace('"', '\\"')
        return UsageError(f'{source}:{line_no}: "{shown}": {why}; expected {FORMS}')

    kind, *args = line.split()
    if kind == "ticket":
        if len(args) == 2 and args[1] != "priority":
            raise fail(f"ticket takes a category id, then optionally priority, not {args[1]!r}")
        if len(args) not in (1, 2):
            raise fail("ticket takes one category id (and optionally priority)")
        return ReplayCommand(
            "ticket",
            category_id=args[0],
            line_no=line_no,
            source=source,
            is_priority=len(args) == 2,
        )
    if kind == "touch":
        if len(args) != 2 or not all(PIXEL_RE.fullmatch(a.removeprefix("-")) for a in args):
            raise fail("touch takes two whole pixel coordinates (ASCII digits, up to 99999)")
        if any(a.startswith("-") for a in args):
            raise fail("touch coordinates cannot be negative")
        x, y = int(args[0]), int(args[1])
        return ReplayCommand("touch", x=x, y=y, line_no=line_no, source=source)
    if kind == "wait":
        if len(args) != 1 or not SECONDS_RE.fullmatch(args[0]) or float(args[0]) > MAX_WAIT_S:
            raise fail(f"wait takes one decimal number of seconds, 0 to {MAX_WAIT_S}")
        return ReplayCommand("wait", seconds=float(args[0]), line_no=line_no, source=source)
    if kind == "key":
        from kiosk.core.settings import KEY_NAMES

        if len(args) != 1 or args[0] not in KEY_NAMES:
            raise fail(f"key takes one key name among {', '.join(KEY_NAMES)}")
        return ReplayCommand("key", key=args[0], line_no=line_no, source=source)
    if kind == "appointment":
        from kiosk.core.appointments import CODE_ALPHABET, CODE_MAX_CHARS

        code = args[0].upper() if len(args) == 1 else ""
        if not code or len(code) > CODE_MAX_CHARS or any(c not in CODE_ALPHABET for c in code):
            raise fail(
                f"appointment takes one booking code of up to {CODE_MAX_CHARS} characters "
                f"among {CODE_ALPHABET}"
            )
        return ReplayCommand("appointment", text=code, line_no=line_no, source=source)
    if kind == "scan":
        if len(args) != 1:
            raise fail("scan takes one text without spaces (a code or a URL)")
        return ReplayCommand("scan", text=args[0], line_no=line_no, source=source)
    if kind == "survey":
        if not 1 <= len(args) <= 2 or args[0] not in ("1", "2", "3", "4"):
            raise fail("survey takes a score from 1 to 4 (4 the best), then optionally a reason")
        reason = args[1] if len(args) == 2 else None
        if reason is not None and reason not in SURVEY_REASONS:
            raise fail(
                f"survey reason {clean_text(reason, 32)!r}: one of {', '.join(SURVEY_REASONS)}"
            )
        return ReplayCommand(
            "survey", score=int(args[0]), reason=reason, line_no=line_no, source=source
        )
    if kind == "quit":
        if args:
            raise fail("quit takes nothing")
        return ReplayCommand("quit", line_no=line_no, source=source)
    raise fail(f"unknown command {clean_text(kind, 32)!r}")


def load_replay(path: str | Path) -> list[ReplayCommand]:
    """Read and parse a UTF-8 replay file; raise UsageError with a one-line message."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: replay file not found: check the --replay path") from None
    except UnicodeDecodeError as err:
        raise UsageError(f"{path}: byte {err.start} is not UTF-8: save it as UTF-8") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot be read ({err.strerror})") from None
    return parse_replay(text, source=str(path))


def validate_categories(
    commands: Sequence[ReplayCommand],
    ticket_category_ids: Iterable[str],
    *,
    source: str = "replay",
    priority_category_ids: Iterable[str] | None = None,
) -> None:
    """Refuse, at start-up, a ``ticket`` line naming a category that gives no ticket, and
    (when ``priority_category_ids`` is given) a ``ticket X priority`` line for a category
    that offers no priority ticket.

    ``source`` names the file in the message: pass the commands' own ``source``."""
    known = sorted(set(ticket_category_ids))
    if priority_category_ids is not None:
        offering = sorted(set(priority_category_ids))
        for c in commands:
            if (
                c.kind == "ticket"
                and c.is_priority
                and c.category_id in known
                and c.category_id not in offering
            ):
                shown = clean_text(f"ticket {c.category_id} priority", SHOWN_MAX_CHARS)
                raise UsageError(
                    f'{source}:{c.line_no}: "{shown}": this category offers no priority '
                    f"ticket; expected one of {', '.join(offering) or '(none: no [priority])'}"
                )
    for c in commands:
        if c.kind == "ticket" and c.category_id not in known:
            shown = clean_text(f"ticket {c.category_id}", SHOWN_MAX_CHARS).replace('"', '\\"')
            raise UsageError(
                f'{source}:{c.line_no}: "{shown}": unknown category; '
                f"expected one of {', '.join(known)}"
            )


def validate_survey(commands: Sequence[ReplayCommand], *, is_enabled: bool) -> None:
    """Refuse, at start-up, a ``survey`` line on a kiosk without ``[survey] enabled = true``."""
    for c in commands:
        if c.kind == "survey" and not is_enabled:
            shown = f"survey {c.score}" + (f" {c.reason}" if c.reason else "")
            raise UsageError(
                f'{c.source}:{c.line_no}: "{shown}": this kiosk offers no survey; '
                "set [survey] enabled = true in its configuration"
            )
