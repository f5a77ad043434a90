"""Keep resident ID numbers out of the logs (DESIGN §5: not in logs either).

A visitor can put an ID number into a URL (``/credit/342301196410063224/``), and Django logs the
path of every 4xx answer; a message or an exception text may carry one too. This filter masks
every ID-number-shaped run in a record before any handler writes it.
"""

from __future__ import annotations

import logging

from .masking import redact


class MaskIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
