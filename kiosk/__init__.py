"""Queue-ticket kiosk firmware ("borne de file d'attente").

Where things happen, by file name:

- a ticket's number is decided in :mod:`kiosk.core.numbering` and committed in :mod:`kiosk.store`;
- its bytes are made in :mod:`printer.ticket` and leave through :mod:`printer.connections`;
- its event leaves the building through :mod:`kiosk.sync`.
"""

__version__ = "0.1.0"
