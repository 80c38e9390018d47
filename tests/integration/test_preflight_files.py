"""`explain -f`: workflowTemplateRef resolution, entrypoints, templateRef cycles, empty input, no cluster."""
import socket

import pytest
import yaml

from tests.support import builders
from tests.support.cli import run_cli
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig
from tests.support.live import serve_scenario
from tests.support.scenarios import load_scenario

NAMESPACE = "ml-team"
QUEUE_LABEL = "kueue.x-k8s.io/queue-name"


def write(path, *documents):
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))
    return path


def ref_only_workflow(template_name="train-template"):
    """A Workflow as `argo submit --from workflowtemplate/train-template` sends it."""
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
            "metadata": {"generateName": "train-", "namespace": NAMESPACE},
            "spec": {"workflowTemplateRef": {"name": template_name}}}


def train_template():
    template = builders.workflow_template(
        "train-template", NAMESPACE,
        [builders.container_template("train", requests={"cpu": "2", "memory": "1Gi"})],
        pod_metadata={"labels": {QUEUE_LABEL: "user-queue"}})
    template["spec"]["entrypoint"] = "train"
    return template


def codes(document):
    return {finding["code"]: finding for finding in document["findings"]}


# -- a Workflow that only has a workflowTemplateRef -------------------------------------------------

def test_a_ref_only_workflow_is_resolved_from_the_given_files(tmp_path):
    workflow = write(tmp_path / "wf.yaml", ref_only_workflow())
    template = write(tmp_path / "wft.yaml", train_template())
    result = run_cli("explain", "-f", workflow, "-f", template, "--offline", "-o", "json")
    assert result.exit_code == 0, result.stderr
    rows = [(row["workflow"], row["name"], row["queueName"]) for row in result.json["templates"]]
    assert ("Workflow/train-", "train", "user-queue") in rows
    assert "UnresolvedTemplateRef" not in codes(result.json)


def test_a_ref_only_workflow_offline_is_reported_unresolvable_never_as_no_documents(tmp_path):
    workflow = write(tmp_path / "wf.yaml", ref_only_workflow())
    result = run_cli("explain", "-f", workflow, "--offline")
    assert result.exit_code == 0
    assert "No Argo" not in result.stdout and "documents found" not in result.stdout
    assert result.stdout.startswith("No template to check in Workflow/train-: see the findings.")
    assert "UnresolvedTemplateRef Workflow/train- refers to WorkflowTemplate/train-template" in result.stdout
    document = run_cli("explain", "-f", workflow, "--offline", "-o", "json").json
    assert codes(document)["UnresolvedTemplateRef"]["severity"] == "warning"


def test_a_ref_only_workflow_is_resolved_from_the_cluster(tmp_path):
    scenario = load_scenario("quota-wait")
    workflow = write(tmp_path / "wf.yaml", ref_only_workflow())
    with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
        server.add(train_template())
        result = run_cli("explain", "-f", workflow, "--kubeconfig", kubeconfig, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [(row["name"], row["queueName"]) for row in result.json["templates"]] == [("train", "user-queue")]


def test_a_workflow_template_missing_from_the_cluster_is_an_error(tmp_path):
    scenario = load_scenario("quota-wait")
    workflow = write(tmp_path / "wf.yaml", ref_only_workflow("no-such-template"))
    with serve_scenario(scenario, tmp_path) as (_, kubeconfig):
        result = run_cli("explain", "-f", workflow, "--kubeconfig", kubeconfig, "-o", "json")
    assert result.exit_code == 3, result.stderr
    finding = codes(result.json)["UnresolvedTemplateRef"]
    assert finding["severity"] == "error"
    assert 'workflowtemplates.argoproj.io "no-such-template" not found' in finding["message"]


# -- entrypoints ---------------------------------------------------------------------------------

def workflow_with(**spec):
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
            "metadata": {"generateName": "hello-", "namespace": NAMESPACE},
            "spec": {"templates": [builders.container_template("main", requests={"cpu": "1"})], **spec}}


def test_an_entrypoint_naming_a_missing_template_is_an_error_with_a_suggestion(tmp_path):
    result = run_cli("explain", "-f", write(tmp_path / "wf.yaml", workflow_with(entrypoint="mian")), "--offline",
                     "-o", "json")
    assert result.exit_code == 3
    finding = codes(result.json)["EntrypointNotFound"]
    assert finding["severity"] == "error"
    assert "spec.entrypoint template 'mian' undefined" in finding["message"]
    assert finding["remedy"].startswith("Did you mean 'main'?")


def test_an_on_exit_naming_a_missing_template_is_an_error(tmp_path):
    result = run_cli("explain", "-f", write(tmp_path / "wf.yaml", workflow_with(entrypoint="main", onExit="cleanup")),
                     "--offline", "-o", "json")
    assert result.exit_code == 3
    assert "spec.onExit template 'cleanup' undefined" in codes(result.json)["EntrypointNotFound"]["message"]


def test_a_workflow_without_an_entrypoint_is_an_error_but_a_template_may_have_none(tmp_path):
    result = run_cli("explain", "-f", write(tmp_path / "wf.yaml", workflow_with()), "--offline", "-o", "json")
    assert result.exit_code == 3
    assert "spec.entrypoint is required" in codes(result.json)["EntrypointNotFound"]["message"]
    holder = builders.workflow_template("lib", NAMESPACE, [builders.container_template("main")])
    fine = run_cli("explain", "-f", write(tmp_path / "wft.yaml", holder), "--offline", "-o", "json")
    assert "EntrypointNotFound" not in codes(fine.json)


