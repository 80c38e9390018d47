"""Template types, pod kinds and the labels a template's pod would get (Argo precedence)."""
import pytest

from kubectl_kueue_argo.interpret.argo.spec import QUEUE_LABEL, SpecResolver, pod_kind, template_type


def wf(spec, kind="Workflow", name="wf", status=None):
    doc = {"apiVersion": "argoproj.io/v1alpha1", "kind": kind, "metadata": {"name": name}, "spec": spec}
    if status:
        doc["status"] = status
    return doc


def ctr(name, labels=None, **extra):
    template = {"name": name, "container": {"image": "busybox"}, **extra}
    if labels is not None:
        template["metadata"] = {"labels": labels}
    return template


def q(name):
    return {QUEUE_LABEL: name}


@pytest.mark.parametrize("template, expected, pod", [
    ({"container": {}}, "container", "own"),
    ({"script": {"source": "x"}}, "script", "own"),
    ({"resource": {"action": "create"}}, "resource", "own"),
    ({"data": {"source": {}}}, "data", "own"),
    ({"containerSet": {"containers": []}}, "containerSet", "own"),
    ({"http": {"url": "x"}}, "http", "agent"),
    ({"plugin": {"hello": {}}}, "plugin", "agent"),
    ({"suspend": {}}, "suspend", "none"),
    ({"steps": []}, "steps", "none"),
    ({"dag": {"tasks": []}}, "dag", "none"),
    ({"name": "x"}, "unknown", "none"),
    (None, "unknown", "none"),
])
def test_type_and_pod(template, expected, pod):
    assert template_type(template) == expected
    assert pod_kind(template_type(template)) == pod


def test_template_metadata_beats_pod_metadata():
    doc = wf({"podMetadata": {"labels": {**q("wide"), "team": "a"}},
              "templates": [ctr("a", q("own")), ctr("b")]})
    resolver = SpecResolver(doc, [])
    assert resolver.resolve("a").queue_name == "own"
    assert resolver.resolve("b").queue_name == "wide"
    assert resolver.resolve("b").labels["team"] == "a"
    assert resolver.resolve("b").labels["workflows.argoproj.io/workflow"] == "wf"


def test_template_defaults_are_under_the_template():
    doc = wf({"podMetadata": {"labels": q("wide")},
              "templateDefaults": {"metadata": {"labels": q("defaults")}},
              "templates": [ctr("a", q("own")), ctr("b")]})
    resolver = SpecResolver(doc, [])
    assert resolver.resolve("a").queue_name == "own"
    assert resolver.resolve("b").queue_name == "defaults"   # template metadata (via defaults) > podMetadata


def test_template_defaults_do_not_change_the_type():
    doc = wf({"templateDefaults": {"container": {"resources": {"requests": {"cpu": "1"}}}},
              "templates": [{"name": "s", "steps": []}, ctr("c")]})
    resolver = SpecResolver(doc, [])
    assert resolver.resolve("s").type == "steps"
    assert resolver.resolve("c").template["container"]["resources"]["requests"]["cpu"] == "1"


def test_workflow_template_ref_merges_pod_metadata_workflow_wins():
    wft = wf({"podMetadata": {"labels": {**q("from-wft"), "x": "wft"}}, "templates": [ctr("main")]},
             kind="WorkflowTemplate", name="base")
    doc = wf({"workflowTemplateRef": {"name": "base"}, "podMetadata": {"labels": {"x": "wf"}}})
    resolved = SpecResolver(doc, [wft]).resolve("main")
    assert resolved.queue_name == "from-wft"
    assert resolved.labels["x"] == "wf"
    assert resolved.origin == "WorkflowTemplate/base"


def test_stored_workflow_template_spec_is_used_without_the_template():
    stored = {"podMetadata": {"labels": q("stored")}, "templates": [ctr("main")]}
    doc = wf({"workflowTemplateRef": {"name": "gone"}}, status={"storedWorkflowTemplateSpec": stored})
    resolver = SpecResolver(doc, [])
    assert resolver.resolve("main").queue_name == "stored"
    assert resolver.unresolved_refs() == []


