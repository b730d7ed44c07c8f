"""The object kinds the catalog holds, their namespaces and the privileges each one takes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str  # catalog kind, e.g. "DATABASE"
    namespace: str  # kinds sharing a namespace cannot share a name in one parent
    word: str  # Snowflake's capitalised word in messages: "Database"
    lower: str  # Snowflake's word in privilege errors: "database"
    privileges: frozenset[str]
    level: int  # 0 account, 1 database, 2 schema, 3 schema object


def _k(name: str, namespace: str, word: str, level: int, privileges: set[str]) -> Kind:
    return Kind(name, namespace, word, word.lower(), frozenset(privileges | {"OWNERSHIP"}), level)


ACCOUNT_PRIVILEGES = frozenset(
    {
        "CREATE DATABASE",
        "CREATE WAREHOUSE",
        "CREATE ROLE",
        "CREATE USER",
        "MANAGE GRANTS",
        "CREATE COMPUTE POOL",
        "BIND SERVICE ENDPOINT",
        "CREATE INTEGRATION",
        "CREATE SHARE",
        "MONITOR USAGE",
        "MONITOR EXECUTION",
        "EXECUTE TASK",
        "IMPORT SHARE",
        "APPLY MASKING POLICY",
        "CREATE NETWORK POLICY",
    }
)

DATABASE = _k("DATABASE", "DATABASE", "Database", 1, {"USAGE", "MONITOR", "CREATE SCHEMA", "MODIFY", "CREATE DATABASE ROLE", "APPLYBUDGET"})
SCHEMA = _k(
    "SCHEMA",
    "SCHEMA",
    "Schema",
    2,
    {
        "USAGE",
        "MONITOR",
        "MODIFY",
        "CREATE TABLE",
        "CREATE VIEW",
        "CREATE STAGE",
        "CREATE FUNCTION",
        "CREATE PROCEDURE",
        "CREATE SERVICE",
        "CREATE IMAGE REPOSITORY",
        "CREATE SEQUENCE",
        "CREATE FILE FORMAT",
        "CREATE SECRET",
        "CREATE MATERIALIZED VIEW",
        "CREATE TASK",
        "CREATE STREAM",
    },
)
TABLE = _k("TABLE", "TABLE", "Table", 3, {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "REBUILD", "EVOLVE SCHEMA"})
VIEW = _k("VIEW", "TABLE", "View", 3, {"SELECT", "REFERENCES"})
WAREHOUSE = _k("WAREHOUSE", "WAREHOUSE", "Warehouse", 0, {"USAGE", "OPERATE", "MONITOR", "MODIFY", "APPLYBUDGET"})
ROLE = _k("ROLE", "ROLE", "Role", 0, set())
USER = _k("USER", "USER", "User", 0, {"MONITOR"})

KINDS: dict[str, Kind] = {k.name: k for k in (DATABASE, SCHEMA, TABLE, VIEW, WAREHOUSE, ROLE, USER)}

# Spellings a user may write for a kind in GRANT ... ON <kind>, SHOW GRANTS ON <kind>, REST paths.
KIND_ALIASES: dict[str, str] = {
    "DATABASE": "DATABASE",
    "SCHEMA": "SCHEMA",
    "TABLE": "TABLE",
    "VIEW": "VIEW",
    "WAREHOUSE": "WAREHOUSE",
    "ROLE": "ROLE",
    "USER": "USER",
}


def register(kind: Kind, *aliases: str) -> None:
    """Later kinds (compute pools, services...) add themselves here."""
    KINDS[kind.name] = kind
    KIND_ALIASES[kind.name] = kind.name
    for alias in aliases:
        KIND_ALIASES[alias] = kind.name
