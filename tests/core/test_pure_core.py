"""The pure core imports no I/O library: it can be reasoned about and tested alone."""

import subprocess
import sys

PURE = [
    "kiosk.core.calendar",
    "kiosk.core.service_day",
    "kiosk.core.numbering",
    "kiosk.core.events",
    "kiosk.core.queue_info",
    "kiosk.config",
    "kiosk.core.messages",
    "kiosk.core.clock",
    "kiosk.core.replay",
    "kiosk.core.snapshot",
    "kiosk.core",
    "kiosk.core.text",
]
FORBIDDEN = ["pygame", "serial", "requests", "gpiozero", "escpos", "usb", "urllib3", "sqlite3"]


def test_core_modules_import_no_io_library():
    code = (
        "import sys\n"
        f"for m in {PURE!r}: __import__(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_calendar_imports_nothing_of_the_project_outside_the_core():
    code = (
        "import sys\nimport kiosk.core.calendar\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('kiosk.') "
        "and not m.startswith('kiosk.core'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