def test_template_ref_folds_referenced_pod_metadata_in_3_7():
    wft = wf({"podMetadata": {"labels": q("wft-queue")}, "templates": [ctr("leaf"), ctr("own", q("mine"))]},
             kind="WorkflowTemplate", name="lib")
    doc = wf({"podMetadata": {"labels": q("wf-queue")},
              "templates": [{"name": "main", "steps": [[{"name": "s", "templateRef": {"name": "lib", "template": "leaf"}}]]}]})
    ref = {"name": "lib", "template": "leaf"}
    assert SpecResolver(doc, [wft]).resolve(template_ref=ref).queue_name == "wft-queue"
    assert SpecResolver(doc, [wft], argo_version=(3, 6)).resolve(template_ref=ref).queue_name == "wf-queue"
    # the template's own label is kept (only missing keys are folded)
    assert SpecResolver(doc, [wft]).resolve(template_ref={"name": "lib", "template": "own"}).queue_name == "mine"


def test_podmetadata_overrides_template_mode_models_argo_15870():
    doc = wf({"podMetadata": {"labels": q("wide")}, "templates": [ctr("a", q("own"))]})
    assert SpecResolver(doc, [], podmetadata_overrides_template=True).resolve("a").queue_name == "wide"


def test_cluster_template_ref_and_stored_templates():
    cwft = wf({"templates": [ctr("t", q("cq-lq"))]}, kind="ClusterWorkflowTemplate", name="c")
    ref = {"name": "c", "template": "t", "clusterScope": True}
    assert SpecResolver(wf({"templates": []}), [cwft]).resolve(template_ref=ref).queue_name == "cq-lq"
    stored = {"cluster/c/t": ctr("t", q("stored-q"))}
    doc = wf({"templates": []}, status={"storedTemplates": stored})
    resolved = SpecResolver(doc, []).resolve(template_ref=ref)
    assert resolved.queue_name == "stored-q"
    assert resolved.origin == "ClusterWorkflowTemplate/c"


def test_unresolved_template_ref_is_reported():
    doc = wf({"podMetadata": {"labels": q("wide")},
              "templates": [{"name": "main", "dag": {"tasks": [{"name": "a", "templateRef": {"name": "nope", "template": "x"}}]}}]})
    resolver = SpecResolver(doc, [])
    resolver.templates()
    assert resolver.unresolved_refs() == ["WorkflowTemplate/nope"]
    resolved = resolver.resolve(template_ref={"name": "nope", "template": "x"})
    assert resolved.unresolved_reason and resolved.queue_name == "wide"
    assert resolver.resolve("missing") is None
    assert resolver.resolve() is None


def test_templates_include_ref_targets_and_their_local_calls():
    wft = wf({"templates": [{"name": "entry", "steps": [[{"name": "x", "template": "leaf"}]]}, ctr("leaf"), ctr("unused")]},
             kind="WorkflowTemplate", name="lib")
    doc = wf({"templates": [{"name": "main", "steps": [[{"name": "s", "templateRef": {"name": "lib", "template": "entry"}}]]}]})
    found = [(t["name"], origin) for t, origin in SpecResolver(doc, [wft]).templates()]
    assert found == [("main", "Workflow/wf"), ("entry", "WorkflowTemplate/lib"), ("leaf", "WorkflowTemplate/lib")]


def test_inline_templates_are_listed():
    doc = wf({"templates": [{"name": "main", "dag": {"tasks": [{"name": "a", "inline": {"container": {"image": "x"}}}]}}]})
    rows = SpecResolver(doc, []).resolved_templates()
    assert [(r.name, r.type, r.pod) for r in rows] == [("main", "dag", "none"), ("main/a(inline)", "container", "own")]


