from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuthTokenResponse")


@_attrs_define
class AuthTokenResponse:
    """Short lived Bearer token issued from a valid API key

    Attributes:
        token (str | Unset): Signed JWT Bearer token Example: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjN2Y4....
        expires_in (int | Unset): Token lifetime in seconds Example: 900.
        token_type (str | Unset): Token type Example: Bearer.
    """

    token: str | Unset = UNSET
    expires_in: int | Unset = UNSET
    token_type: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        expires_in = self.expires_in

        token_type = self.token_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if token is not UNSET:
            field_dict["token"] = token
        if expires_in is not UNSET:
            field_dict["expiresIn"] = expires_in
        if token_type is not UNSET:
            field_dict["tokenType"] = token_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        token = d.pop("token", UNSET)

        expires_in = d.pop("expiresIn", UNSET)

        token_type = d.pop("tokenType", UNSET)

        auth_token_response = cls(
            token=token,
            expires_in=expires_in,
            token_type=token_type,
        )

        auth_token_response.additional_properties = d
        return auth_token_response

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
