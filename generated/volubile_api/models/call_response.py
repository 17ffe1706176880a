from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.call_status import CallStatus
from ..models.direction import Direction
from ..types import UNSET, Unset, parse_open_enum

T = TypeVar("T", bound="CallResponse")


@_attrs_define
class CallResponse:
    """
    Attributes:
        id (UUID | Unset): Unique identifier of the call
        agent_id (UUID | Unset): Unique identifier of the agent
        phone (str | Unset): Phone number of the other party, in the E.164 international standard format Example:
            +33612345678.
        type_ (Direction | str | Unset): Type of the call
        duration (int | Unset): Duration of the call in seconds Example: 360.
        start_time (datetime.datetime | Unset): Start time of the call. Format: UTC time - yyyy-MM-dd'T'HH:mm:ss'Z'
            Example: 2024-07-30T14:35:00Z.
        end_time (datetime.datetime | Unset): End time of the call. Format: UTC time - yyyy-MM-dd'T'HH:mm:ss'Z' Example:
            2024-07-30T14:41:00Z.
        anonymous (bool | Unset): If the call was anonymous
        status (CallStatus | str | Unset): Status of the call
        extractors (list[ExtractorResult] | Unset): Result of the extractors. Each extractor is represented by an object
            with 'name' and 'value' fields. The 'value' can be either a list of strings or a nested list of extractors.
        extracted_data (CallResponseExtractedData | Unset): Flattened result of the extractors. Extractors are
            represented by a { "key": "value" } object.
        classifiers (list[ClassifierResult] | Unset): Result of the classifiers. Each classifier is represented by an
            object with 'name' and 'value' fields. The 'name' indicates the classification category, and the 'value' is the
            determined classification.
        classification_data (CallResponseClassificationData | Unset): Flattened result of the classifiers. Classifiers
            are represented by a { "key": "value" } object.
        context (CallContext | Unset): Custom object for dynamic content injection into the agent prompt. Keys in this
            map correspond to placeholders in the prompt template: e.g {{ firstName }}. At runtime, each placeholder was
            replaced with its corresponding value. System prefixed variables are reserved and automatically injected by
            Volubile system e.g. recipient phone, instant time of the call, etc.
        recorded (bool | Unset): If the call was recorded
        summary (str | Unset): Summary of what happened during the call
        created (datetime.datetime | Unset): Timestamp when the call record was created. Format: UTC time - yyyy-MM-
            dd'T'HH:mm:ss'Z'
    """

    id: UUID | Unset = UNSET
    agent_id: UUID | Unset = UNSET
    phone: str | Unset = UNSET
    type_: Direction | str | Unset = UNSET
    duration: int | Unset = UNSET
    start_time: datetime.datetime | Unset = UNSET
    end_time: datetime.datetime | Unset = UNSET
    anonymous: bool | Unset = UNSET
    status: CallStatus | str | Unset = UNSET
    extractors: list[ExtractorResult] | Unset = UNSET
    extracted_data: CallResponseExtractedData | Unset = UNSET
    classifiers: list[ClassifierResult] | Unset = UNSET
    classification_data: CallResponseClassificationData | Unset = UNSET
    context: CallContext | Unset = UNSET
    recorded: bool | Unset = UNSET
    summary: str | Unset = UNSET
    created: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        agent_id: str | Unset = UNSET
        if not isinstance(self.agent_id, Unset):
            agent_id = str(self.agent_id)

        phone = self.phone

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = (
                self.type_.value if isinstance(self.type_, Direction) else self.type_
            )

        duration = self.duration

        start_time: str | Unset = UNSET
        if not isinstance(self.start_time, Unset):
            start_time = self.start_time.isoformat()

        end_time: str | Unset = UNSET
        if not isinstance(self.end_time, Unset):
            end_time = self.end_time.isoformat()

        anonymous = self.anonymous

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = (
                self.status.value
                if isinstance(self.status, CallStatus)
                else self.status
            )

        extractors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.extractors, Unset):
            extractors = []
            for extractors_item_data in self.extractors:
                extractors_item = extractors_item_data.to_dict()
                extractors.append(extractors_item)

        extracted_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extracted_data, Unset):
            extracted_data = self.extracted_data.to_dict()

        classifiers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.classifiers, Unset):
            classifiers = []
            for classifiers_item_data in self.classifiers:
                classifiers_item = classifiers_item_data.to_dict()
                classifiers.append(classifiers_item)

        classification_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.classification_data, Unset):
            classification_data = self.classification_data.to_dict()

        context: dict[str, Any] | Unset = UNSET
        if not isinstance(self.context, Unset):
            context = self.context.to_dict()

        recorded = self.recorded

        summary = self.summary

        created: str | Unset = UNSET
        if not isinstance(self.created, Unset):
            created = self.created.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if id is not UNSET:
            field_dict["id"] = id
        if agent_id is not UNSET:
            field_dict["agentId"] = agent_id
        if phone is not UNSET:
            field_dict["phone"] = phone
        if type_ is not UNSET:
            field_dict["type"] = type_
        if duration is not UNSET:
            field_dict["duration"] = duration
        if start_time is not UNSET:
            field_dict["startTime"] = start_time
        if end_time is not UNSET:
            field_dict["endTime"] = end_time
        if anonymous is not UNSET:
            field_dict["anonymous"] = anonymous
        if status is not UNSET:
            field_dict["status"] = status
        if extractors is not UNSET:
            field_dict["extractors"] = extractors
        if extracted_data is not UNSET:
            field_dict["extractedData"] = extracted_data
        if classifiers is not UNSET:
            field_dict["classifiers"] = classifiers
        if classification_data is not UNSET:
            field_dict["classificationData"] = classification_data
        if context is not UNSET:
            field_dict["context"] = context
        if recorded is not UNSET:
            field_dict["recorded"] = recorded
        if summary is not UNSET:
            field_dict["summary"] = summary
        if created is not UNSET:
            field_dict["created"] = created

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

        _agent_id = d.pop("agentId", UNSET)
        agent_id: UUID | Unset
        if isinstance(_agent_id, Unset):
            agent_id = UNSET
        else:
            agent_id = UUID(_agent_id)

        phone = d.pop("phone", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: Direction | str | Unset = UNSET
        if _type_ is not UNSET:
            type_ = parse_open_enum(Direction, _type_, str)

        duration = d.pop("duration", UNSET)

        _start_time = d.pop("startTime", UNSET)
        start_time: datetime.datetime | Unset
        if isinstance(_start_time, Unset):
            start_time = UNSET
        else:
            try:
                start_time = datetime.datetime.fromisoformat(_start_time)
            except (TypeError, ValueError):
                start_time = UNSET
            else:
                if start_time.tzinfo is None:
                    start_time = start_time.replace(tzinfo=datetime.UTC)

        _end_time = d.pop("endTime", UNSET)
        end_time: datetime.datetime | Unset
        if isinstance(_end_time, Unset):
            end_time = UNSET
        else:
            try:
                end_time = datetime.datetime.fromisoformat(_end_time)
            except (TypeError, ValueError):
                end_time = UNSET
            else:
                if end_time.tzinfo is None:
                    end_time = end_time.replace(tzinfo=datetime.UTC)

        anonymous = d.pop("anonymous", UNSET)

        _status = d.pop("status", UNSET)
        status: CallStatus | str | Unset = UNSET
        if _status is not UNSET:
            status = parse_open_enum(CallStatus, _status, str)

        _extractors = d.pop("extractors", UNSET)
        extractors: list[ExtractorResult] | Unset = UNSET
        if _extractors is not UNSET:
            extractors = []
            for extractors_item_data in _extractors:
                extractors_item = ExtractorResult.from_dict(extractors_item_data)

                extractors.append(extractors_item)

        _extracted_data = d.pop("extractedData", UNSET)
        extracted_data: CallResponseExtractedData | Unset
        if isinstance(_extracted_data, Unset):
            extracted_data = UNSET
        else:
            extracted_data = CallResponseExtractedData.from_dict(_extracted_data)

        _classifiers = d.pop("classifiers", UNSET)
        classifiers: list[ClassifierResult] | Unset = UNSET
        if _classifiers is not UNSET:
            classifiers = []
            for classifiers_item_data in _classifiers:
                classifiers_item = ClassifierResult.from_dict(classifiers_item_data)

                classifiers.append(classifiers_item)

        _classification_data = d.pop("classificationData", UNSET)
        classification_data: CallResponseClassificationData | Unset
        if isinstance(_classification_data, Unset):
            classification_data = UNSET
        else:
            classification_data = CallResponseClassificationData.from_dict(
                _classification_data
            )

        _context = d.pop("context", UNSET)
        context: CallContext | Unset
        if isinstance(_context, Unset):
            context = UNSET
        else:
            context = CallContext.from_dict(_context)

        recorded = d.pop("recorded", UNSET)

        summary = d.pop("summary", UNSET)

        _created = d.pop("created", UNSET)
        created: datetime.datetime | Unset
        if isinstance(_created, Unset):
            created = UNSET
        else:
            try:
                created = datetime.datetime.fromisoformat(_created)
            except (TypeError, ValueError):
                created = UNSET
            else:
                if created.tzinfo is None:
                    created = created.replace(tzinfo=datetime.UTC)

        call_response = cls(
            id=id,
            agent_id=agent_id,
            phone=phone,
            type_=type_,
            duration=duration,
            start_time=start_time,
            end_time=end_time,
            anonymous=anonymous,
            status=status,
            extractors=extractors,
            extracted_data=extracted_data,
            classifiers=classifiers,
            classification_data=classification_data,
            context=context,
            recorded=recorded,
            summary=summary,
            created=created,
        )

        call_response.additional_properties = d
        return call_response

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
from ..models.call_context import CallContext
from ..models.call_response_classification_data import CallResponseClassificationData
from ..models.call_response_extracted_data import CallResponseExtractedData
from ..models.classifier_result import ClassifierResult
from ..models.extractor_result import ExtractorResult
