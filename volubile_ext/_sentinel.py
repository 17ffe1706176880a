"""``NOT_GIVEN``: an argument left out, where ``None`` is a value of its own.

A module of its own, light, so that the signatures that default to it
(``campaigns.results(retry=NOT_GIVEN)``) are built without loading what the argument serves.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["NOT_GIVEN"]


class _NotGiven(enum.Enum):
    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"


#: ``retry=`` left out: the rules come from the campaign, the report or the journal.
NOT_GIVEN: Final = _NotGiven.NOT_GIVEN
