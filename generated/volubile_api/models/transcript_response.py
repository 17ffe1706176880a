from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.transcript_action import TranscriptAction
from ..models.transcript_actor import TranscriptActor
from ..types import UNSET, Unset, parse_open_enum

T = TypeVar("T", bound="TranscriptResponse")


@_attrs_define
class TranscriptResponse:
    """
    Attributes:
        action (TranscriptAction | str | Unset): Action type of the transcript
        time (datetime.datetime | Unset): Timestamp of the transcript action. Format: UTC time - yyyy-MM-
            dd'T'HH:mm:ss'Z'
        actor (TranscriptActor | str | Unset): Actor of the transcript
        message (str | Unset): Message content of the transcript
    """

    action: TranscriptAction | str | Unset = UNSET
    time: datetime.datetime | Unset = UNSET
    actor: TranscriptActor | str | Unset = UNSET
    message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action: str | Unset = UNSET
        if not isinstance(self.action, Unset):
            action = (
                self.action.value
                if isinstance(self.action, TranscriptAction)
                else self.action
            )

        time: str | Unset = UNSET
        if not isinstance(self.time, Unset):
            time = self.time.isoformat()

        actor: str | Unset = UNSET
        if not isinstance(self.actor, Unset):
            actor = (
                self.actor.value
                if isinstance(self.actor, TranscriptActor)
                else self.actor
            )

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if action is not UNSET:
            field_dict["action"] = action
        if time is not UNSET:
            field_dict["time"] = time
        if actor is not UNSET:
            field_dict["actor"] = actor
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _action = d.pop("action", UNSET)
        action: TranscriptAction | str | Unset = UNSET
        if _action is not UNSET:
            action = parse_open_enum(TranscriptAction, _action, str)

        _time = d.pop("time", UNSET)
        time: datetime.datetime | Unset
        if isinstance(_time, Unset):
            time = UNSET
        else:
            try:
                time = datetime.datetime.fromisoformat(_time)
            except (TypeError, ValueError):
                time = UNSET
            else:
                if time.tzinfo is None:
                    time = time.replace(tzinfo=datetime.UTC)

        _actor = d.pop("actor", UNSET)
        actor: TranscriptActor | str | Unset = UNSET
        if _actor is not UNSET:
            actor = parse_open_enum(TranscriptActor, _actor, str)

        message = d.pop("message", UNSET)

        transcript_response = cls(
            action=action,
            time=time,
            actor=actor,
            message=message,
        )

        transcript_response.additional_properties = d
        return transcript_response

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
