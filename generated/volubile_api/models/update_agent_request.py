from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateAgentRequest")


@_attrs_define
class UpdateAgentRequest:
    """The fields to change; the others keep their value

    Attributes:
        name (str | Unset): Name of the agent
        active (bool | Unset): If the agent is active
        recordable (bool | Unset): If the agent record calls
        archived (bool | Unset): If the agent is archived
    """

    name: str | Unset = UNSET
    active: bool | Unset = UNSET
    recordable: bool | Unset = UNSET
    archived: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        active = self.active

        recordable = self.recordable

        archived = self.archived

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if active is not UNSET:
            field_dict["active"] = active
        if recordable is not UNSET:
            field_dict["recordable"] = recordable
        if archived is not UNSET:
            field_dict["archived"] = archived

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        active = d.pop("active", UNSET)

        recordable = d.pop("recordable", UNSET)

        archived = d.pop("archived", UNSET)

        update_agent_request = cls(
            name=name,
            active=active,
            recordable=recordable,
            archived=archived,
        )

        update_agent_request.additional_properties = d
        return update_agent_request

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
