"""ESC/POS ticket printing: layout to bytes, connections by URL, real-time status, preview.

Where a ticket's bytes are made: :mod:`printer.ticket`. How they reach the printer:
:mod:`printer.connections` and :mod:`printer.device`. Importing this package imports neither
python-escpos nor pyusb; they load on first use, after the application configured logging.
"""
