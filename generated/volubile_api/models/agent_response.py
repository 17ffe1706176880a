from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.direction import Direction
from ..types import UNSET, Unset, parse_open_enum

T = TypeVar("T", bound="AgentResponse")


@_attrs_define
class AgentResponse:
    """
    Attributes:
        id (UUID | Unset): Unique identifier of the agent
        telephony_configuration (TelephonyConfiguration | Unset): Telephony configuration of the agent containing phone
            numbers and SIP connections
        name (str | Unset): Name of the agent
        type_ (Direction | str | Unset): Type of the agent
        active (bool | Unset): If the agent is active
        recordable (bool | Unset): If the agent record calls
        archived (bool | Unset): If the agent is archived
        configuration (AgentConfiguration | Unset):
    """

    id: UUID | Unset = UNSET
    telephony_configuration: TelephonyConfiguration | Unset = UNSET
    name: str | Unset = UNSET
    type_: Direction | str | Unset = UNSET
    active: bool | Unset = UNSET
    recordable: bool | Unset = UNSET
    archived: bool | Unset = UNSET
    configuration: AgentConfiguration | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        telephony_configuration: dict[str, Any] | Unset = UNSET
        if not isinstance(self.telephony_configuration, Unset):
            telephony_configuration = self.telephony_configuration.to_dict()

        name = self.name

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = (
                self.type_.value if isinstance(self.type_, Direction) else self.type_
            )

        active = self.active

        recordable = self.recordable

        archived = self.archived

        configuration: dict[str, Any] | Unset = UNSET
        if not isinstance(self.configuration, Unset):
            configuration = self.configuration.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if id is not UNSET:
            field_dict["id"] = id
        if telephony_configuration is not UNSET:
            field_dict["telephonyConfiguration"] = telephony_configuration
        if name is not UNSET:
            field_dict["name"] = name
        if type_ is not UNSET:
            field_dict["type"] = type_
        if active is not UNSET:
            field_dict["active"] = active
        if recordable is not UNSET:
            field_dict["recordable"] = recordable
        if archived is not UNSET:
            field_dict["archived"] = archived
        if configuration is not UNSET:
            field_dict["configuration"] = configuration

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

        _telephony_configuration = d.pop("telephonyConfiguration", UNSET)
        telephony_configuration: TelephonyConfiguration | Unset
        if isinstance(_telephony_configuration, Unset):
            telephony_configuration = UNSET
        else:
            telephony_configuration = TelephonyConfiguration.from_dict(
                _telephony_configuration
            )

        name = d.pop("name", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: Direction | str | Unset = UNSET
        if _type_ is not UNSET:
            type_ = parse_open_enum(Direction, _type_, str)

        active = d.pop("active", UNSET)

        recordable = d.pop("recordable", UNSET)

        archived = d.pop("archived", UNSET)

        _configuration = d.pop("configuration", UNSET)
        configuration: AgentConfiguration | Unset
        if isinstance(_configuration, Unset):
            configuration = UNSET
        else:
            configuration = AgentConfiguration.from_dict(_configuration)

        agent_response = cls(
            id=id,
            telephony_configuration=telephony_configuration,
            name=name,
            type_=type_,
            active=active,
            recordable=recordable,
            archived=archived,
            configuration=configuration,
        )

        agent_response.additional_properties = d
        return agent_response

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
from ..models.agent_configuration import AgentConfiguration
from ..models.telephony_configuration import TelephonyConfiguration
