from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CallPage")


@_attrs_define
class CallPage:
    """
    Attributes:
        content (list[CallResponse] | Unset): List of items in the current page
        size (int | Unset): The number of items per page
        page (int | Unset): The page number, starting at 1
        total_elements (int | Unset): The number of items in all pages
        total_pages (int | Unset): The number of pages
    """

    content: list[CallResponse] | Unset = UNSET
    size: int | Unset = UNSET
    page: int | Unset = UNSET
    total_elements: int | Unset = UNSET
    total_pages: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        content: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.content, Unset):
            content = []
            for content_item_data in self.content:
                content_item = content_item_data.to_dict()
                content.append(content_item)

        size = self.size

        page = self.page

        total_elements = self.total_elements

        total_pages = self.total_pages

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if content is not UNSET:
            field_dict["content"] = content
        if size is not UNSET:
            field_dict["size"] = size
        if page is not UNSET:
            field_dict["page"] = page
        if total_elements is not UNSET:
            field_dict["totalElements"] = total_elements
        if total_pages is not UNSET:
            field_dict["totalPages"] = total_pages

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _content = d.pop("content", UNSET)
        content: list[CallResponse] | Unset = UNSET
        if _content is not UNSET:
            content = []
            for content_item_data in _content:
                content_item = CallResponse.from_dict(content_item_data)

                content.append(content_item)

        size = d.pop("size", UNSET)

        page = d.pop("page", UNSET)

        total_elements = d.pop("totalElements", UNSET)

        total_pages = d.pop("totalPages", UNSET)

        call_page = cls(
            content=content,
            size=size,
            page=page,
            total_elements=total_elements,
            total_pages=total_pages,
        )

        call_page.additional_properties = d
        return call_page

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
from ..models.call_response import CallResponse
