from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExtractorResult")


@_attrs_define
class ExtractorResult:
    """
    Attributes:
        name (str | Unset):
        value (list[ExtractorResult | str] | Unset): A list of strings, or a nested list of extractors. Written as one
            list whose items are strings or extractors: a union of two list types is one the generator cannot write back
            (its to_dict cannot tell a list of strings from a list of models).
    """

    name: str | Unset = UNSET
    value: list[ExtractorResult | str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        value: list[dict[str, Any] | str] | Unset = UNSET
        if not isinstance(self.value, Unset):
            value = []
            for value_item_data in self.value:
                value_item: dict[str, Any] | str
                if isinstance(value_item_data, ExtractorResult):
                    value_item = value_item_data.to_dict()
                else:
                    value_item = value_item_data
                value.append(value_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if name is not UNSET:
            field_dict["name"] = name
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _value = d.pop("value", UNSET)
        value: list[ExtractorResult | str] | Unset = UNSET
        if _value is not UNSET:
            value = []
            for value_item_data in _value:

                def _parse_value_item(data: object) -> ExtractorResult | str:
                    if isinstance(data, dict):
                        try:
                            value_item_type_1 = ExtractorResult.from_dict(data)

                            return value_item_type_1
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                    return cast(ExtractorResult | str, data)

                value_item = _parse_value_item(value_item_data)

                value.append(value_item)

        extractor_result = cls(
            name=name,
            value=value,
        )

        extractor_result.additional_properties = d
        return extractor_result

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
