from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CreateCallRequest")


@_attrs_define
class CreateCallRequest:
    """
    Attributes:
        agent_id (UUID): Unique identifier of the OUTBOUND agent to use for the call
        recipient (CreateCampaignRecipientRequest):
    """

    agent_id: UUID
    recipient: CreateCampaignRecipientRequest
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_id = str(self.agent_id)

        recipient = self.recipient.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agentId": agent_id,
                "recipient": recipient,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        agent_id = UUID(d.pop("agentId"))

        recipient = CreateCampaignRecipientRequest.from_dict(d.pop("recipient"))

        create_call_request = cls(
            agent_id=agent_id,
            recipient=recipient,
        )

        create_call_request.additional_properties = d
        return create_call_request

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
from ..models.create_campaign_recipient_request import CreateCampaignRecipientRequest
