"""The satisfaction survey's answers, a part of the controller: committed off the screen's
thread through the debounce and rate limit of kiosk/report/survey.py.
"""

from __future__ import annotations

import logging
import queue

from kiosk.controller_flow import TicketFlow
from kiosk.core.errors import StoreError
from kiosk.core.messages import (
    SurveyAnswer,
    SurveyRecorded,
)
from kiosk.report.survey import record_answer

# The journal names every part of the controller "kiosk.controller", as before its split.
logger = logging.getLogger("kiosk.controller")


class SurveyRecording(TicketFlow):
    """Records survey answers, also those posted just before a shutdown."""

    def record_survey(self, answer: SurveyAnswer) -> None:
        """Commit a satisfaction answer through the debounce and rate limit (kiosk/report/
        survey.py), here because it is a disk write; the screen is told either way."""
        error = None
        try:
            is_counted = record_answer(
                self.store, self._survey_gate, answer.score, answer.reason, answer.pressed_s
            )
        except (StoreError, ValueError) as err:
            logger.error("survey answer not recorded: %s", err)
            is_counted, error = False, str(err)
        self.trace.emit("survey", score=answer.score, reason=answer.reason, counted=is_counted)
        self.updates.put(SurveyRecorded(answer.score, answer.reason, is_counted, error))
        if is_counted:
            self._nudge()

    def _record_last_answers(self) -> None:
        """A satisfaction answer given just before a shutdown is still committed (a ticket
        asked for then is not issued: nobody would be there to take it)."""
        while True:
            try:
                intent = self.intents.get_nowait()
            except queue.Empty:
                return
            if isinstance(intent, SurveyAnswer):
                self.record_survey(intent)
