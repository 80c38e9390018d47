"""The pre-flight check: rows, findings, rendering and manifest loading."""
import json
from fractions import Fraction as F

import pytest
import yaml

from kubectl_kueue_argo.errors import InputError
from kubectl_kueue_argo.interpret.argo.spec import QUEUE_LABEL
from kubectl_kueue_argo.interpret.preflight.analysis import ClusterFacts, PreflightOptions, analyze
from kubectl_kueue_argo.render.preflight import preflight_document, render_preflight_text
from kubectl_kueue_argo.sources.manifests import load_documents
from tests.support.paths import KUEUE_SITE_EXAMPLES


def site(name):
    path = KUEUE_SITE_EXAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def wf(spec, name="wf", kind="Workflow"):
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": kind, "metadata": {"name": name}, "spec": spec}


def ctr(name, labels=None, resources=None, **extra):
    template = {"name": name, "container": {"image": "x", "resources": resources or {"requests": {"cpu": "1", "memory": "1Gi"}}}, **extra}
    if labels:
        template["metadata"] = {"labels": labels}
    return template


def q(name):
    return {QUEUE_LABEL: name}


def codes(report):
    return sorted(f.code for f in report.findings)


def by_code(report, code):
    return [f for f in report.findings if f.code == code]


def cluster_queue(cpu="9", memory="36Gi", cohort=None, borrowing=None, covered=("cpu", "memory")):
    resources = [{"name": "cpu", "nominalQuota": cpu, **({"borrowingLimit": borrowing} if borrowing else {})},
                 {"name": "memory", "nominalQuota": memory}]
    resources = [r for r in resources if r["name"] in covered]
    spec = {"resourceGroups": [{"coveredResources": list(covered), "flavors": [{"name": "default-flavor", "resources": resources}]}]}
    if cohort:
        spec["cohort"] = cohort
    return {"kind": "ClusterQueue", "metadata": {"name": "cq"}, "spec": spec}


def facts(cq=None, queues=("user-queue",), **extra):
    return ClusterFacts(namespace="team", local_queues={name: "cq" for name in queues},
                        cluster_queues={"cq": cq or cluster_queue()}, **extra)


def test_queue_per_template_example():
    report = analyze(site("workflow-queue-per-template.yaml"))
    rows = {r.name: r for r in report.templates}
    assert rows["whalesay"].queue_name == "user-queue"
    assert rows["whalesay-queue-2"].queue_name == "user-queue-2"
    assert (rows["whalesay"].type, rows["whalesay"].pod, rows["whalesay"].managed) == ("container", "own", True)
    assert rows["hello-hello-hello"].pod == "none" and rows["hello-hello-hello"].queue_name is None
    assert rows["whalesay"].workflow == "Workflow/steps-"
    assert "MixedQueueing" not in codes(report)
    assert len(by_code(report, "NoResourceRequests")) == 2


def test_single_queue_example_with_http_step_gives_agent_pod_queued():
    docs = site("workflow-single-queue.yaml")
    docs[0]["spec"]["templates"].append({"name": "call", "http": {"url": "https://example.com"}})
    report = analyze(docs)
    assert "AgentPodQueued" in codes(report)
    agent = next(r for r in report.templates if r.name == "call")
    assert (agent.pod, agent.queue_name) == ("agent", "user-queue")
    assert agent.requests == {"cpu": F(1, 100), "memory": F(64 * 10**6)}
    finding = by_code(report, "AgentPodQueued")[0]
    assert "user-queue" in finding.message and "call" in finding.message and finding.remedy


def test_single_queue_example_requests():
    row = analyze(site("workflow-single-queue.yaml")).templates[0]
    assert row.requests == {"cpu": F(110, 1000), "memory": F(96 * 2**20)}
    assert row.managed is True


