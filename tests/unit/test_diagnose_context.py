"""The phrasing helpers of interpret/diagnose/context.py on plain values."""
import pytest

from kubectl_kueue_argo.interpret.diagnose import context
from kubectl_kueue_argo.model import Finding
from tests.unit.test_diagnose import run


@pytest.mark.parametrize("selector, text", [
    (None, "null (matches no namespace)"), ({}, "{} (all namespaces)"),
    ({"matchLabels": {"b": "2", "a": "1"}}, "{a=1, b=2}"),
    ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["gold"]},
                           {"key": "team", "operator": "Exists"}, "junk"]}, "{tier In ['gold'], team Exists}"),
])
def test_selector_text(selector, text):
    assert context.selector_text(selector) == text


def test_labels_and_hints():
    assert context.labels_text({"b": "2", "a": "1"}) == "{a=1, b=2}"
    assert context.labels_text(None) == "{}"
    assert context.label_hint({"matchLabels": {"team": "ml", "env": "prod"}}) == "env=prod team=ml"
    assert context.label_hint({"matchExpressions": []}) is None and context.label_hint(None) is None


@pytest.mark.parametrize("value, seconds", [(True, None), (False, None), ("10m5", None), ("5s10s", 15.0),
                                            (" 30 ", 30.0), ("1h", 3600.0), (2.5, 2.5), ("", None), ("m", None)])
def test_parse_duration_edges(value, seconds):
    assert context.parse_duration(value) == seconds


def test_names_list():
    assert context.names_list([]) == ""
    assert context.names_list("abcde") == "a, b, c, d, e"
    assert context.names_list("abcdef") == "a, b, c, d, e and 1 more"
    assert context.names_list("abc", limit=2) == "a, b and 1 more"


def test_amounts():
    assert context.amount(None, "cpu") == "? cpu"
    assert context.amount(2, "cpu") == "2 cpu"


def test_label_location_by_step_kind():
    diagnosis = run("http-agent-gated")
    ctx = context.DiagnosisContext(diagnosis_report("http-agent-gated"), snapshot("http-agent-gated"), None)
    fetch, prep = (d.step for d in diagnosis.steps)
    assert context.label_location(fetch, ctx) == \
        "spec.podMetadata.labels (the agent pod gets only workflow-level podMetadata)"
    assert context.label_location(prep, ctx) == ("spec.templates[name=prep].metadata.labels (template prep), or "
                                                 "spec.podMetadata.labels for every pod of the workflow")
    ref_ctx = context.DiagnosisContext(diagnosis_report("template-ref"), snapshot("template-ref"), None)
    train = next(d.step for d in run("template-ref").steps if d.step.display_name == "train")
    assert context.label_location(train, ref_ctx).startswith(
        "spec.templates[name=gpu-train].metadata.labels of WorkflowTemplate/ml-templates, or spec.podMetadata")
    assert set(ctx.steps_by_pod) == {prep.pod_name}           # not the shared agent pod


def test_context_without_a_spec_resolver_or_config():
    ctx = context.DiagnosisContext(diagnosis_report("quota-wait"), snapshot("quota-wait"), None)
    ctx.resolver = None
    assert ctx.spec == ctx.workflow["spec"]
    assert ctx.resolved_template({"templateName": "train"}) is None and ctx.template(None) == {}
    step = run("quota-wait").steps[0].step
    assert ctx.spec_queue(step) is None
    assert context._config(None) == (None, "could not be read")
    config, problem = context._config({"data": {"controller_manager_config.yaml": "[unclosed"}})
    assert config is None and problem.startswith("could not be parsed (Kueue manager config: data[")


def test_step_finding_drops_empty_evidence_and_template():
    step = run("quota-wait").steps[0].step
    step.template_label = ""
    finding = context.step_finding("X", "info", "m", step, evidence=["a", None, ""], remedy="r")
    assert finding == Finding("X", "info", "m", node_id=step.node_id, template=None, evidence=["a"], remedy="r")


def snapshot(name):
    from tests.unit.test_diagnose_rules import snapshot_of
    return snapshot_of(name)


def diagnosis_report(name):
    from kubectl_kueue_argo.interpret.status.correlate import build_status_report
    from kubectl_kueue_argo.timeutil import parse_time
    from tests.support.scenarios import load_scenario
    return build_status_report(snapshot(name), parse_time(load_scenario(name).expected["now"]))