def test_a_good_entrypoint_is_no_finding(tmp_path):
    result = run_cli("explain", "-f", write(tmp_path / "wf.yaml", workflow_with(entrypoint="main")), "--offline",
                     "-o", "json")
    assert "EntrypointNotFound" not in codes(result.json)


# -- templateRef cycles ----------------------------------------------------------------------------

def holder_calling(name, template, target, *, when=None):
    step = builders.step_ref("call", template_ref={"name": target[0], "template": target[1]})
    if when:
        step["when"] = when
    return builders.workflow_template(name, NAMESPACE, [builders.steps_template(template, [[step]])])


def test_a_template_ref_cycle_is_a_warning(tmp_path):
    manifests = write(tmp_path / "lib.yaml", holder_calling("a", "x", ("b", "y")), holder_calling("b", "y", ("a", "x")))
    result = run_cli("explain", "-f", manifests, "--offline", "-o", "json")
    assert result.exit_code == 0, result.stderr
    finding = codes(result.json)["TemplateRefCycle"]
    assert finding["severity"] == "warning"
    assert "WorkflowTemplate/a/x → WorkflowTemplate/b/y → WorkflowTemplate/a/x" in finding["message"]
    assert "no step on the way has a `when` condition" in finding["message"]
    text = run_cli("explain", "-f", manifests, "--offline")
    assert "TemplateRefCycle" in text.stdout


def test_a_cycle_with_a_condition_says_so(tmp_path):
    manifests = write(tmp_path / "lib.yaml", holder_calling("a", "x", ("b", "y"), when="{{workflow.parameters.again}}"),
                      holder_calling("b", "y", ("a", "x")))
    finding = codes(run_cli("explain", "-f", manifests, "--offline", "-o", "json").json)["TemplateRefCycle"]
    assert "(a step on the way has a `when` condition)" in finding["message"]


def test_plain_recursion_by_name_is_no_cycle_finding(tmp_path):
    # Argo's coinflip-recursive pattern: a template that calls itself by name under a condition.
    again = builders.step_ref("again", "flip", when="{{steps.x.outputs.result}} == tails")
    recursive = builders.steps_template("flip", [[again]])
    holder = builders.workflow_template("coinflip", NAMESPACE, [recursive])
    result = run_cli("explain", "-f", write(tmp_path / "lib.yaml", holder), "--offline", "-o", "json")
    assert "TemplateRefCycle" not in codes(result.json)


# -- empty input -------------------------------------------------------------------------------------

NO_WORKFLOW = "error: no Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow in the input"


@pytest.mark.parametrize("text", ["", "---\n", "# only a comment\n", "{}\n",
                                  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"],
                         ids=["empty", "separator", "comment", "empty-object", "configmap"])
@pytest.mark.parametrize("output", ["text", "json"])
def test_an_empty_file_and_a_file_without_a_workflow_give_the_same_error(tmp_path, text, output):
    path = tmp_path / "input.yaml"
    path.write_text(text)
    result = run_cli("explain", "-f", path, "--offline", "-o", output)
    assert (result.exit_code, result.stderr.splitlines()[0], result.stdout) == (2, NO_WORKFLOW, "")
    from_stdin = run_cli("explain", "-f", "-", "--offline", "-o", output, stdin=text)
    assert (from_stdin.exit_code, from_stdin.stderr.splitlines()[0]) == (2, NO_WORKFLOW)


# -- a kubeconfig whose cluster cannot be reached ------------------------------------------------------

def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _without_note(document):
    return [finding for finding in document["findings"] if finding["code"] != "NoCluster"]


def test_an_unreachable_cluster_gives_the_offline_analysis_and_a_note(tmp_path):
    manifest = write(tmp_path / "wf.yaml", workflow_with(entrypoint="main"))
    kubeconfig = write_kubeconfig(tmp_path / "config", f"http://127.0.0.1:{_closed_port()}", namespace=NAMESPACE)
    reached_for = run_cli("explain", "-f", manifest, "--kubeconfig", kubeconfig, "-o", "json")
    offline = run_cli("explain", "-f", manifest, "--offline", "-o", "json")
    assert reached_for.exit_code == offline.exit_code == 0, reached_for.stderr
    assert reached_for.json["templates"] == offline.json["templates"]
    assert _without_note(reached_for.json) == offline.json["findings"]
    note = codes(reached_for.json)["NoCluster"]
    assert note["severity"] == "info" and "refused" in note["message"]
    text = run_cli("explain", "-f", manifest, "--kubeconfig", kubeconfig)
    assert text.exit_code == 0 and "NoCluster No cluster was checked" in text.stdout


def test_offline_never_contacts_the_cluster(tmp_path):
    manifest = write(tmp_path / "wf.yaml", workflow_with(entrypoint="main"))
    with FakeApiServer() as server:
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, namespace=NAMESPACE)
        result = run_cli("explain", "-f", manifest, "--kubeconfig", kubeconfig, "--offline")
        assert result.exit_code == 0 and not server.requests
