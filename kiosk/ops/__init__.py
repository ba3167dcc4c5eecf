"""The technician's commands: ``kiosk provision``, ``kiosk selftest`` and ``kiosk status``.
They read the store read-only and never take part in issuing a ticket."""
