"""The wiring: the only place that knows every room.

:mod:`kiosk.app` holds the :class:`~kiosk.app.Kiosk` (its lifecycle); here are the factories
that build each part from the configuration (:mod:`kiosk.wiring.parts`), the parts opened
in the background once the first frame is on screen (:mod:`kiosk.wiring.startup`), and the
demo and default configurations (:mod:`kiosk.wiring.demo`). ``printer`` and ``display``
never read :mod:`kiosk.config`: they are given settings sections built here.
"""
