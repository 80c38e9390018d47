"""The forecast fixtures are objects the controllers would write: every one validates against its CRD,
and their expectations name steps that exist."""
import pytest

from tests.support.forecast_fixtures import forecast_fixture_names, load_forecast_fixture, manifest_fixture_names
from tests.support.scenarios import load_objects
from tests.support.paths import CRDS
from tests.unit.test_fixtures_valid import validate_object

OBJECTS = [(f"{name}#{index}", obj) for name in forecast_fixture_names() + manifest_fixture_names()
           for index, obj in enumerate(load_forecast_fixture(name).objects)]
OBJECTS += [(f"{name}/manifest#{index}", obj) for name in manifest_fixture_names()
            for index, obj in enumerate(load_objects(load_forecast_fixture(name).dir / "manifest.yaml"))
            if obj.get("metadata", {}).get("name")]


@pytest.mark.parametrize("where,obj", OBJECTS, ids=[where for where, _ in OBJECTS])
def test_forecast_fixture_object_valid(where, obj):
    if not CRDS.exists():
        pytest.skip(f"no CRDs at {CRDS}")
    validate_object(obj, where)


@pytest.mark.parametrize("name", forecast_fixture_names())
def test_expectations_name_existing_steps(name):
    fixture = load_forecast_fixture(name)
    assert {"description", "namespace", "workflow", "now", "notes", "steps"} <= set(fixture.expected)
    workflow = fixture.workflow
    assert workflow is not None
    names = {node["displayName"] for node in workflow["status"]["nodes"].values()}
    for variant in [fixture.expected] + list(fixture.expected.get("variants") or []):
        assert set(variant["steps"]) <= names
