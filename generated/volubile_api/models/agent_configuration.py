from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AgentConfiguration")


@_attrs_define
class AgentConfiguration:
    """
    Attributes:
        extractors (list[ExtractorDefinition] | Unset):
        classifiers (list[ClassifierDefinition] | Unset):
    """

    extractors: list[ExtractorDefinition] | Unset = UNSET
    classifiers: list[ClassifierDefinition] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        extractors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.extractors, Unset):
            extractors = []
            for extractors_item_data in self.extractors:
                extractors_item = extractors_item_data.to_dict()
                extractors.append(extractors_item)

        classifiers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.classifiers, Unset):
            classifiers = []
            for classifiers_item_data in self.classifiers:
                classifiers_item = classifiers_item_data.to_dict()
                classifiers.append(classifiers_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if extractors is not UNSET:
            field_dict["extractors"] = extractors
        if classifiers is not UNSET:
            field_dict["classifiers"] = classifiers

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _extractors = d.pop("extractors", UNSET)
        extractors: list[ExtractorDefinition] | Unset = UNSET
        if _extractors is not UNSET:
            extractors = []
            for extractors_item_data in _extractors:
                extractors_item = ExtractorDefinition.from_dict(extractors_item_data)

                extractors.append(extractors_item)

        _classifiers = d.pop("classifiers", UNSET)
        classifiers: list[ClassifierDefinition] | Unset = UNSET
        if _classifiers is not UNSET:
            classifiers = []
            for classifiers_item_data in _classifiers:
                classifiers_item = ClassifierDefinition.from_dict(classifiers_item_data)

                classifiers.append(classifiers_item)

        agent_configuration = cls(
            extractors=extractors,
            classifiers=classifiers,
        )

        agent_configuration.additional_properties = d
        return agent_configuration

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
from ..models.classifier_definition import ClassifierDefinition
from ..models.extractor_definition import ExtractorDefinition
