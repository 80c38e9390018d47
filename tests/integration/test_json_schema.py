"""docs/schema/*.schema.json describe the real `-o json` documents: every scenario's `status WF -o json`
and `explain WF -o json` validate against them, and the schemas list exactly the cause vocabulary."""
import json

import pytest

from kubectl_kueue_argo.model import CAUSES, KUEUE_STATES
from tests.support.cli import run_cli
from tests.support.paths import REPO
from tests.support.scenarios import load_scenario, scenario_names

jsonschema = pytest.importorskip("jsonschema")
SCHEMAS = REPO / "docs" / "schema"


def validator(name):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def run(scenario, *command):
    expected = scenario.expected
    return run_cli(*command, expected["workflow"], "-n", expected["namespace"], "--from-file",
                   scenario.dir / "objects.yaml", "-o", "json", env={"KUEUE_ARGO_NOW": expected["now"]})


@pytest.mark.parametrize("name", scenario_names())
def test_status_and_explain_documents_validate(name):
    scenario = load_scenario(name)
    for command, schema in ((("status",), "status"), (("status", "--timeline"), "status"), (("explain",), "explain")):
        document = run(scenario, *command).json
        errors = sorted(validator(schema).iter_errors(document), key=lambda e: list(e.path))
        assert not errors, f"{name} {command}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize("name", ["status", "explain"])
def test_schemas_know_every_cause_and_state(name):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    step = schema["$defs"]["step"]["properties"]
    assert step["cause"]["enum"] == list(CAUSES) + [None]
    assert step["kueueState"]["enum"] == list(KUEUE_STATES)


def test_a_wrong_document_is_rejected():
    """The schema is not vacuous: an unknown cause, a missing key or an unknown step key fail."""
    document = run(load_scenario("quota-wait"), "status").json
    check = validator("status")
    assert check.is_valid(document)
    for broken in ({"cause": "Waiting"}, {"kueueState": "Queued"}, {"surprise": 1}):
        bad = json.loads(json.dumps(document))
        bad["steps"][0].update(broken)
        assert not check.is_valid(bad), broken
    bad = json.loads(json.dumps(document))
    del bad["steps"][0]["cause"]
    assert not check.is_valid(bad)
    forecast = json.loads(json.dumps(document))
    forecast["steps"][0]["forecast"] = {"startInSeconds": 120.0, "basis": ["queue position"]}
    assert check.is_valid(forecast)
