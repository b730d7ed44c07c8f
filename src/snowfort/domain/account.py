"""The account a first start creates: system roles and their hierarchy, the admin user, a warehouse."""

from __future__ import annotations

from snowfort.auth.passwords import hash_password
from snowfort.catalog.store import ACCOUNT_ID
from snowfort.domain.base import Base
from snowfort.domain.warehouses import DEFAULTS

# (granted role, grantee role): ACCOUNTADMIN over SECURITYADMIN and SYSADMIN, SECURITYADMIN over USERADMIN.
HIERARCHY = [("SECURITYADMIN", "ACCOUNTADMIN"), ("SYSADMIN", "ACCOUNTADMIN"), ("USERADMIN", "SECURITYADMIN")]
ACCOUNT_GRANTS = {
    "SYSADMIN": ["CREATE DATABASE", "CREATE WAREHOUSE"],
    "USERADMIN": ["CREATE USER", "CREATE ROLE"],
    "SECURITYADMIN": ["MANAGE GRANTS"],
    "ACCOUNTADMIN": [
        "CREATE COMPUTE POOL", "BIND SERVICE ENDPOINT", "CREATE INTEGRATION", "CREATE SHARE", "IMPORT SHARE",
        "MONITOR USAGE", "MONITOR EXECUTION", "EXECUTE TASK", "APPLY MASKING POLICY", "CREATE NETWORK POLICY",
    ],
}
COMMENTS = {
    "ACCOUNTADMIN": "Account administrator can manage all aspects of the account.",
    "SECURITYADMIN": "Security administrator can manage security aspects of the account.",
    "SYSADMIN": "System administrator can create and manage databases and warehouses.",
    "USERADMIN": "User administrator can create and manage users and roles",
    "PUBLIC": "Public role is automatically available to every user in the account.",
}
DEFAULT_WAREHOUSE = "COMPUTE_WH"


def bootstrap(base: Base, admin_user: str, admin_password: str) -> bool:
    """Create the account once; later starts find it and change nothing. True if created."""
    catalog = base.catalog
    if catalog.account_value("bootstrapped"):
        return False
    with catalog.write() as conn:
        ids = {}
        for name, comment in COMMENTS.items():
            ids[name] = catalog.insert(
                conn, kind="ROLE", namespace="ROLE", parent_id=0, name=name, owner_id=None, comment=comment
            ).id
        for granted, grantee in HIERARCHY:
            catalog.add_role_grant(conn, ids[granted], "ROLE", ids[grantee], None)
        for role, privileges in ACCOUNT_GRANTS.items():
            for priv in privileges:
                catalog.add_privilege_grant(conn, ACCOUNT_ID, priv, ids[role], False, None)
        user_name = admin_user.upper()
        user = catalog.insert(
            conn, kind="USER", namespace="USER", parent_id=0, name=user_name, owner_id=ids["ACCOUNTADMIN"],
            props={
                "login_name": user_name,
                "password_hash": hash_password(admin_password),
                "default_role": "ACCOUNTADMIN",
                "default_warehouse": DEFAULT_WAREHOUSE,
                "display_name": admin_user,
            },
        )
        catalog.add_role_grant(conn, ids["ACCOUNTADMIN"], "USER", user.id, None)
        # A trial Snowflake account comes with COMPUTE_WH; users expect it (suspended until used).
        catalog.insert(
            conn, kind="WAREHOUSE", namespace="WAREHOUSE", parent_id=0, name=DEFAULT_WAREHOUSE,
            owner_id=ids["ACCOUNTADMIN"], props={**DEFAULTS, "state": "SUSPENDED", "auto_suspend": 600},
        )
        catalog.set_account_value(conn, "bootstrapped", True)
    return True