def test_agent_pod_gets_pod_metadata_only():
    doc = wf({"podMetadata": {"labels": {"team": "a"}},
              "templates": [{"name": "h", "http": {"url": "u"}, "metadata": {"labels": q("ignored")}}]})
    resolved = SpecResolver(doc, []).resolve("h")
    assert resolved.pod == "agent"
    assert resolved.queue_name is None
    assert resolved.labels["workflows.argoproj.io/component"] == "agent"


def test_cron_workflow_uses_workflow_spec():
    doc = {"kind": "CronWorkflow", "metadata": {"name": "c"},
           "spec": {"schedule": "* * * * *", "workflowSpec": {"podMetadata": {"labels": q("cron")}, "templates": [ctr("a")]}}}
    assert SpecResolver(doc, []).resolve("a").queue_name == "cron"


def test_template_scope_lookup_for_status_nodes():
    wft = wf({"podMetadata": {"labels": q("lib-q")}, "templates": [ctr("leaf")]}, kind="WorkflowTemplate", name="lib")
    resolved = SpecResolver(wf({"templates": []}), [wft]).resolve("leaf", template_scope="namespaced/lib")
    assert resolved.type == "container" and resolved.origin == "WorkflowTemplate/lib"


RETRY = {"limit": 3, "retryPolicy": "Always"}


def test_a_templates_own_retry_strategy_and_parallelism_are_in_its_effective_template():
    doc = wf({"templates": [{"name": "fan", "parallelism": 2, "retryStrategy": RETRY,
                             "dag": {"tasks": [{"name": "a", "template": "leaf"}]}},
                            ctr("leaf", retryStrategy={"limit": 1})]})
    resolver = SpecResolver(doc, [])
    assert (resolver.resolve("fan").template["parallelism"], resolver.resolve("fan").template["retryStrategy"]) == \
        (2, RETRY)
    assert resolver.resolve("leaf").template["retryStrategy"] == {"limit": 1}


def test_template_defaults_give_retry_strategy_and_the_template_keeps_its_own():
    doc = wf({"templateDefaults": {"retryStrategy": RETRY, "parallelism": 4, "steps": [[{"name": "x"}]]},
              "templates": [ctr("plain"), ctr("own", retryStrategy={"limit": 1, "retryPolicy": "OnError"})]})
    resolver = SpecResolver(doc, [])
    assert resolver.resolve("plain").template == {
        "name": "plain", "container": {"image": "busybox"}, "retryStrategy": RETRY, "parallelism": 4}
    assert resolver.resolve("own").template["retryStrategy"] == {"limit": 1, "retryPolicy": "OnError"}
    assert resolver.spec["templateDefaults"]["retryStrategy"] == RETRY


def test_a_referenced_templates_retry_strategy_comes_with_it():
    wft = wf({"templates": [ctr("leaf", retryStrategy=RETRY)]}, kind="WorkflowTemplate", name="lib")
    doc = wf({"retryStrategy": {"limit": 9}, "templates": []})
    resolved = SpecResolver(doc, [wft]).resolve(template_ref={"name": "lib", "template": "leaf"})
    assert resolved.template["retryStrategy"] == RETRY
    assert SpecResolver(doc, [wft]).spec["retryStrategy"] == {"limit": 9}


def test_workflow_template_ref_merges_templates_by_name_and_other_lists_are_replaced():
    wft = wf({"parallelism": 3, "arguments": {"parameters": [{"name": "a"}, {"name": "b"}]},
              "templates": [ctr("main", q("base")), ctr("other")]}, kind="WorkflowTemplate", name="base")
    doc = wf({"workflowTemplateRef": {"name": "base"}, "arguments": {"parameters": [{"name": "c"}]},
              "templates": [ctr("main", q("mine"))]})
    resolver = SpecResolver(doc, [wft])
    assert resolver.spec == {"parallelism": 3, "workflowTemplateRef": {"name": "base"},
                             "arguments": {"parameters": [{"name": "c"}]},
                             "templates": [ctr("main", q("mine")), ctr("other")]}
    assert [(r.name, r.queue_name, r.origin) for r in resolver.resolved_templates()] == [
        ("main", "mine", "Workflow/wf"), ("other", None, "WorkflowTemplate/base")]


