"""The kiosk's hardware sections of the configuration: [gpio] (the ticket button, the status
LED, the technician button), [speech] (the voice) and [keypad] (the tactile keypad's keys).

The keys are described in kiosk/config_keys.py (``GPIO``, ``SPEECH``, ``KEYPAD``); here are
the rules a description cannot say: the one form of a pin, a pin used once, an output URL,
keys of a nested table. :func:`kiosk.config.parse_config` hands each function its section's
reader.
"""

from __future__ import annotations

import re
from typing import Any

from kiosk.config_keys import (
    GPIO,
    KEY_NAMES_TEXT,
    KEYPAD,
    PIN_EXPECTED,
    SPEECH,
    fetch,
    read,
    resolve_path,
)
from kiosk.core.settings import (
    DEFAULT_EVDEV_KEYS,
    KEY_NAMES,
    CategoryConfig,
    GpioSection,
    KeypadSection,
    KioskSection,
    SpeechSection,
)

# The 40-pin header of every Raspberry Pi since the B+: physical pin -> its GPIO (BCM)
# number. The other physical pins are power and ground.
BOARD_TO_GPIO = {
    3: 2, 5: 3, 7: 4, 8: 14, 10: 15, 11: 17, 12: 18, 13: 27, 15: 22, 16: 23, 18: 24, 19: 10,
    21: 9, 22: 25, 23: 11, 24: 8, 26: 7, 27: 0, 28: 1, 29: 5, 31: 6, 32: 12, 33: 13, 35: 19,
    36: 16, 37: 26, 38: 20, 40: 21,
}  # fmt: skip
GPIO_PIN_RE = re.compile(r"(GPIO|BCM|BOARD|J8:)?([0-9]{1,2})")


def normalise_pin(value: str) -> str | None:
    """``"GPIO17"``, ``"BCM17"``, ``"BOARD11"``, ``"J8:11"`` and ``"17"`` all name GPIO17:
    the one form returned. None for anything else (a power pin, a number off the header)."""
    match = GPIO_PIN_RE.fullmatch(value)
    if match is None:
        return None
    kind, number = match[1], int(match[2])
    if kind in ("BOARD", "J8:"):
        gpio = BOARD_TO_GPIO.get(number)
        return None if gpio is None else f"GPIO{gpio}"
    return f"GPIO{number}" if 0 <= number <= 27 else None


def parse_gpio(r: Any, categories: tuple[CategoryConfig, ...]) -> GpioSection:
    seen: dict[str, str] = {}  # normalised pin -> the key that uses it

    def pin(key: str) -> str | None:
        value = fetch(r, GPIO[key])
        if value is None:
            return None
        normal = normalise_pin(value)
        if normal is None:
            r.fail(key, value, PIN_EXPECTED)
        assert normal is not None
        if normal in seen:
            r.fail(key, value, f"a pin other than {normal}, already the {seen[normal]}")
        seen[normal] = key
        return normal

    section = GpioSection(
        ticket_button_pin=pin("ticket_button_pin"),
        ticket_button_category=fetch(r, GPIO["ticket_button_category"]),
        status_led_pin=pin("status_led_pin"),
        technician_button_pin=pin("technician_button_pin"),
    )
    parents = {c.parent for c in categories if c.parent}
    ticket_ids = sorted(c.id for c in categories if c.id not in parents)
    category = section.ticket_button_category
    if (section.ticket_button_pin or category is not None) and category not in ticket_ids:
        r.fail(
            "ticket_button_category",
            category,
            f"the id of a category that gives a ticket ({', '.join(ticket_ids)})",
        )
    r.finish()
    return section


def parse_speech(r: Any, kiosk: KioskSection) -> SpeechSection:
    from kiosk.speech.output import OUTPUT_FORMS

    output = fetch(r, SPEECH["output"], forms=OUTPUT_FORMS)
    scheme, sep, rest = output.partition("://")
    if output != "none" and not (sep and scheme in ("alsa", "file") and rest):
        r.fail("output", output, OUTPUT_FORMS)
    if scheme == "file":
        output = f"file://{resolve_path(r.path, rest)}"
    volume = read(r, SPEECH["volume"])
    step = read(r, SPEECH["volume_step"])
    engine = read(r, SPEECH["engine"])
    headset = read(r, SPEECH["headset"])
    rate = read(r, SPEECH["rate_wpm"])
    voices = read(r, SPEECH["voices"])
    for lang, voice in voices.items():
        if lang not in kiosk.languages or not isinstance(voice, str) or not voice:
            r.fail("voices", voices, "espeak-ng voice names keyed by a configured language")
    r.finish()
    return SpeechSection(
        output=output,
        volume=float(volume),
        volume_step=float(step),
        engine=engine,
        headset=headset,
        rate_wpm=rate,
        voices=dict(voices),
    )


def parse_keypad(r: Any, gpio: GpioSection) -> KeypadSection:
    names = KEY_NAMES_TEXT
    raw_pins = read(r, KEYPAD["gpio"])
    pins: dict[str, str] = {}
    for key, pin in raw_pins.items():
        if key not in KEY_NAMES:
            r.fail(f"gpio.{key}", pin, f"a key name among {names}")
        # One form for every pin, as in [gpio]: "BOARD29" and "GPIO5" are the same pin.
        normal = normalise_pin(pin) if isinstance(pin, str) else None
        if normal is None:
            r.fail(f"gpio.{key}", pin, 'a GPIO pin name such as "GPIO5" or "BOARD29"')
        assert normal is not None
        pins[key] = normal
    taken = {gpio.ticket_button_pin, gpio.status_led_pin, gpio.technician_button_pin} - {None}
    used = list(pins.values())
    if len(set(used)) != len(used) or taken & set(used):
        r.fail("gpio", pins, "a different pin for each key, not used in [gpio]")
    evdev = read(r, KEYPAD["evdev"])
    keys = read(r, KEYPAD["evdev_keys"])
    if keys is not None:
        for code, key in keys.items():
            if not re.match(r"^(KEY|BTN)_[A-Z0-9_]+$", code):
                r.fail(f"evdev_keys.{code}", key, 'an evdev key code such as "KEY_KP8"')
            if key not in KEY_NAMES:
                r.fail(f"evdev_keys.{code}", key, f"a key name among {names}")
    r.finish()
    return KeypadSection(
        gpio=dict(pins),
        evdev=evdev,
        evdev_keys=dict(keys) if keys is not None else dict(DEFAULT_EVDEV_KEYS),
    )
