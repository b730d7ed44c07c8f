"""A token stream over sqlglot's Snowflake tokenizer, for the commands sqlglot does not model
(account DDL, GRANT, SHOW, ...). Handlers read it like a recursive-descent parser."""

from __future__ import annotations

from typing import Any

from sqlglot.dialects.snowflake import Snowflake
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from snowfort import errors
from snowfort.domain import names

_TOKENIZER = Snowflake().tokenizer_class()
STRINGS = {TokenType.STRING, TokenType.RAW_STRING, TokenType.NATIONAL_STRING}


def tokenize(sql: str) -> list[Token]:
    try:
        return _TOKENIZER.tokenize(sql)
    except TokenError as exc:
        raise errors.syntax_error(f"syntax error line 1 at position 0 unexpected '{str(exc)[:60]}'.") from None


class Tokens:
    def __init__(self, sql: str, tokens: list[Token] | None = None) -> None:
        self.sql = sql
        self.toks = [t for t in (tokens if tokens is not None else tokenize(sql)) if t.token_type != TokenType.SEMICOLON]
        self.i = 0

    # -- looking -------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def word(self, offset: int = 0) -> str:
        """The upper-cased text of a bare token ('' for strings, quoted names and the end)."""
        tok = self.peek(offset)
        if tok is None or tok.token_type in STRINGS or tok.token_type == TokenType.IDENTIFIER:
            return ""
        return tok.text.upper()

    def at_end(self) -> bool:
        return self.i >= len(self.toks)

    def is_(self, *words: str) -> bool:
        return all(self.word(k) == w for k, w in enumerate(words))

    # -- consuming -----------------------------------------------------------------------
    def accept(self, *words: str) -> bool:
        if self.is_(*words):
            self.i += len(words)
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            self.fail(" ".join(words))

    def fail(self, wanted: str | None = None) -> None:
        tok = self.peek()
        if tok is None:
            raise errors.syntax_error("syntax error line 1 at position 0 unexpected '<EOF>'.")
        raise errors.syntax_error(
            f"syntax error line {tok.line} at position {max(tok.col - len(tok.text), 0)} unexpected '{tok.text}'."
        )

    def next(self) -> Token:
        tok = self.peek()
        if tok is None:
            self.fail()
        self.i += 1
        return tok  # type: ignore[return-value]

    def end(self) -> None:
        if not self.at_end():
            self.fail()

    def if_not_exists(self) -> bool:
        return self.accept("IF", "NOT", "EXISTS")

    def if_exists(self) -> bool:
        return self.accept("IF", "EXISTS")

    # -- names and values ----------------------------------------------------------------
    def ident(self) -> str:
        """One identifier, normalised (unquoted upper-cased)."""
        tok = self.next()
        if tok.token_type == TokenType.IDENTIFIER:
            if not tok.text:
                raise errors.syntax_error("Zero-length delimited identifier.")
            return tok.text
        if tok.token_type in STRINGS or tok.token_type in (TokenType.COMMA, TokenType.L_PAREN, TokenType.R_PAREN,
                                                          TokenType.EQ, TokenType.DOT):
            self.i -= 1
            self.fail()
        return names.normalize(tok.text)

    def qualified(self) -> list[str]:
        parts = [self.ident()]
        while self.peek() is not None and self.peek().token_type == TokenType.DOT:  # type: ignore[union-attr]
            self.i += 1
            parts.append(self.ident())
        return parts

    def string(self) -> str:
        tok = self.next()
        if tok.token_type not in STRINGS:
            self.i -= 1
            self.fail()
        return tok.text

    def punct(self, kind: TokenType) -> bool:
        tok = self.peek()
        if tok is not None and tok.token_type == kind:
            self.i += 1
            return True
        return False

    def value(self) -> Any:
        """A property value: string, number, TRUE/FALSE, NULL, a bare word, or a (list)."""
        tok = self.next()
        if tok.token_type in STRINGS:
            return tok.text
        if tok.token_type == TokenType.NUMBER:
            return int(tok.text) if tok.text.isdigit() else float(tok.text)
        if tok.token_type == TokenType.DASH:
            nxt = self.next()
            return -int(nxt.text) if nxt.text.isdigit() else -float(nxt.text)
        if tok.token_type == TokenType.L_PAREN:
            items: list[Any] = []
            while not self.punct(TokenType.R_PAREN):
                items.append(self.value())
                self.punct(TokenType.COMMA)
                if self.at_end():
                    self.fail(")")
            return items
        if tok.token_type == TokenType.IDENTIFIER:
            return tok.text
        upper = tok.text.upper()
        if upper == "TRUE":
            return True
        if upper == "FALSE":
            return False
        if upper == "NULL":
            return None
        # Bare words: enum values (X-SMALL arrives as X, -, SMALL) and dotted names.
        text = tok.text
        while self.peek() is not None and self.peek().token_type in (TokenType.DASH, TokenType.DOT) and \
                self.peek(1) is not None and self.peek(1).token_type not in STRINGS:  # type: ignore[union-attr]
            sep = self.next().text
            text += sep + self.next().text
        return text

    def properties(self, stop: tuple[str, ...] = ()) -> dict[str, Any]:
        """`KEY = value` pairs (commas and WITH optional) until the end or a stop word."""
        props: dict[str, Any] = {}
        self.accept("WITH")
        while not self.at_end() and self.word() not in stop:
            tok = self.next()
            key = tok.text.upper()
            if not self.punct(TokenType.EQ):
                self.i -= 1
                self.fail()
            props[key] = self.value()
            self.punct(TokenType.COMMA)
        return props

    def rest(self) -> str:
        """The remaining source text, verbatim."""
        tok = self.peek()
        return "" if tok is None else self.sql[tok.start:].strip().rstrip(";").strip()
