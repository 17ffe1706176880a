from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.classifier_type import ClassifierType
from ..types import UNSET, Unset, parse_open_enum

T = TypeVar("T", bound="ClassifierResult")


@_attrs_define
class ClassifierResult:
    """
    Attributes:
        name (str | Unset):
        value (str | Unset):
        type_ (ClassifierType | str | Unset):
    """

    name: str | Unset = UNSET
    value: str | Unset = UNSET
    type_: ClassifierType | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        value = self.value

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = (
                self.type_.value
                if isinstance(self.type_, ClassifierType)
                else self.type_
            )

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if name is not UNSET:
            field_dict["name"] = name
        if value is not UNSET:
            field_dict["value"] = value
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        value = d.pop("value", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: ClassifierType | str | Unset = UNSET
        if _type_ is not UNSET:
            type_ = parse_open_enum(ClassifierType, _type_, str)

        classifier_result = cls(
            name=name,
            value=value,
            type_=type_,
        )

        classifier_result.additional_properties = d
        return classifier_result

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
