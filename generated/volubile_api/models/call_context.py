from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CallContext")


@_attrs_define
class CallContext:
    """Custom object for dynamic content injection into the agent prompt. Keys in this map correspond to placeholders in
    the prompt template: e.g {{ firstName }}. At runtime, each placeholder was replaced with its corresponding value.
    System prefixed variables are reserved and automatically injected by Volubile system e.g. recipient phone, instant
    time of the call, etc.

    """

    additional_properties: dict[str, bool | float | RecipientContextObject | str] = (
        _attrs_field(init=False, factory=dict)
    )

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            if isinstance(prop, RecipientContextObject):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = prop

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        call_context = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(
                data: object,
            ) -> bool | float | RecipientContextObject | str:
                if isinstance(data, dict):
                    try:
                        componentsschemas_recipient_context_value_type_3 = (
                            RecipientContextObject.from_dict(data)
                        )

                        return componentsschemas_recipient_context_value_type_3
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                return cast(bool | float | RecipientContextObject | str, data)

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        call_context.additional_properties = additional_properties
        return call_context

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> bool | float | RecipientContextObject | str:
        return self.additional_properties[key]

    def __setitem__(
        self, key: str, value: bool | float | RecipientContextObject | str
    ) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


# Imported after the class, once: a model that nests this one (they may nest each other) then
# finds this class defined. (Upstream imports them in every from_dict/to_dict call.)
from ..models.recipient_context_object import RecipientContextObject
