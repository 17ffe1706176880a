from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ValidationError")


@_attrs_define
class ValidationError:
    """List of specific validation errors

    Attributes:
        field (str | Unset): Field in error
        rejected_value (Any | Unset): Value in error
        message (str | Unset): Description of the failed validation
    """

    field: str | Unset = UNSET
    rejected_value: Any | Unset = UNSET
    message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        rejected_value = self.rejected_value

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if field is not UNSET:
            field_dict["field"] = field
        if rejected_value is not UNSET:
            field_dict["rejectedValue"] = rejected_value
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        field = d.pop("field", UNSET)

        rejected_value = d.pop("rejectedValue", UNSET)

        message = d.pop("message", UNSET)

        validation_error = cls(
            field=field,
            rejected_value=rejected_value,
            message=message,
        )

        validation_error.additional_properties = d
        return validation_error

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