def test_mixed_and_unqueued():
    mixed = analyze([wf({"templates": [ctr("a", q("lq")), ctr("b")]})])
    assert by_code(mixed, "MixedQueueing")[0].severity == "warning"
    assert "b" in by_code(mixed, "MixedQueueing")[0].message
    none = analyze([wf({"entrypoint": "a", "templates": [ctr("a"), ctr("b")]})])
    assert codes(none) == ["Unqueued"]
    assert none.templates[0].managed is None


def test_queue_label_on_agent_template():
    report = analyze([wf({"templates": [ctr("a", q("lq")), {"name": "h", "http": {"url": "u"}, "metadata": {"labels": q("lq")}}]})])
    assert [f.template for f in by_code(report, "QueueLabelOnAgentTemplate")] == ["h"]
    assert "AgentPodQueued" not in codes(report)
    assert next(r for r in report.templates if r.name == "h").queue_name is None


def test_resource_step_queued_mentions_the_created_objects_label():
    job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: j-\n"
    labelled = job + "  labels:\n    kueue.x-k8s.io/queue-name: jobs\n"
    report = analyze([wf({"podMetadata": {"labels": q("lq")}, "templates": [
        {"name": "plain", "resource": {"action": "create", "manifest": job}},
        {"name": "labelled", "resource": {"action": "create", "manifest": labelled}},
        {"name": "patch", "resource": {"action": "patch", "manifest": job}}]})])
    found = {f.template: f for f in by_code(report, "ResourceStepQueued")}
    assert found["plain"].severity == "warning" and "no queue label" in found["plain"].message
    assert found["labelled"].severity == "info" and "(jobs)" in found["labelled"].message
    assert found["patch"].severity == "info"
    assert "NoResourceRequests" not in codes(report)


def test_suspend_template_and_spec_suspend():
    report = analyze([wf({"suspend": True, "podMetadata": {"labels": q("lq")},
                          "templates": [ctr("a"), {"name": "wait", "suspend": {}}]})])
    found = by_code(report, "SuspendNotUnderstood")
    assert sorted(str(f.template) for f in found) == ["None", "wait"]


def test_pod_spec_patch_findings():
    patch = "containers:\n- name: main\n  resources:\n    requests:\n      cpu: '3'\n"
    report = analyze([wf({"podMetadata": {"labels": q("lq")}, "templates": [
        ctr("a", podSpecPatch=patch),
        ctr("b", podSpecPatch='{"containers":[{"name":"main","resources":{"limits":{"cpu":"{{inputs.parameters.cpu}}"}}}]}'),
        ctr("c", podSpecPatch="schedulingGates:\n- name: example.com/hold\n")]})])
    resources = {f.template: f for f in by_code(report, "PodSpecPatchChangesResources")}
    assert set(resources) == {"a", "b"}
    assert "cannot be evaluated" in resources["b"].message
    assert [f.template for f in by_code(report, "PodSpecPatchSchedulingGates")] == ["c"]
    row_a = next(r for r in report.templates if r.name == "a")
    assert row_a.requests["cpu"] == F(3) + F(1, 100)   # the patch is applied to the count


def test_wf_level_pod_spec_patch_with_expression():
    report = analyze([wf({"podSpecPatch": "{{workflow.parameters.patch}}", "templates": [ctr("a", q("lq"))]})])
    found = by_code(report, "PodSpecPatchChangesResources") + by_code(report, "PodSpecPatchSchedulingGates")
    assert len(found) == 2 and all(f.template is None for f in found)


def test_unresolved_template_ref_without_cluster():
    report = analyze([wf({"workflowTemplateRef": {"name": "elsewhere"}})])
    assert [f.code for f in report.findings] == ["UnresolvedTemplateRef"]
    assert "WorkflowTemplate/elsewhere" in report.findings[0].message


