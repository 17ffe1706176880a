from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SipConnection")


@_attrs_define
class SipConnection:
    """
    Attributes:
        did (str | Unset):  Example: 2566458.
    """

    did: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        did = self.did

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if did is not UNSET:
            field_dict["did"] = did

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        did = d.pop("did", UNSET)

        sip_connection = cls(
            did=did,
        )

        sip_connection.additional_properties = d
        return sip_connection

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