def test_a_missing_workflow_template_ref_is_reported_and_the_own_spec_used():
    doc = wf({"workflowTemplateRef": {"name": "gone", "clusterScope": True}, "templates": [ctr("a", q("own"))]})
    resolver = SpecResolver(doc, [])
    assert resolver.unresolved_refs() == ["ClusterWorkflowTemplate/gone"]
    assert resolver.resolve("a").queue_name == "own"


def test_base_labels_and_labels_of_templates_and_of_the_agent():
    doc = wf({"podMetadata": {"labels": {"team": "a", "n": 1}}, "templates": [ctr("c", {"own": "x"})]})
    resolver = SpecResolver(doc, [])
    assert resolver.base_labels() == {"workflows.argoproj.io/completed": "false", "workflows.argoproj.io/workflow": "wf"}
    assert resolver.resolve("c").labels == {"workflows.argoproj.io/completed": "false",
                                            "workflows.argoproj.io/workflow": "wf", "team": "a", "n": "1", "own": "x"}
    assert resolver.agent_labels() == {"workflows.argoproj.io/completed": "false",
                                       "workflows.argoproj.io/workflow": "wf", "team": "a", "n": "1",
                                       "workflows.argoproj.io/component": "agent"}
    template_doc = wf({"templates": [ctr("c")]}, kind="WorkflowTemplate")
    assert SpecResolver(template_doc, []).base_labels() == {"workflows.argoproj.io/completed": "false"}
    assert SpecResolver(template_doc, []).label == "WorkflowTemplate/wf"


def test_document_label_and_workflow_spec():
    from kubectl_kueue_argo.interpret.argo.spec import document_label, workflow_spec
    assert document_label({"metadata": {"generateName": "steps-"}}) == "Workflow/steps-"
    assert document_label({"kind": "CronWorkflow", "metadata": {}}) == "CronWorkflow/(unnamed)"
    assert workflow_spec({"kind": "CronWorkflow", "spec": {"workflowSpec": {"entrypoint": "m"}}}) == {"entrypoint": "m"}
    assert workflow_spec({"kind": "Workflow", "spec": {"entrypoint": "m"}}) == {"entrypoint": "m"}
    assert workflow_spec("not a document") == {}


def test_referenced_templates_are_found_anywhere_in_the_documents():
    from kubectl_kueue_argo.interpret.argo.spec import referenced_templates
    docs = [wf({"workflowTemplateRef": {"name": "base"}, "templates": [
        {"name": "m", "steps": [[{"name": "a", "templateRef": {"name": "lib", "template": "x"}},
                                 {"name": "b", "templateRef": {"name": "clib", "template": "y", "clusterScope": True}}]]},
        {"name": "d", "dag": {"tasks": [{"name": "c", "templateRef": {"template": "no-name"}}]}}]}), "junk"]
    assert referenced_templates(docs) == ({"base", "lib"}, {"clib"})


LIB = wf({"podMetadata": {"labels": q("lib-q")}, "templates": [
    {"name": "entry", "steps": [[{"name": "a", "template": "leaf"}, {"name": "b", "template": 5}, {"name": "c"}]]},
    ctr("leaf"), {"name": 7}, "junk"]}, kind="WorkflowTemplate", name="lib")


def test_a_name_without_template_in_a_ref_is_a_call_by_name():
    doc = wf({"templates": [ctr("a", q("own"))]})
    resolved = SpecResolver(doc, [LIB]).resolve("a", template_ref={"name": "lib"})
    assert (resolved.name, resolved.queue_name, resolved.origin) == ("a", "own", "Workflow/wf")
    assert SpecResolver(doc, [LIB]).resolve(template_ref={"template": "leaf"}) is None