def test_template_ref_resolved_from_input_and_cluster():
    wft = wf({"podMetadata": {"labels": q("lib-q")}, "templates": [ctr("leaf")]}, name="lib", kind="WorkflowTemplate")
    doc = wf({"templates": [{"name": "main", "steps": [[{"name": "s", "templateRef": {"name": "lib", "template": "leaf"}}]]}]})
    rows = analyze([doc, wft]).templates
    assert [(r.workflow, r.name, r.queue_name) for r in rows if r.workflow == "Workflow/wf"] == [
        ("Workflow/wf", "main", None), ("Workflow/wf", "lib/leaf", "lib-q")]
    cluster = facts(queues=("lib-q",), workflow_templates=[wft])
    assert "UnresolvedTemplateRef" not in codes(analyze([doc], cluster=cluster))


def test_local_queue_not_found_suggests_the_closest_name():
    report = analyze([wf({"templates": [ctr("a", q("user-queu"))]})], cluster=facts())
    found = by_code(report, "LocalQueueNotFound")
    assert len(found) == 1 and found[0].severity == "error"
    assert "user-queue" in found[0].remedy and "team" in found[0].message


def test_resource_not_covered():
    report = analyze([wf({"templates": [ctr("gpu", q("user-queue"), {"limits": {"nvidia.com/gpu": "1"}})]})], cluster=facts())
    found = by_code(report, "ResourceNotCovered")
    assert len(found) == 1 and "nvidia.com/gpu" in found[0].message and found[0].template == "gpu"


def test_never_fits_without_cohort_and_with_unbounded_cohort():
    big = [wf({"templates": [ctr("big", q("user-queue"), {"requests": {"cpu": "12", "memory": "1Gi"}})]})]
    found = by_code(analyze(big, cluster=facts()), "NeverFits")
    assert len(found) == 1 and "cpu 12" in found[0].message and "no cohort" in found[0].message
    assert not by_code(analyze(big, cluster=facts(cluster_queue(cohort="shared"))), "NeverFits")
    limited = facts(cluster_queue(cohort="shared", borrowing="2"))
    assert by_code(analyze(big, cluster=limited), "NeverFits")
    fits = facts(cluster_queue(cohort="shared", borrowing="4"))   # 12 cpu + 10m executor
    assert not by_code(analyze(big, cluster=fits), "NeverFits")


def test_queue_demand_names_the_largest_step():
    docs = [wf({"podMetadata": {"labels": q("user-queue")}, "templates": [
        ctr("small", resources={"requests": {"cpu": "1"}}), ctr("large", resources={"requests": {"cpu": "4"}})]})]
    found = by_code(analyze(docs, cluster=facts()), "QueueDemand")
    assert len(found) == 1 and found[0].template == "large" and "cpu 9" in found[0].message


def test_namespace_not_managed_and_default_local_queue():
    docs = [wf({"templates": [ctr("a", q("user-queue")), ctr("b")]})]
    rows = {r.name: r for r in analyze(docs, cluster=facts(namespace_managed=False)).templates}
    assert rows["a"].managed is False
    rows = {r.name: r for r in analyze(docs, cluster=facts(queues=("user-queue", "default"))).templates}
    assert (rows["b"].queue_name, rows["b"].managed) == ("default", True)
    rows = {r.name: r for r in analyze(docs, cluster=facts()).templates}
    assert (rows["b"].queue_name, rows["b"].managed) == (None, False)


def test_queue_label_conflict_warns_about_argo_15870():
    docs = [wf({"podMetadata": {"labels": q("wide")}, "templates": [ctr("a", q("own"))]})]
    assert [f.template for f in by_code(analyze(docs), "QueueLabelConflict")] == ["a"]
    modelled = analyze(docs, options=PreflightOptions(podmetadata_overrides_template=True))
    assert modelled.templates[0].queue_name == "wide" and not by_code(modelled, "QueueLabelConflict")


def test_render_text_and_document():
    docs = [wf({"templates": [ctr("a\x1b[31mred", q("lq")), ctr("b"), {"name": "h", "http": {"url": "u"}}]})]
    report = analyze(docs)
    text = render_preflight_text(report)
    assert text.splitlines()[0].split() == ["WORKFLOW", "TEMPLATE", "TYPE", "POD", "QUEUE", "MANAGED", "REQUESTS"]
    assert "\x1b" not in text and "^[" in text
    assert "cpu=1010m,memory=1088Mi" in text
    assert "Warnings (" in text and "Fix:" in text
    document = preflight_document(report)
    json.dumps(document)
    assert set(document) == {"templates", "findings"}
    assert document["templates"][0]["requests"] == {"cpu": "1010m", "memory": "1088Mi"}
    assert {"code", "severity", "template", "message"} <= set(document["findings"][0])
    assert "\x1b[" in render_preflight_text(report, color=True)


