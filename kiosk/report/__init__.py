"""Evidence for Qualivilles: daily figures kept in the store, and the ``kiosk report`` command.

``aggregates`` is imported by the store (it maintains the daily tables in the same transaction
as each event); everything else (reading, CSV, HTML, charts) runs only in ``kiosk report``.
"""
