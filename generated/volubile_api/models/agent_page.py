from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AgentPage")


@_attrs_define
class AgentPage:
    """
    Attributes:
        content (list[AgentResponse] | Unset): List of agents in the current page
        page_count (int | Unset): Number of pages
        total_items (int | Unset): Number of agents in all pages
    """

    content: list[AgentResponse] | Unset = UNSET
    page_count: int | Unset = UNSET
    total_items: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        content: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.content, Unset):
            content = []
            for content_item_data in self.content:
                content_item = content_item_data.to_dict()
                content.append(content_item)

        page_count = self.page_count

        total_items = self.total_items

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if content is not UNSET:
            field_dict["content"] = content
        if page_count is not UNSET:
            field_dict["page_count"] = page_count
        if total_items is not UNSET:
            field_dict["total_items"] = total_items

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _content = d.pop("content", UNSET)
        content: list[AgentResponse] | Unset = UNSET
        if _content is not UNSET:
            content = []
            for content_item_data in _content:
                content_item = AgentResponse.from_dict(content_item_data)

                content.append(content_item)

        page_count = d.pop("page_count", UNSET)

        total_items = d.pop("total_items", UNSET)

        agent_page = cls(
            content=content,
            page_count=page_count,
            total_items=total_items,
        )

        agent_page.additional_properties = d
        return agent_page

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
from ..models.agent_response import AgentResponse
