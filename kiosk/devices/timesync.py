"""Is the wall clock known right? systemd-timesyncd says so with a flag file.

timesyncd creates ``/run/systemd/timesync/synchronized`` once it has synchronised the clock
since boot (the folder is a tmpfs: a reboot clears it). Only then may the kiosk correct a
service day left in the future by a clock that was once wrong. Another NTP daemon (chrony,
ntpd) does not create it: point ``KIOSK_TIMESYNC_FLAG`` at a file it maintains, or use the
technician command ``kiosk service-day --move-back``.
"""

from __future__ import annotations

import os
from pathlib import Path

TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
TIMESYNC_FLAG_ENV = "KIOSK_TIMESYNC_FLAG"


def timesync_flag() -> Path:
    """The flag file to look at (``KIOSK_TIMESYNC_FLAG`` overrides timesyncd's)."""
    return Path(os.environ.get(TIMESYNC_FLAG_ENV) or TIMESYNC_FLAG)


def is_clock_synchronised(flag: Path | None = None) -> bool:
    """True when the flag exists; a missing or unreadable one means "not known"."""
    try:
        return (flag or timesync_flag()).exists()
    except OSError:
        return False
