"""The domain: one object model and its rules, called by every door (SQL, REST, registry...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from snowfort.catalog.store import Catalog
from snowfort.domain import account
from snowfort.domain.base import Base
from snowfort.domain.databases import Databases
from snowfort.domain.grants import Grants
from snowfort.domain.image_repositories import ImageRepositories
from snowfort.domain.roles import Roles
from snowfort.domain.schemas import Schemas
from snowfort.domain.stages import Stages
from snowfort.domain.tables import Tables
from snowfort.domain.users import Users
from snowfort.domain.warehouses import Warehouses

if TYPE_CHECKING:
    from snowfort.config import Settings
    from snowfort.warehouse.engine import Engine


class Domain:
    def __init__(self, catalog: Catalog, engine: Engine, settings: Settings) -> None:
        self.catalog = catalog
        self.engine = engine
        self.settings = settings
        self.base = Base(catalog, engine, settings)
        self.roles = Roles(self.base)
        self.users = Users(self.base)
        self.grants = Grants(self.base)
        self.databases = Databases(self.base)
        self.schemas = Schemas(self.base)
        self.warehouses = Warehouses(self.base)
        self.tables = Tables(self.base)
        self.stages = Stages(self.base)
        self.image_repositories = ImageRepositories(self.base)

    def start(self) -> None:
        """First start creates the account; every start attaches the existing databases."""
        account.bootstrap(self.base, self.settings.admin_user, self.settings.admin_password)
        for db in self.catalog.list(["DATABASE"]):
            self.engine.attach(db.id, db.name)
        # Temporary tables of sessions that ended with the previous process are gone too.
        for obj in self.catalog.list(["TABLE"]):
            if obj.props.get("temporary"):
                self.tables.drop_session_temporaries(obj.props.get("session_id", -1))
