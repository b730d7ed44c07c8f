"""The contract checker that every REST test runs through (SNOWFORT_REST_CONTRACT) can fail."""

from __future__ import annotations

from conftest import OPENAPI_DIR

from snowfort.protocols.rest.contract import Contract


def test_contract_accepts_a_good_database_and_rejects_drift() -> None:
    contract = Contract(OPENAPI_DIR)
    good = {"name": "DB1", "kind": "PERMANENT", "created_on": "2024-01-01T00:00:00+00:00", "retention_time": 1}
    assert contract.check("GET", "/api/v2/databases/DB1", 200, good) == []
    assert contract.check("GET", "/api/v2/databases", 200, [good]) == []
    bad = {**good, "kind": "SOMETIMES", "retention_time": "1", "created_on": "2024-01-01 00:00:00.000 -0800"}
    problems = contract.check("GET", "/api/v2/databases/DB1", 200, bad)
    assert any(p.startswith("kind:") for p in problems)
    assert any(p.startswith("retention_time:") for p in problems)
    assert any(p.startswith("created_on:") for p in problems)
    assert contract.check("GET", "/api/v2/nothing-here", 200, {}) == ["no operation GET /api/v2/nothing-here in the specs"]


def test_contract_matches_actions_and_literal_paths() -> None:
    contract = Contract(OPENAPI_DIR)
    resume = contract.operation("POST", "/api/v2/warehouses/WH:resume")
    assert resume is not None and resume.template == "/api/v2/warehouses/{name}:resume"
    families = contract.operation("GET", "/api/v2/compute-pools/instance-families")
    assert families is not None and families.template.endswith("instance-families")
