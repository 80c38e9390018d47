"""analyze() over every Argo example and both Kueue site examples: no crash, JSON-serialisable,
and the template classification pinned for a meaningful sample."""
import json

import pytest

from kubectl_kueue_argo.interpret.preflight.analysis import analyze
from kubectl_kueue_argo.render.preflight import preflight_document, render_preflight_text
from kubectl_kueue_argo.sources.manifests import load_documents
from tests.support.paths import ARGO_EXAMPLES, KUEUE_SITE_EXAMPLES


def corpus_files():
    files = []
    for folder in (ARGO_EXAMPLES, KUEUE_SITE_EXAMPLES):
        if folder.is_dir():
            files += sorted(folder.glob("*.yaml"))
    return files


def rows_of(name):
    path = ARGO_EXAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    report = analyze([doc for _source, doc in load_documents([str(path)])])
    return {(row.workflow, row.name): (row.type, row.pod) for row in report.templates}, report


@pytest.mark.parametrize("path", corpus_files() or [None], ids=lambda p: p.name if p else "absent")
def test_every_example_analyzes(path):
    if path is None:
        pytest.skip("reference corpus not available")
    documents = [doc for _source, doc in load_documents([str(path)])]
    report = analyze(documents)
    json.dumps(preflight_document(report))
    assert isinstance(render_preflight_text(report), str)
    for finding in report.findings:
        assert finding.severity in ("info", "warning", "error") and finding.message


# Every resource, http, plugin, suspend and containerSet template of the corpus (there is no
# data template in it), plus ordinary ones and templateRef/workflowTemplateRef cases.
PINNED = {
    "k8s-jobs.yaml": {("Workflow/(unnamed)", "rand-num"): ("resource", "own")},
    "k8s-orchestration.yaml": {("Workflow/k8s-orchestrate-", "random-number-job"): ("resource", "own"),
                               ("Workflow/k8s-orchestrate-", "delete-job"): ("resource", "own")},
    "k8s-patch-json-pod.yaml": {("Workflow/k8s-patch-json-pod-", "main"): ("resource", "own")},
    "k8s-patch-json-workflow.yaml": {("Workflow/k8s-patch-json-workflow-", "main"): ("resource", "own")},
    "k8s-patch-merge-pod.yaml": {("Workflow/k8s-patch-merge-pod-", "main"): ("resource", "own")},
    "k8s-set-owner-reference.yaml": {("Workflow/k8s-set-owner-reference-", "k8s-set-owner-reference"): ("resource", "own")},
    "k8s-wait-wf.yaml": {("Workflow/k8s-wait-wf-", "create-wf"): ("resource", "own"),
                         ("Workflow/k8s-wait-wf-", "wait-wf"): ("resource", "own")},
    "resource-flags.yaml": {("Workflow/resource-validate-", "create-route"): ("resource", "own"),
                            ("Workflow/resource-validate-", "create-route-without-validation"): ("resource", "own")},
    "workflow-of-workflows.yaml": {("Workflow/workflow-of-workflows-", "resource-without-argument"): ("resource", "own"),
                                   ("Workflow/workflow-of-workflows-", "resource-with-argument"): ("resource", "own")},
    "cron-backfill.yaml": {("Workflow/backfill-v1", "create-job"): ("resource", "own"),
                          ("CronWorkflow/daily-job", "main"): ("script", "own")},
    "http-hello-world.yaml": {("Workflow/http-template-", "http"): ("http", "agent"),
                              ("Workflow/http-template-", "main"): ("steps", "none")},
    "http-success-condition.yaml": {("Workflow/http-template-condition-", "http-status-is-201"): ("http", "agent"),
                                    ("Workflow/http-template-condition-", "http-body-contains-google"): ("http", "agent"),
                                    ("Workflow/http-template-condition-", "http-headers-contains-cloudflare"): ("http", "agent")},
    "life-cycle-hooks-tmpl-level.yaml": {("Workflow/lifecycle-hook-tmpl-level-", "http"): ("http", "agent")},
    "life-cycle-hooks-wf-level.yaml": {("Workflow/lifecycle-hook-", "http"): ("http", "agent")},
    "workflow-level-executor-plugin.yaml": {("Workflow/workflow-level-executor-plugin-", "main"): ("plugin", "agent")},
    "suspend-template.yaml": {("Workflow/suspend-template-", "approve"): ("suspend", "none"),
                              ("Workflow/suspend-template-", "delay"): ("suspend", "none")},
    "suspend-template-outputs.yaml": {("Workflow/suspend-outputs", "approve"): ("suspend", "none")},
    "intermediate-parameters.yaml": {("Workflow/intermediate-parameters-cicd-", "approval"): ("suspend", "none")},
    "container-set-template_parallel-workflow.yaml": {("Workflow/parallel-", "main"): ("containerSet", "own")},
    "container-set-template_sequence-workflow.yaml": {("Workflow/sequence-", "main"): ("containerSet", "own")},
    "container-set-template_workspace-workflow.yaml": {("Workflow/workspace-", "main"): ("containerSet", "own")},
    "artifacts-workflowtemplate.yaml": {("WorkflowTemplate/artifacts", "main"): ("containerSet", "own")},
    "hello-world.yaml": {("Workflow/hello-world-", "hello-world"): ("container", "own")},
    "scripts-python.yaml": {("Workflow/scripts-python-", "gen-random-int"): ("script", "own")},
    "dag-diamond-steps.yaml": {("Workflow/dag-diamond-steps-", "diamond"): ("dag", "none")},
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_classification_is_pinned(name):
    rows, _report = rows_of(name)
    for key, expected in PINNED[name].items():
        assert rows.get(key) == expected, (name, key, rows)


def test_workflow_template_ref_example_resolves_from_the_same_corpus():
    path = ARGO_EXAMPLES / "workflow-template_workflow-template-ref.yaml"
    holder = ARGO_EXAMPLES / "workflow-template_templates.yaml"
    if not (path.exists() and holder.exists()):
        pytest.skip("reference corpus not available")
    alone = analyze([d for _s, d in load_documents([str(path)])])
    assert any(f.code == "UnresolvedTemplateRef" for f in alone.findings)


def test_inline_dag_example_lists_the_inline_pod():
    rows, _report = rows_of("dag-inline-workflow.yaml")
    assert any(pod == "own" and "(inline)" in name for (_wf, name), (_type, pod) in rows.items())


def test_pod_spec_patch_examples_are_flagged():
    for name in ("pod-spec-patch-wf-tmpl.yaml", "pod-spec-yaml-patch.yaml", "pod-spec-from-previous-step.yaml"):
        _rows, report = rows_of(name)
        assert any(f.code == "PodSpecPatchChangesResources" for f in report.findings), name
