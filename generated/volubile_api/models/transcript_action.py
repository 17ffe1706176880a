from enum import StrEnum


class TranscriptAction(StrEnum):
    AGENT_SPEAK = "AGENT_SPEAK"
    ANSWER = "ANSWER"
    ANSWERING_MACHINE_BEEP = "ANSWERING_MACHINE_BEEP"
    HANG_UP = "HANG_UP"
    HUMAN_SPEAK = "HUMAN_SPEAK"
    RING = "RING"
    TRANSFER_CALL = "TRANSFER_CALL"

    def __str__(self) -> str:
        return str(self.value)
