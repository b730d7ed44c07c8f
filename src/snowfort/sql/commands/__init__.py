"""Command handlers: account and object DDL, GRANT/REVOKE, SHOW, DESCRIBE, USE, ALTER SESSION.

Each handler reads its statement from a token stream and calls the domain; the registry maps
(verb, object kind) to a handler. Statements not found here are queries for the warehouse.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from snowfort.sql.lexer import Tokens
from snowfort.sql.result import Result

if TYPE_CHECKING:
    from snowfort.auth.sessions import Session
    from snowfort.domain import Domain
    from snowfort.domain.context import Ctx
    from snowfort.sql.executor import Executor


@dataclass
class Env:
    domain: Domain
    session: Session
    executor: Executor

    @property
    def ctx(self) -> Ctx:
        return self.session.ctx


Handler = Callable[[Tokens, Env], Result]
HANDLERS: dict[tuple[str, str], Handler] = {}
# Words between the verb and the kind that do not change which handler runs.
MODIFIERS = {"OR", "REPLACE", "TRANSIENT", "TEMPORARY", "TEMP", "LOCAL", "GLOBAL", "VOLATILE", "SECURE", "TERSE",
             "RECURSIVE", "IF", "NOT", "EXISTS", "SCOPED"}
# Kinds written with two words.
TWO_WORD_KINDS = {("COMPUTE", "POOL"), ("COMPUTE", "POOLS"), ("IMAGE", "REPOSITORY"), ("IMAGE", "REPOSITORIES"),
                  ("MATERIALIZED", "VIEW"), ("SERVICE", "INSTANCES"), ("SERVICE", "CONTAINERS"),
                  ("FILE", "FORMAT"), ("NETWORK", "RULE"), ("EXTERNAL", "ACCESS"), ("JOB", "SERVICE"),
                  ("IMAGES", "IN"), ("FUTURE", "GRANTS")}


def handler(verb: str, *kinds: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for kind in kinds or ("",):
            HANDLERS[(verb, kind)] = fn
        return fn

    return register


# Statements read from their raw text, never tokenized: PUT/GET/LIST/REMOVE name local files and
# stage paths (`file:///tmp/*.csv` holds a `/*` that SQL would read as a comment).
RawHandler = Callable[[str, Env], Result]
RAW_HANDLERS: dict[str, RawHandler] = {}
_FIRST_WORD = re.compile(r"(?:\s+|/\*.*?\*/|--[^\n]*(?:\n|$))*([A-Za-z]+)(?![\w$])", re.DOTALL)


def raw_handler(*verbs: str) -> Callable[[RawHandler], RawHandler]:
    def register(fn: RawHandler) -> RawHandler:
        for verb in verbs:
            RAW_HANDLERS[verb] = fn
        return fn

    return register


def find_raw(sql: str) -> RawHandler | None:
    match = _FIRST_WORD.match(sql)
    return RAW_HANDLERS.get(match.group(1).upper()) if match else None


def find(t: Tokens) -> Handler | None:
    """The handler for a statement, or None when it is a query for the warehouse."""
    verb = t.word()
    if verb == "DESC":
        verb = "DESCRIBE"
    if (verb, "") in HANDLERS:
        return HANDLERS[(verb, "")]
    j = 1
    while t.word(j) in MODIFIERS:
        j += 1
    kind = t.word(j)
    if (kind, t.word(j + 1)) in TWO_WORD_KINDS:
        kind = f"{kind} {t.word(j + 1)}"
    return HANDLERS.get((verb, kind))


def load() -> None:
    # Importing the modules registers their handlers.
    from snowfort.sql.commands import grants, image_repositories, objects, session, show, stages  # noqa: F401
