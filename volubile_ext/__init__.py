"""volubile_ext: the Python client for the Volubile voice-AI API.

Start with :class:`Volubile` (or :class:`AsyncVolubile`); everything public is in ``__all__``.
"""

from ._campaign_input import RetrySettings
from ._days import Day, parse_days
from ._holidays import french_public_holidays
from ._planning import CallingWindow, CampaignPlan, PlannedDay, SkippedDay, plan_campaign
from ._recipients import (
    DuplicateRow,
    Recipient,
    RecipientImport,
    RejectedRow,
    load_recipients,
    normalize_phone,
)
from ._timeslots import ALLOWED_WINDOWS, TimeSlot, clip_time_slots
from ._version import __version__

__all__ = [
    "ALLOWED_WINDOWS",
    "CallingWindow",
    "CampaignPlan",
    "Day",
    "DuplicateRow",
    "PlannedDay",
    "Recipient",
    "RecipientImport",
    "RejectedRow",
    "RetrySettings",
    "SkippedDay",
    "TimeSlot",
    "__version__",
    "clip_time_slots",
    "french_public_holidays",
    "load_recipients",
    "normalize_phone",
    "parse_days",
    "plan_campaign",
]
