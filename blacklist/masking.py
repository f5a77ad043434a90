"""Masking of personal data for anything an anonymous visitor or a log may see (DESIGN §5).

No model imports here: the log filter loads this module before the apps are ready.
"""

from __future__ import annotations

import re

from .validators import mask_id_number

# 17 digits and a digit or X, not inside a longer number: the shape of a resident ID number.
_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def redact(text: str) -> str:
    """``text`` with every ID-number-shaped run masked as the court's list masks it."""
    return _ID_IN_TEXT.sub(lambda match: mask_id_number(match.group(0)), text or "")


def mask_person_name(name: str) -> str:
    """The surname and one star per further character: 张伟 → 张*, 欧阳娜娜 → 欧***."""
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else name
