from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TelephonyConfiguration")


@_attrs_define
class TelephonyConfiguration:
    """Telephony configuration of the agent containing phone numbers and SIP connections

    Attributes:
        sip_connection (SipConnection | Unset):
        phone_numbers (list[str] | Unset):  Example: ['+33612345678', '+33612345679'].
    """

    sip_connection: SipConnection | Unset = UNSET
    phone_numbers: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sip_connection: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sip_connection, Unset):
            sip_connection = self.sip_connection.to_dict()

        phone_numbers: list[str] | Unset = UNSET
        if not isinstance(self.phone_numbers, Unset):
            phone_numbers = self.phone_numbers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if sip_connection is not UNSET:
            field_dict["sipConnection"] = sip_connection
        if phone_numbers is not UNSET:
            field_dict["phoneNumbers"] = phone_numbers

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _sip_connection = d.pop("sipConnection", UNSET)
        sip_connection: SipConnection | Unset
        if isinstance(_sip_connection, Unset):
            sip_connection = UNSET
        else:
            sip_connection = SipConnection.from_dict(_sip_connection)

        phone_numbers = cast(list[str], d.pop("phoneNumbers", UNSET))

        telephony_configuration = cls(
            sip_connection=sip_connection,
            phone_numbers=phone_numbers,
        )

        telephony_configuration.additional_properties = d
        return telephony_configuration

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
from ..models.sip_connection import SipConnection
