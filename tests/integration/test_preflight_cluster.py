"""`explain -f` with a cluster or a snapshot: referenced templates fetched, queues and quotas checked."""
import copy

import yaml

from tests.support.cli import run_cli
from tests.support.live import serve_scenario
from tests.support.scenarios import load_scenario


def manifest_from(scenario, tmp_path, mutate=None):
    """The scenario's Workflow as a user would submit it: no status, no server-set metadata."""
    workflow = copy.deepcopy(scenario.workflow)
    workflow.pop("status", None)
    workflow["metadata"] = {"generateName": "train-", "namespace": scenario.expected["namespace"]}
    if mutate:
        mutate(workflow)
    path = tmp_path / "workflow.yaml"
    path.write_text(yaml.safe_dump(workflow))
    return path


def by_name(document):
    return {row["name"]: row for row in document["templates"]}


def codes(document):
    return {finding["code"]: finding for finding in document["findings"]}


def test_a_template_ref_is_fetched_from_the_cluster(tmp_path):
    scenario = load_scenario("template-ref")
    manifest = manifest_from(scenario, tmp_path)
    with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
        result = run_cli("explain", "-f", manifest, "--kubeconfig", kubeconfig, "-o", "json")
        fetched = [r for r in server.requests if r.resource == "workflowtemplates"]
    assert result.exit_code == 0, result.stderr
    rows = by_name(result.json)
    assert rows["ml-templates/gpu-train"]["queueName"] == "user-queue"
    assert rows["ml-templates/gpu-train"]["managed"] is True
    assert "UnresolvedTemplateRef" not in codes(result.json)
    assert [(r.verb, r.name) for r in fetched] == [("get", "ml-templates")]
    assert all(r.method == "GET" for r in server.requests)


def test_offline_the_reference_is_reported_unresolved(tmp_path):
    scenario = load_scenario("template-ref")
    result = run_cli("explain", "-f", manifest_from(scenario, tmp_path), "--offline", "-o", "json")
    assert result.exit_code == 0
    assert "ml-templates" in codes(result.json)["UnresolvedTemplateRef"]["message"]


def test_a_missing_local_queue_is_an_error_with_a_suggestion(tmp_path):
    scenario = load_scenario("quota-wait")

    def use_a_typo(workflow):
        for template in workflow["spec"]["templates"]:
            labels = (template.get("metadata") or {}).get("labels") or {}
            if "kueue.x-k8s.io/queue-name" in labels:
                labels["kueue.x-k8s.io/queue-name"] = "user-queu"

    with serve_scenario(scenario, tmp_path) as (_, kubeconfig):
        result = run_cli("explain", "-f", manifest_from(scenario, tmp_path, use_a_typo), "--kubeconfig", kubeconfig,
                         "-o", "json")
    assert result.exit_code == 3
    finding = codes(result.json)["LocalQueueNotFound"]
    assert finding["severity"] == "error" and "LocalQueue user-queu " in finding["message"]
    assert "user-queue" in finding["remedy"]  # the closest existing LocalQueue


def test_a_request_beyond_quota_and_borrowing_never_fits_in_a_snapshot(tmp_path):
    scenario = load_scenario("quota-wait")   # team-cq: 8 cpu nominal, may borrow 4 more in ml-cohort

    def ask_for_16_cpu(workflow):
        for template in workflow["spec"]["templates"]:
            if "container" in template:
                template["container"]["resources"] = {"requests": {"cpu": "16", "memory": "1Gi"}}

    manifest = manifest_from(scenario, tmp_path, ask_for_16_cpu)
    result = run_cli("explain", "-f", manifest, "--from-file", scenario.dir / "objects.yaml", "-o", "json")
    assert result.exit_code == 3, result.stderr
    finding = codes(result.json)["NeverFits"]
    assert finding["severity"] == "error" and "team-cq" in finding["message"]
    text = run_cli("explain", "-f", manifest, "--from-file", scenario.dir / "objects.yaml")
    assert text.exit_code == 3 and "NeverFits" in text.stdout
