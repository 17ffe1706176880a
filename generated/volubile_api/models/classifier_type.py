from enum import StrEnum


class ClassifierType(StrEnum):
    PRIMARY = "PRIMARY"
    SECONDARY = "SECONDARY"

    def __str__(self) -> str:
        return str(self.value)
