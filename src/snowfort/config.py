"""Settings: embedded defaults, overridden by SNOWFORT_* environment variables and CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(f"SNOWFORT_{name}", default)


# The PostgreSQL driver snowfort ships with (psycopg 3); a URL that names no driver gets it.
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def sqlalchemy_url(url: str) -> str:
    """A catalog URL as SQLAlchemy wants it: `postgresql://` and `postgres://` mean psycopg 3
    (`postgresql+psycopg://`); a URL that names its driver, and any other URL, is kept as given."""
    for scheme in _POSTGRES_SCHEMES:
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


@dataclass(frozen=True)
class Settings:
    host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("PORT", "8080")))
    data_dir: Path = field(default_factory=lambda: Path(_env("DATA_DIR", str(Path.home() / ".snowfort"))))
    admin_user: str = field(default_factory=lambda: _env("ADMIN_USER", "admin"))
    admin_password: str = field(default_factory=lambda: _env("ADMIN_PASSWORD", "snowfort"))
    # A SQLAlchemy URL; empty means the SQLite file in the data directory. PostgreSQL:
    # postgresql://user:password@host:port/database (psycopg 3).
    catalog_url: str = field(default_factory=lambda: _env("CATALOG_URL", ""))
    account: str = field(default_factory=lambda: _env("ACCOUNT", "SNOWFORT"))
    session_validity_s: int = field(default_factory=lambda: int(_env("SESSION_VALIDITY", "3600")))
    master_validity_s: int = field(default_factory=lambda: int(_env("MASTER_VALIDITY", "14400")))
    # host[:port] of snowfort's own image registry, as repository URLs name it; empty means
    # `127.0.0.1:<port>` (a stock Docker daemon allows plain HTTP only to 127.0.0.0/8). See `registry`.
    registry_host: str = field(default_factory=lambda: _env("REGISTRY_HOST", ""))

    @property
    def catalog_database_url(self) -> str:
        return sqlalchemy_url(self.catalog_url) if self.catalog_url else f"sqlite:///{self.data_dir / 'catalog.sqlite'}"

    @property
    def registry(self) -> str:
        """The registry's host[:port], lower case: SNOWFORT_REGISTRY_HOST, else 127.0.0.1:<port>."""
        return (self.registry_host or f"127.0.0.1:{self.port}").strip().rstrip("/").lower()

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def stage_dir(self) -> Path:
        return self.data_dir / "stages"
