from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateCampaignRecipientRequest")


@_attrs_define
class CreateCampaignRecipientRequest:
    """
    Attributes:
        phone (str): Phone number to call, in the E.164 international standard format Example: +33612345678.
        context (RecipientContext | Unset): Custom object for dynamic content injection into the agent prompt.
            Keys in this map correspond to placeholders in the prompt template: e.g {{ firstName }}.
            At runtime, each placeholder will be replaced with its corresponding value.

            ⚠️ All sent variables not found in configured agent prompt will be ignored.
             Example: {'firstName': 'firstname', 'lastName': 'lastname', 'orderNumber': '5HZ99FRT'}.
    """

    phone: str
    context: RecipientContext | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        phone = self.phone

        context: dict[str, Any] | Unset = UNSET
        if not isinstance(self.context, Unset):
            context = self.context.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "phone": phone,
            }
        )
        if context is not UNSET:
            field_dict["context"] = context

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        phone = d.pop("phone")

        _context = d.pop("context", UNSET)
        context: RecipientContext | Unset
        if isinstance(_context, Unset):
            context = UNSET
        else:
            context = RecipientContext.from_dict(_context)

        create_campaign_recipient_request = cls(
            phone=phone,
            context=context,
        )

        create_campaign_recipient_request.additional_properties = d
        return create_campaign_recipient_request

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
from ..models.recipient_context import RecipientContext