def test_templates_skip_damaged_entries_and_list_each_referenced_template_once():
    doc = wf({"templates": [
        {"name": "main", "steps": [[{"name": "x", "templateRef": {"name": "lib", "template": "entry"}},
                                    {"name": "y", "templateRef": {"name": "lib", "template": "entry"}},
                                    {"name": "z", "templateRef": {"name": "lib"}}]]},
        "junk", {"name": 5, "container": {}}, ctr("plain")]})
    resolver = SpecResolver(doc, [LIB, wf({}, name="not-a-holder"), "junk"])
    assert [(t["name"], origin) for t, origin in resolver.templates()] == [
        ("main", "Workflow/wf"), ("plain", "Workflow/wf"), ("entry", "WorkflowTemplate/lib"),
        ("leaf", "WorkflowTemplate/lib")]
    assert [(r.name, r.queue_name) for r in resolver.resolved_templates()] == [
        ("main", None), ("plain", None), ("lib/entry", "lib-q"), ("lib/leaf", None)]   # leaf: called by name
    assert resolver.unresolved_refs() == []


def test_a_template_missing_from_an_available_holder_is_unresolved():
    doc = wf({"templates": [{"name": "main", "dag": {"tasks": [
        {"name": "a", "templateRef": {"name": "lib", "template": "gone"}}]}}]})
    resolver = SpecResolver(doc, [LIB])
    resolver.templates()
    resolved = resolver.resolve(template_ref={"name": "lib", "template": "gone"})
    assert resolver.unresolved_refs() == ["WorkflowTemplate/lib/gone"]
    assert (resolved.type, resolved.pod, resolved.queue_name, resolved.origin, resolved.unresolved_reason) == (
        "unknown", "none", None, "WorkflowTemplate/lib", "WorkflowTemplate 'lib' or its template 'gone' is not available")


def test_only_a_template_reached_by_reference_gets_its_holders_pod_metadata():
    by_name = SpecResolver(wf({"templates": []}), [LIB]).resolve("leaf", template_scope="namespaced/lib")
    by_ref = SpecResolver(wf({"templates": []}), [LIB]).resolve(template_ref={"name": "lib", "template": "leaf"})
    assert (by_name.queue_name, by_ref.queue_name) == (None, "lib-q")
    assert (by_name.origin, by_ref.origin) == ("WorkflowTemplate/lib", "WorkflowTemplate/lib")


@pytest.mark.parametrize("scope", [5, "namespaced", "elsewhere/lib", ""])
def test_an_unreadable_template_scope_means_the_workflows_own_templates(scope):
    doc = wf({"templates": [ctr("leaf", q("own"))]})
    assert SpecResolver(doc, [LIB]).resolve("leaf", template_scope=scope).queue_name == "own"


def test_a_stored_template_is_not_folded_again():
    doc = wf({"templates": []}, status={"storedTemplates": {"namespaced/lib/leaf": ctr("leaf"), "bad": "x"}})
    assert SpecResolver(doc, [LIB]).resolve(template_ref={"name": "lib", "template": "leaf"}).queue_name is None


def test_effective_template_and_pod_labels_of_a_raw_template():
    doc = wf({"podMetadata": {"labels": q("wide")}, "templateDefaults": {"activeDeadlineSeconds": 60},
              "templates": []})
    resolver = SpecResolver(doc, [LIB])
    raw = ctr("leaf", {"own": "1"})
    folded = resolver.effective_template(raw, origin_scope=("namespaced", "lib"), by_ref=True)
    assert folded == {"name": "leaf", "container": {"image": "busybox"}, "activeDeadlineSeconds": 60,
                      "metadata": {"labels": {"own": "1", **q("lib-q")}}}
    assert resolver.effective_template(raw) == {**raw, "activeDeadlineSeconds": 60}
    assert raw == ctr("leaf", {"own": "1"})                       # the raw template is not changed
    assert resolver.pod_labels(folded) == {"workflows.argoproj.io/completed": "false",
                                           "workflows.argoproj.io/workflow": "wf", **q("lib-q"), "own": "1"}
