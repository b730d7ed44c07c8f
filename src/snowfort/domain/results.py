"""What domain operations answer: Snowflake's status texts, worded once for every door."""

from __future__ import annotations

from enum import Enum

from snowfort import errors
from snowfort.domain.names import quote


class CreateMode(Enum):
    ERROR_IF_EXISTS = "errorIfExists"
    IF_NOT_EXISTS = "ifNotExists"
    OR_REPLACE = "orReplace"

    @classmethod
    def of(cls, or_replace: bool, if_not_exists: bool) -> CreateMode:
        if or_replace and if_not_exists:
            raise errors.syntax_error("OR REPLACE and IF NOT EXISTS are incompatible.")
        if or_replace:
            return cls.OR_REPLACE
        return cls.IF_NOT_EXISTS if if_not_exists else cls.ERROR_IF_EXISTS


OK = "Statement executed successfully."


def created(word: str, name: str) -> str:
    return f"{word} {quote(name)} successfully created."


def already_exists(name: str) -> str:
    return f"{quote(name)} already exists, statement succeeded."


def dropped(name: str) -> str:
    return f"{quote(name)} successfully dropped."


def already_dropped(name: str) -> str:
    return f"Drop statement executed successfully ({quote(name)} already dropped)."
