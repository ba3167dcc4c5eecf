"""The touch screen: draws the kiosk's state and posts visitors' and technicians' intents.

It never touches the store, the printer or the network: it reads a
:class:`kiosk.core.messages.KioskSnapshot`, receives updates on a queue and puts intents on
another. :class:`display.app.DisplayApp` owns pygame; the screens are built from pure data
(:mod:`display.screens`, :mod:`display.technician`) and drawn by :mod:`display.render`.
"""

import os

# pygame prints a greeting banner on import; a kiosk's journal has no use for it.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
