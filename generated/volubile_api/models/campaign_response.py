from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.campaign_status import CampaignStatus
from ..models.day_of_week import DayOfWeek
from ..types import UNSET, Unset, parse_open_enum

T = TypeVar("T", bound="CampaignResponse")


@_attrs_define
class CampaignResponse:
    """
    Attributes:
        id (UUID | Unset): Unique identifier of the campaign
        name (str | Unset): Name of the campaign
        agent_id (UUID | Unset): Unique identifier of the agent to perform the campaign with
        start_date (datetime.date | Unset): Start date of the campaign Example: 2024-07-30.
        time_slots (list[TimeSlot] | Unset): Timeslots of the campaign (when the calls will be performed during the
            day). Max 2 timeslots
        batch_size (int | Unset): The number of calls per...
        retry (Retry | Unset): Retry parameters when the contact cannot be reached
        days (list[DayOfWeek | str] | Unset): Days of the campaign
        status (CampaignStatus | str | Unset): Status of the campaign
        timezone (str | Unset): The timezone of the campaign Example: Europe/Paris.
    """

    id: UUID | Unset = UNSET
    name: str | Unset = UNSET
    agent_id: UUID | Unset = UNSET
    start_date: datetime.date | Unset = UNSET
    time_slots: list[TimeSlot] | Unset = UNSET
    batch_size: int | Unset = UNSET
    retry: Retry | Unset = UNSET
    days: list[DayOfWeek | str] | Unset = UNSET
    status: CampaignStatus | str | Unset = UNSET
    timezone: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        name = self.name

        agent_id: str | Unset = UNSET
        if not isinstance(self.agent_id, Unset):
            agent_id = str(self.agent_id)

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        time_slots: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.time_slots, Unset):
            time_slots = []
            for time_slots_item_data in self.time_slots:
                time_slots_item = time_slots_item_data.to_dict()
                time_slots.append(time_slots_item)

        batch_size = self.batch_size

        retry: dict[str, Any] | Unset = UNSET
        if not isinstance(self.retry, Unset):
            retry = self.retry.to_dict()

        days: list[str] | Unset = UNSET
        if not isinstance(self.days, Unset):
            days = []
            for days_item_data in self.days:
                days_item = (
                    days_item_data.value
                    if isinstance(days_item_data, DayOfWeek)
                    else days_item_data
                )
                days.append(days_item)

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = (
                self.status.value
                if isinstance(self.status, CampaignStatus)
                else self.status
            )

        timezone = self.timezone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if agent_id is not UNSET:
            field_dict["agentId"] = agent_id
        if start_date is not UNSET:
            field_dict["startDate"] = start_date
        if time_slots is not UNSET:
            field_dict["timeSlots"] = time_slots
        if batch_size is not UNSET:
            field_dict["batchSize"] = batch_size
        if retry is not UNSET:
            field_dict["retry"] = retry
        if days is not UNSET:
            field_dict["days"] = days
        if status is not UNSET:
            field_dict["status"] = status
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        name = d.pop("name", UNSET)

        _agent_id = d.pop("agentId", UNSET)
        agent_id: UUID | Unset
        if isinstance(_agent_id, Unset):
            agent_id = UNSET
        else:
            agent_id = UUID(_agent_id)

        _start_date = d.pop("startDate", UNSET)
        start_date: datetime.date | Unset
        if isinstance(_start_date, Unset):
            start_date = UNSET
        else:
            start_date = datetime.date.fromisoformat(_start_date)

        _time_slots = d.pop("timeSlots", UNSET)
        time_slots: list[TimeSlot] | Unset = UNSET
        if _time_slots is not UNSET:
            time_slots = []
            for time_slots_item_data in _time_slots:
                time_slots_item = TimeSlot.from_dict(time_slots_item_data)

                time_slots.append(time_slots_item)

        batch_size = d.pop("batchSize", UNSET)

        _retry = d.pop("retry", UNSET)
        retry: Retry | Unset
        if isinstance(_retry, Unset):
            retry = UNSET
        else:
            retry = Retry.from_dict(_retry)

        _days = d.pop("days", UNSET)
        days: list[DayOfWeek | str] | Unset = UNSET
        if _days is not UNSET:
            days = [
                parse_open_enum(DayOfWeek, days_item_data, str)
                for days_item_data in _days
            ]

        _status = d.pop("status", UNSET)
        status: CampaignStatus | str | Unset = UNSET
        if _status is not UNSET:
            status = parse_open_enum(CampaignStatus, _status, str)

        timezone = d.pop("timezone", UNSET)

        campaign_response = cls(
            id=id,
            name=name,
            agent_id=agent_id,
            start_date=start_date,
            time_slots=time_slots,
            batch_size=batch_size,
            retry=retry,
            days=days,
            status=status,
            timezone=timezone,
        )

        campaign_response.additional_properties = d
        return campaign_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


# Imported after the class, once: a model that nests this one (they may nest each other) then
# finds this class defined. (Upstream imports them in every from_dict/to_dict call.)
from ..models.retry import Retry
from ..models.time_slot import TimeSlot
