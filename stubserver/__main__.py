"""``python -m stubserver``: the development queue server, without the kiosk."""

import sys

from stubserver.cli import main

sys.exit(main())
