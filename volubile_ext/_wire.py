"""The one module that imports the generated package (``volubile_api``).

Everything the hand-written layer needs of the generated code comes through here: the spec
table (limits, enums, field names), the generated TypedDicts of request fields, and the
conversions between our values and the generated models.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

# ==== Request side: the spec table, the request fields, the create body ======================
# (written by the "requests" package of issue 10; the integrator merges it with the rest.)
# The spec table is cheap to import (constants only): `import volubile_ext` loads it, while the
# generated models wait for the first create (scripts/bench.py, import row).
from volubile_api import _spec as spec
from volubile_api._spec import CreateCampaignRequestFields

if TYPE_CHECKING:
    from volubile_api.models import CreateCampaignRequest, DayOfWeek
    from volubile_api.models import TimeSlot as TimeSlotModel

    from .campaigns._campaign_input import CampaignRequest

__all__ = [
    "CreateCampaignRequestFields",
    "DayOfWeek",
    "TimeSlotModel",
    "campaign_request_model",
    "day_model",
    "spec",
    "time_slot_model",
]


def time_slot_model(start_time: str, end_time: str) -> TimeSlotModel:
    """The generated ``TimeSlot`` model (times as ``HH:MM``)."""
    from volubile_api.models.time_slot import TimeSlot

    return TimeSlot(start_time=start_time, end_time=end_time)


def day_model(value: str) -> DayOfWeek:
    """The generated ``DayOfWeek`` member named ``value``."""
    from volubile_api.models.day_of_week import DayOfWeek

    return DayOfWeek(value)


def campaign_request_model(request: CampaignRequest) -> CreateCampaignRequest:
    """The generated ``CreateCampaignRequest`` for a checked request: what the create sends.

    Every field goes through the generated model (``from_dict``), so a field the spec adds is
    carried by it under the spec's name, and its ``to_dict()`` is the wire body. The recipients
    are the exception, for speed: see :func:`_fast_body`.
    """
    from volubile_api.models import CreateCampaignRequest

    body = request.to_json()
    recipients = body.pop("recipients", None)
    if recipients is None:
        return CreateCampaignRequest.from_dict(body)
    return _fast_body()(body, recipients)


_Build = Callable[[dict[str, Any], list[dict[str, Any]]], "CreateCampaignRequest"]


@functools.cache
def _fast_body() -> _Build:
    """A builder of the generated model whose recipients are given in their JSON form."""
    from volubile_api.models import CreateCampaignRequest
    from volubile_api.types import UNSET

    request = spec.CreateCampaignRequest
    table = {item.name: item for item in vars(request).values() if hasattr(item, "required")}
    fields = request.properties
    # The generated to_dict() writes the required fields, then the optional ones, each in the
    # schema's order: the recipients come before the optional fields listed after them.
    following = frozenset(
        name for name in fields[fields.index("recipients") + 1 :] if not table[name].required
    )

    # perf: "1,000-recipient body" row of scripts/bench.py. Building a thousand generated
    # CreateCampaignRecipientRequest and RecipientContext models only to flatten them again
    # costs about 5 ms, twice the whole validated body (the row's target is 4x json.dumps).
    # The recipients were checked by volubile_ext and are already JSON: this subclass keeps
    # them so and writes them where the generated to_dict() would.
    # tests/test_wire_body.py::test_the_fast_body_is_the_generated_models_body proves the
    # bytes identical to CreateCampaignRequest.from_dict(body).to_dict().
    class CreateCampaignBody(CreateCampaignRequest):
        recipients_json: list[dict[str, Any]]

        def to_dict(self) -> dict[str, Any]:
            document = super().to_dict()
            if self.recipients is not UNSET:
                return document
            tail = {key: document.pop(key) for key in list(document) if key in following}
            document["recipients"] = self.recipients_json
            document.update(tail)
            return document

    def build(body: dict[str, Any], recipients: list[dict[str, Any]]) -> CreateCampaignRequest:
        model = CreateCampaignBody.from_dict(body)
        model.recipients_json = recipients
        return model

    return build
