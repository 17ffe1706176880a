from enum import StrEnum


class TranscriptActor(StrEnum):
    AGENT = "AGENT"
    ANSWERING_MACHINE = "ANSWERING_MACHINE"
    HUMAN = "HUMAN"
    UNKNOWN = "UNKNOWN"

    def __str__(self) -> str:
        return str(self.value)
