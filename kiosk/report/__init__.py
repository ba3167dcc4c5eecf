"""Evidence for Qualivilles: the ``kiosk report`` command.

The daily figures it reads are kept by the store (:mod:`kiosk.store.aggregates`, in the same
transaction as each event); everything here (reading them read-only, CSV, HTML, charts) runs
only in ``kiosk report``, so the kiosk's start-up and memory never pay for it.
"""
