"""`explain WF` says the forecast in words and gives `demand` and `forecast` in -o json; `explain -f`
reports the demand of manifests against quota. Answers computed by hand in the fixtures' notes."""
import pytest

from tests.support.cli import run_cli
from tests.support.forecast_fixtures import (
    check_workflow_forecast, expected_steps, forecast_fixture_names, load_forecast_fixture, manifest_fixture_names,
    serve_variant,
)


def _explain(fixture, *extra):
    return ("explain", fixture.expected["workflow"], "-n", fixture.expected["namespace"], *extra)


def _check_steps(document, fixture):
    by_name = {step["displayName"]: step for step in document["forecast"]["steps"]}
    for name, want in expected_steps(fixture).items():
        if want["kueueState"] != "Pending":
            assert name not in by_name
            continue
        step = by_name[name]
        if "startInSeconds" in want:
            assert step["startInSeconds"] == want["startInSeconds"], (name, step)
        if "sentence" in want:
            assert want["sentence"] in step["sentence"], (name, step["sentence"])


@pytest.mark.parametrize("name", forecast_fixture_names())
def test_explain_json_offline(name):
    fixture = load_forecast_fixture(name)
    result = run_cli(*_explain(fixture, "-o", "json", "--from-file", fixture.dir / "objects.yaml"),
                     env={"KUEUE_ARGO_NOW": fixture.expected["now"]})
    assert result.exit_code in (0, 3), result.stderr
    document = result.json
    assert set(document["forecast"]) >= {"finishInSeconds", "basis", "steps"}
    _check_steps(document, fixture)
    check_workflow_forecast(document, fixture.expected.get("workflow_forecast") or {})


@pytest.mark.parametrize("name", forecast_fixture_names())
def test_explain_json_live(name, tmp_path):
    fixture = load_forecast_fixture(name)
    with serve_variant(fixture, None, tmp_path) as (_, kubeconfig):
        result = run_cli("--kubeconfig", kubeconfig, *_explain(fixture, "-o", "json"),
                         env={"KUEUE_ARGO_NOW": fixture.expected["now"]})
    assert result.exit_code in (0, 3), result.stderr
    _check_steps(result.json, fixture)
    check_workflow_forecast(result.json, fixture.expected.get("workflow_forecast") or {})


@pytest.mark.parametrize("name", forecast_fixture_names())
def test_explain_text_says_it_in_words(name):
    fixture = load_forecast_fixture(name)
    result = run_cli(*_explain(fixture, "--from-file", fixture.dir / "objects.yaml"),
                     env={"KUEUE_ARGO_NOW": fixture.expected["now"]})
    assert result.exit_code in (0, 3), result.stderr
    text = " ".join(result.stdout.split())      # the explain text wraps at 100 columns
    for step, want in expected_steps(fixture).items():
        if "sentence" in want:
            sentence = want["sentence"]
            assert f"Forecast: {sentence[:1].upper()}{sentence[1:]}" in text, (step, result.stdout)
    assert "Forecast " in text and "Demand on " in text


@pytest.mark.parametrize("name", manifest_fixture_names())
def test_explain_f_reports_demand_against_quota(name):
    fixture = load_forecast_fixture(name)
    args = ("explain", "-f", fixture.dir / fixture.expected["manifest"], "--from-file", fixture.dir / "objects.yaml",
            "-n", fixture.expected["namespace"], "--executor-cpu", "0", "--executor-memory", "0")
    env = {"KUEUE_ARGO_NOW": fixture.expected["now"]}
    document = run_cli(*args, "-o", "json", env=env).json
    by_workflow = {entry["workflow"]: entry for entry in document["workflows"]}
    text = " ".join(run_cli(*args, env=env).stdout.split())
    for workflow, want in fixture.expected["workflows"].items():
        entry = by_workflow[workflow]
        check_workflow_forecast(entry, want)
        if "sentence" in want:
            assert want["sentence"] in text
        if "starved" in want:
            notes = [note for demand in entry["demand"].values() for note in demand["notes"]]
            assert any(want["starved"] in note for note in notes), notes
            assert want["starved"][:1].upper() + want["starved"][1:] in text