def test_render_empty_report():
    assert "No Argo" in render_preflight_text(analyze([{"kind": "ConfigMap"}]))


def test_load_documents(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.yaml").write_text("kind: Workflow\nmetadata: {name: b}\n---\nkind: ConfigMap\n---\n")
    (tmp_path / "sub" / "a.json").write_text(json.dumps({"kind": "List", "items": [{"kind": "WorkflowTemplate"}]}))
    (tmp_path / "notes.txt").write_text("ignored")
    loaded = load_documents([str(tmp_path)])
    assert [(src.endswith("b.yaml"), d["kind"]) for src, d in loaded] == [(True, "Workflow"), (False, "WorkflowTemplate")]
    assert len(load_documents([str(tmp_path)], kinds=None)) == 3
    assert load_documents(["-"], stdin_text="kind: CronWorkflow\n")[0][0] == "<stdin>"


@pytest.mark.parametrize("content, expected", [
    (b"kind: Workflow\nspec:\n  templates: [\n  - a\n", "line"),
    (b"kind: Workflow\n\x00\x01binary", "binary"),
    (b"\xff\xfe\xfa", "UTF-8"),
    (b"- just\n- a list\n", "not a Kubernetes object"),
])
def test_malformed_input_raises_input_error(tmp_path, content, expected):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        load_documents([str(path)])
    assert str(path) in error.value.message and expected in error.value.message
    assert "\n" not in error.value.message


def test_missing_file_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_documents([str(tmp_path / "nope.yaml")])


@pytest.mark.parametrize("label, local_queues, namespace_managed, queue, managed", [
    ("lq", {"lq": "cq"}, None, "lq", True),
    ("lq", {"lq": "cq"}, False, "lq", False),
    (None, {"user-queue": "cq"}, None, None, False),              # no LocalQueue named default: unmanaged
    (None, {"default": "cq", "user-queue": "cq"}, None, "default", True),   # Kueue labels the pod with it
    (None, {"default": "cq"}, False, None, False),                # the namespace is not managed at all
    (None, None, None, None, None),                               # LocalQueues not readable: unknown
], ids=["labelled", "labelled-namespace-excluded", "no-default-queue", "default-queue", "default-but-excluded",
        "queues-unknown"])
def test_the_queue_a_pod_ends_in_and_whether_it_is_managed(label, local_queues, namespace_managed, queue, managed):
    cluster = ClusterFacts(namespace="team", local_queues=local_queues, cluster_queues={"cq": cluster_queue()},
                           namespace_managed=namespace_managed)
    report = analyze([wf({"templates": [ctr("a", q(label) if label else None)]})], cluster=cluster)
    assert [(row.name, row.queue_name, row.managed) for row in report.templates] == [("a", queue, managed)]


def test_without_cluster_facts_an_unlabelled_pod_is_unknown_and_a_labelled_one_managed():
    report = analyze([wf({"templates": [ctr("a"), ctr("b", q("lq")), {"name": "s", "suspend": {}}]})])
    assert [(row.name, row.pod, row.queue_name, row.managed) for row in report.templates] == [
        ("a", "own", None, None), ("b", "own", "lq", True), ("s", "none", None, None)]


def test_queue_demand_exactly_per_queue_with_the_agent_pod_counted_once():
    docs = [wf({"podMetadata": {"labels": q("user-queue")}, "templates": [
        ctr("small", resources={"requests": {"cpu": "1"}}), {"name": "h1", "http": {"url": "u"}},
        {"name": "h2", "http": {"url": "u"}}, ctr("other", q("other-queue"), resources={"requests": {"cpu": "2"}}),
        ctr("lost", q("no-such-queue"))]})]
    cluster = ClusterFacts(namespace="team", local_queues={"user-queue": "cq", "other-queue": None},
                           cluster_queues={"cq": cluster_queue(cohort="pool")})
    found = [(f.template, f.message) for f in by_code(analyze(docs, cluster=cluster), "QueueDemand")]
    assert found == [
        ("other", "Largest single pod on other-queue: Workflow/wf template other asks for cpu 2010m, memory 64Mi; "
                  "its ClusterQueue is unknown. Each Argo pod is its own Workload, so this is the most one step "
                  "needs at once (1 pod template(s) use this queue)."),
        ("small", "Largest single pod on user-queue: Workflow/wf template small asks for cpu 1010m, memory 64Mi; "
                  "ClusterQueue cq has nominal quota cpu 9, memory 36Gi and may borrow in cohort pool. Each Argo pod "
                  "is its own Workload, so this is the most one step needs at once (2 pod template(s) use this "
                  "queue).")]


def test_queue_demand_with_an_unreadable_cluster_queue_and_ranked_by_cpu():
    docs = [wf({"podMetadata": {"labels": q("user-queue")}, "templates": [
        ctr("memory-heavy", resources={"requests": {"cpu": "1", "memory": "64Gi"}}),
        ctr("cpu-heavy", resources={"requests": {"cpu": "2", "memory": "1Gi"}})]})]
    cluster = ClusterFacts(namespace="team", local_queues={"user-queue": "cq"}, cluster_queues=None)
    [finding] = by_code(analyze(docs, cluster=cluster), "QueueDemand")
    assert finding.template == "cpu-heavy"
    assert "; the quota of ClusterQueue cq is not readable." in finding.message


def test_local_queue_not_found_names_every_template_that_uses_it():
    docs = [wf({"templates": [ctr("a", q("gpu-queue")), ctr("b", q("gpu-queue")), ctr("c", q("zzz"))]})]
    found = by_code(analyze(docs, cluster=ClusterFacts(namespace=None, local_queues={"gpu-queues": "cq"},
                                                       cluster_queues={})), "LocalQueueNotFound")
    assert [(f.template, f.message, f.remedy) for f in found] == [
        (None, "Workflow/wf: LocalQueue gpu-queue (used by a, b) does not exist in the target namespace. Kueue would "
               "gate these pods and never admit them (\"LocalQueue gpu-queue doesn't exist\").",
         "Did you mean gpu-queues? Fix the gpu-queue label, or ask an admin to create the LocalQueue."),
        ("c", "Workflow/wf: LocalQueue zzz (used by c) does not exist in the target namespace. Kueue would gate "
              "these pods and never admit them (\"LocalQueue zzz doesn't exist\").",
         "Fix the zzz label, or ask an admin to create the LocalQueue.")]


def test_cluster_findings_need_a_readable_managed_queue_and_a_pod():
    big = {"requests": {"cpu": "100", "nvidia.com/gpu": "1"}}
    docs = [wf({"entrypoint": "a", "templates": [ctr("a", q("user-queue"), big), {"name": "s", "suspend": {}}]})]
    assert codes(analyze(docs, cluster=facts())) == ["NeverFits", "QueueDemand", "ResourceNotCovered",
                                                     "SuspendNotUnderstood"]
    assert codes(analyze(docs, cluster=facts(namespace_managed=False))) == ["SuspendNotUnderstood"]
    unreadable = ClusterFacts(namespace="team", local_queues=None, cluster_queues=None)
    assert codes(analyze(docs, cluster=unreadable)) == ["QueueDemand", "SuspendNotUnderstood"]
    no_cq = ClusterFacts(namespace="team", local_queues={"user-queue": None}, cluster_queues={})
    assert codes(analyze(docs, cluster=no_cq)) == ["QueueDemand", "SuspendNotUnderstood"]


def test_unresolved_template_ref_says_where_it_was_looked_for():
    docs = [wf({"workflowTemplateRef": {"name": "elsewhere"}})]
    [offline] = analyze(docs).findings
    assert (offline.message, offline.remedy) == (
        "Workflow/wf refers to WorkflowTemplate/elsewhere, which is not in the input files. The pods, labels and "
        "requests of the templates it provides are unknown, so this check is incomplete.",
        "Pass the file that defines WorkflowTemplate/elsewhere with another -f, or run the check against the cluster.")
    [online] = by_code(analyze(docs, cluster=facts()), "UnresolvedTemplateRef")
    assert "which is not in the input files or the cluster." in online.message


def test_resource_step_findings_by_what_the_manifest_creates():
    def created(manifest, action="create", label=True):
        template = {"name": "r", "resource": {"action": action, "manifest": manifest}}
        if label:
            template["metadata"] = {"labels": q("lq")}
        found = by_code(analyze([wf({"templates": [template]})]), "ResourceStepQueued")
        return [(f.severity, f.message.split("). ", 1)[1]) for f in found]
    queued_workflow = "kind: Workflow\nspec:\n  podMetadata:\n    labels:\n      kueue.x-k8s.io/queue-name: inner\n"
    assert created(queued_workflow) == [("info", "Argo runs it in its own pod (argoexec), which carries queue lq, so "
        "Kueue queues that pod and counts cpu 10m, memory 64Mi for it (the Kueue docs say resource templates create "
        "no pods; they do). The Workflow it creates carries its own queue label (inner) and is queued separately, "
        "so this step waits for admission twice.")]
    assert created("kind: Job\nspec:\n  podMetadata:\n    labels:\n      kueue.x-k8s.io/queue-name: inner\n")[0][1]\
        .endswith("The Job it creates has no queue label, so the work it does is not queued by Kueue (unless a "
                  "'default' LocalQueue applies), while the small argoexec pod is.")
    assert created("metadata: {name: x}\n")[0][1].endswith("The object it creates has no queue label, so the work it "
        "does is not queued by Kueue (unless a 'default' LocalQueue applies), while the small argoexec pod is.")
    [(severity, deleted)] = created("kind: Job\n", action="delete")
    assert severity == "info" and deleted.endswith(
        "It does not create a workload (delete), so only the argoexec pod is queued.")
    assert created("{{inputs.parameters.manifest}}")[0][1].endswith(
        "Its manifest is not plain text here, so whether the object it creates is queued is unknown.")
    assert created("kind: [unclosed")[0][1].endswith(
        "Its manifest could not be read, so whether the object it creates is queued is unknown.")
    assert created("- a list\n")[0][1].endswith(
        "Its manifest could not be read, so whether the object it creates is queued is unknown.")
    assert created("kind: Job\n", label=False) == []


def test_no_resource_requests_only_for_bare_user_containers_of_queued_own_pods():
    def bare(*templates, **spec):
        report = analyze([wf({"entrypoint": templates[0]["name"], "podMetadata": {"labels": q("lq")},
                               "templates": list(templates), **spec})])
        return [(f.template, f.message.split(": ", 1)[1].split(" set no", 1)[0]) for f in
                by_code(report, "NoResourceRequests")]
    plain = {"name": "p", "container": {"image": "x"}}
    assert bare(plain) == [("p", "container(s) main")]
    assert bare({**plain, "sidecars": [{"name": "side"}], "initContainers": [
        {"name": "setup", "resources": {"requests": {"cpu": "1"}}}]}) == [("p", "container(s) main, side")]
    assert bare({**plain, "initContainers": [{"name": "setup"}]}) == [("p", "container(s) main, setup")]
    assert bare({**plain, "podResources": {"requests": {"cpu": "1"}}}) == []
    assert bare(plain, podResources={"requests": {"cpu": "1"}}) == []
    assert bare({"name": "p", "container": {"image": "x", "resources": {"requests": {"cpu": "{{inputs.parameters.c}}"}}}}) == []
    assert bare({**plain, "podSpecPatch": '{"containers":[{"name":"main","resources":{"requests":{"cpu":"1"}}}]}'}) == []
    assert bare(plain, podSpecPatch="{{workflow.parameters.patch}}") == []
    assert bare({"name": "d", "data": {"source": {}}}) == []
    assert bare({"name": "h", "http": {"url": "u"}}) == []
    unlabelled = wf({"entrypoint": "p", "templates": [plain]})
    assert analyze([unlabelled]).findings == by_code(analyze([unlabelled]), "Unqueued")


def test_only_argo_documents_are_analysed_and_source_pairs_are_unwrapped():
    doc = wf({"templates": [ctr("a", q("lq"))]})
    report = analyze(["junk", {"kind": "ConfigMap"}, ("wf.yaml", doc), ("a", "b", doc), None])
    assert [(row.workflow, row.name) for row in report.templates] == [("Workflow/wf", "a")]


def test_pod_level_resources_of_the_template_win_over_the_spec():
    docs = [wf({"podResources": {"requests": {"cpu": "4"}}, "templates": [
        ctr("spec-level", q("lq")), ctr("own", q("lq"), podResources={"requests": {"cpu": "2", "memory": "8Gi"}})]})]
    assert [(row.name, row.requests) for row in analyze(docs).templates] == [
        ("spec-level", {"cpu": F(4), "memory": F(2**30 + 64 * 2**20)}),   # main + wait; init counts as a maximum
        ("own", {"cpu": F(2), "memory": F(8 * 2**30)})]


def test_executor_plugins_run_as_sidecars_of_the_agent_pod():
    sidecar = {"name": "plugin", "resources": {"requests": {"cpu": "100m", "memory": "32Mi"}}}
    docs = [wf({"podMetadata": {"labels": q("lq")}, "executorPlugins": [
        {"spec": {"sidecar": {"container": sidecar}}}, None, {"spec": None}, {"spec": {"sidecar": {}}}],
        "templates": [{"name": "h", "http": {"url": "u"}}]})]
    [row] = analyze(docs).templates
    assert (row.pod, row.requests) == ("agent", {"cpu": F(11, 100), "memory": F(64 * 10**6 + 32 * 2**20)})


def test_queue_label_conflicts_only_where_a_template_sets_another_queue_on_argo_3_7():
    docs = [wf({"podMetadata": {"labels": q("wide")}, "templates": [ctr("own", q("own")), ctr("same", q("wide")),
                                                                      ctr("none")]})]
    assert [f.template for f in by_code(analyze(docs), "QueueLabelConflict")] == ["own"]
    assert by_code(analyze(docs, options=PreflightOptions(argo_version=(3, 6))), "QueueLabelConflict") == []
    assert by_code(analyze([wf({"templates": [ctr("own", q("own"))]})]), "QueueLabelConflict") == []


def test_the_largest_pod_is_the_largest_share_of_the_quota_else_the_most_cpu():
    docs = [wf({"podMetadata": {"labels": q("user-queue")}, "templates": [
        ctr("memory-heavy", resources={"requests": {"cpu": "1", "memory": "30Gi"}}),
        ctr("cpu-heavy", resources={"requests": {"cpu": "2", "memory": "1Gi"}})]})]
    assert [f.template for f in by_code(analyze(docs, cluster=facts()), "QueueDemand")] == ["memory-heavy"]
    no_cpu = [wf({"podMetadata": {"labels": q("user-queue")}, "templates": [
        ctr("memory-only", resources={"requests": {"memory": "64Gi"}}),
        ctr("some-cpu", resources={"requests": {"cpu": "500m"}})]})]
    unreadable = ClusterFacts(namespace="team", local_queues={"user-queue": "cq"}, cluster_queues={})
    options = PreflightOptions(executor_requests={"memory": "1Mi"})
    found = by_code(analyze(no_cpu, cluster=unreadable, options=options), "QueueDemand")
    assert [f.template for f in found] == ["some-cpu"]
