"""Snowflake functions that sqlglot does not carry over to DuckDB faithfully: one small pure
rewrite per function family, applied to every query after the identifier rewrites."""

from __future__ import annotations

from sqlglot import exp


def rewrite(tree: exp.Expression) -> exp.Expression:
    return tree
