from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExtractorDefinition")


@_attrs_define
class ExtractorDefinition:
    """
    Attributes:
        name (str | Unset):
        description (str | Unset):
        extractors (list[ExtractorDefinition] | Unset):
    """

    name: str | Unset = UNSET
    description: str | Unset = UNSET
    extractors: list[ExtractorDefinition] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        extractors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.extractors, Unset):
            extractors = []
            for extractors_item_data in self.extractors:
                extractors_item = extractors_item_data.to_dict()
                extractors.append(extractors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if extractors is not UNSET:
            field_dict["extractors"] = extractors

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        description = d.pop("description", UNSET)

        _extractors = d.pop("extractors", UNSET)
        extractors: list[ExtractorDefinition] | Unset = UNSET
        if _extractors is not UNSET:
            extractors = []
            for extractors_item_data in _extractors:
                extractors_item = ExtractorDefinition.from_dict(extractors_item_data)

                extractors.append(extractors_item)

        extractor_definition = cls(
            name=name,
            description=description,
            extractors=extractors,
        )

        extractor_definition.additional_properties = d
        return extractor_definition

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
