"""The exact diagnosis of every scenario (cause, findings with their message, evidence and fix) against a
reviewed golden file, so that any change to a sentence, a rule or a cause shows in review.

Regenerate on purpose after reviewing the diff:  UPDATE_GOLDEN=1 python -m pytest tests/unit/test_diagnose_golden.py
"""
import json
import os

import pytest

from kubectl_kueue_argo.interpret.diagnose.diagnosis import diagnose
from kubectl_kueue_argo.interpret.status.correlate import build_status_report
from kubectl_kueue_argo.sources.files import FileCluster
from kubectl_kueue_argo.timeutil import parse_time
from tests.support.paths import REPO
from tests.support.scenarios import load_scenario, scenario_names

GOLDEN = REPO / "tests" / "unit" / "golden" / "diagnosis"


def diagnosis_of(name):
    scenario = load_scenario(name)
    snapshot = FileCluster(scenario.objects).snapshot_for_workflow(scenario.expected["workflow"],
                                                                   scenario.expected["namespace"])
    now = parse_time(scenario.expected["now"])
    diagnosis = diagnose(build_status_report(snapshot, now), snapshot, now)
    return {
        "steps": [{"step": d.step.display_name, "cause": d.step.cause, "reason": d.step.reason,
                   "message": d.step.message, "findings": [_finding(f) for f in d.findings]} for d in diagnosis.steps],
        "workflow": [_finding(f) for f in diagnosis.findings],
    }


def _finding(finding):
    return {"code": finding.code, "severity": finding.severity, "message": finding.message,
            "evidence": list(finding.evidence), "remedy": finding.remedy}


@pytest.mark.parametrize("name", scenario_names())
def test_diagnosis_matches_the_golden_file(name):
    actual = json.dumps(diagnosis_of(name), indent=1, sort_keys=True) + "\n"
    path = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
    assert path.exists(), f"no golden file for {name}: run with UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text()
