"""Argo node facts: decoding, the `argo get` tree, and pod <-> node matching."""
import base64
import gzip
import json
import sys

import pytest

from kubectl_kueue_argo.interpret.argo import workflow as argo
from kubectl_kueue_argo.interpret import names

WF = "steps-z2zdn"


def node(name, node_type, *, phase="Succeeded", boundary="", children=(), started="2026-08-24T10:00:00Z",
         template="whalesay", display=None):
    node_id = names.node_id(WF, name)
    return node_id, {
        "id": node_id, "name": name, "displayName": display or name.rsplit(".", 1)[-1], "type": node_type,
        "phase": phase, "boundaryID": boundary, "children": list(children), "startedAt": started,
        "templateName": template,
    }


def steps_workflow_nodes():
    """hello1, then hello2a || hello2b, as the Argo docs' steps example records them."""
    root_id, _ = node(WF, "Steps")
    g0_id, _ = node(f"{WF}[0]", "StepGroup")
    g1_id, _ = node(f"{WF}[1]", "StepGroup")
    h1_id, h1 = node(f"{WF}[0].hello1", "Pod", boundary=root_id, children=[g1_id], started="2026-08-24T10:00:01Z")
    h2a_id, h2a = node(f"{WF}[1].hello2a", "Pod", boundary=root_id, started="2026-08-24T10:00:10Z")
    h2b_id, h2b = node(f"{WF}[1].hello2b", "Pod", boundary=root_id, started="2026-08-24T10:00:10Z")
    _, root = node(WF, "Steps", children=[g0_id], template="hello-hello-hello", display=WF)
    _, g0 = node(f"{WF}[0]", "StepGroup", boundary=root_id, children=[h1_id], started="2026-08-24T10:00:01Z", display="[0]")
    _, g1 = node(f"{WF}[1]", "StepGroup", boundary=root_id, children=[h2a_id, h2b_id], started="2026-08-24T10:00:10Z", display="[1]")
    return {n["id"]: n for n in (root, g0, g1, h1, h2a, h2b)}


def drawn(lines):
    return ["".join(line.glyphs) + " " + line.node["displayName"] for line in lines]


def test_steps_tree_matches_argo_get_glyphs():
    lines = argo.build_tree(WF, steps_workflow_nodes())
    assert drawn(lines) == [f"  {WF}", " ├─── hello1", " └─┬─ hello2a", "   └─ hello2b"]


def test_dag_tasks_hang_off_the_dag_and_taskgroups_are_not_drawn():
    dag_id, dag = node(WF, "DAG", children=[], template="diamond", display=WF)
    tg_id, taskgroup = node(f"{WF}.fan", "TaskGroup", boundary=dag_id)
    items = [node(f"{WF}.fan({i}:{i})", "Pod", boundary=dag_id, started="2026-08-24T10:00:05Z") for i in (2, 0, 1)]
    nodes = {dag_id: dag, tg_id: taskgroup, **{nid: n for nid, n in items}}
    lines = argo.build_tree(WF, nodes)
    assert [line.node["name"] for line in lines] == [WF, f"{WF}.fan(0:0)", f"{WF}.fan(1:1)", f"{WF}.fan(2:2)"]
    assert ["".join(line.glyphs) for line in lines] == [" ", " ├─", " ├─", " └─"]


def test_retry_with_one_attempt_is_hidden_and_with_two_is_shown():
    root_id, _ = node(WF, "Steps")
    retry_id, retry = node(f"{WF}[0].work", "Retry", boundary=root_id)
    attempt0_id, attempt0 = node(f"{WF}[0].work(0)", "Pod", boundary=root_id, phase="Failed")
    group_id, group = node(f"{WF}[0]", "StepGroup", boundary=root_id, children=[retry_id])
    _, root = node(WF, "Steps", children=[group_id], display=WF)
    retry["children"] = [attempt0_id]
    nodes = {n["id"]: n for n in (root, group, retry, attempt0)}
    assert [line.node_id for line in argo.build_tree(WF, nodes)] == [root_id, attempt0_id]
    attempt1_id, attempt1 = node(f"{WF}[0].work(1)", "Pod", boundary=root_id, started="2026-08-24T10:05:00Z")
    retry["children"].append(attempt1_id)
    nodes[attempt1_id] = attempt1
    assert [line.node_id for line in argo.build_tree(WF, nodes)] == [root_id, retry_id, attempt0_id, attempt1_id]


def test_nodes_outside_the_tree_are_still_listed():
    orphan_id, orphan = node(f"{WF}.lost", "Pod")
    assert [line.node_id for line in argo.build_tree(WF, {orphan_id: orphan})] == [orphan_id]


def test_decode_inline_compressed_and_offloaded():
    nodes = steps_workflow_nodes()
    assert argo.decode_nodes({"status": {"nodes": nodes}}).storage == "inline"
    packed = base64.b64encode(gzip.compress(json.dumps(nodes).encode())).decode()
    decoded = argo.decode_nodes({"status": {"compressedNodes": packed}})
    assert decoded.storage == "compressed" and decoded.nodes == nodes and decoded.problem is None
    offloaded = argo.decode_nodes({"status": {"offloadNodeStatusVersion": "fnv:123"}})
    assert offloaded.storage == "offloaded" and offloaded.nodes == {} and "Argo Server" in offloaded.problem


@pytest.mark.parametrize("payload", ["not base64 at all!!", base64.b64encode(b"\x1f\x8bgarbage").decode(),
                                     base64.b64encode(gzip.compress(b"[1, 2]", mtime=0)).decode()],
                         ids=["not-base64", "gzip-garbage", "gzip-of-a-list"])
def test_broken_compressed_nodes_give_a_problem_not_an_exception(payload):
    decoded = argo.decode_nodes({"status": {"compressedNodes": payload}})
    assert decoded.nodes == {} and decoded.problem


def pod(name, annotations=None, labels=None, created="2026-08-24T10:00:00Z"):
    return {"metadata": {"name": name, "annotations": annotations or {},
                         "labels": {"workflows.argoproj.io/workflow": WF, **(labels or {})},
                         "creationTimestamp": created}}


def test_pods_match_nodes_by_annotation_then_name_hash_then_v1_name():
    nodes = steps_workflow_nodes()
    ids = {n["displayName"]: nid for nid, n in nodes.items()}
    by_id = pod("a", {argo.NODE_ID_ANNOTATION: ids["hello1"]})
    by_name = pod("b", {argo.NODE_NAME_ANNOTATION: f"{WF}[1].hello2a"})
    by_v1_name = pod(ids["hello2b"])
    agent = pod(names.agent_pod_name(WF), labels={argo.COMPONENT_LABEL: "agent"})
    index = argo.index_pods(WF, [by_id, by_name, by_v1_name, agent], nodes)
    assert index.by_node[ids["hello1"]] is by_id
    assert index.by_node[ids["hello2a"]] is by_name
    assert index.by_node[ids["hello2b"]] is by_v1_name
    assert index.agent_pod is agent and index.unmatched == []


def test_pods_without_annotations_match_their_v2_name():
    nodes = steps_workflow_nodes()
    hello1 = next(n for n in nodes.values() if n["displayName"] == "hello1")
    v2 = pod(names.pod_name_v2(WF, hello1["name"], "whalesay"))
    assert argo.index_pods(WF, [v2], nodes).by_node[hello1["id"]] is v2


def test_expected_pod_name_follows_the_format_annotation():
    nodes = steps_workflow_nodes()
    hello1 = next(n for n in nodes.values() if n["displayName"] == "hello1")
    workflow = {"metadata": {"name": WF}}
    assert argo.expected_pod_name(workflow, hello1) == f"{WF}-whalesay-{names.fnv1a_32(hello1['name'])}"
    workflow["metadata"]["annotations"] = {argo.POD_NAME_FORMAT_ANNOTATION: "v1"}
    assert argo.expected_pod_name(workflow, hello1) == hello1["id"]


def test_a_node_with_a_damaged_name_still_gets_a_pod_name():
    node = {"id": "x", "name": None, "templateName": "whalesay", "type": "Pod"}
    assert argo.expected_pod_name({"metadata": {"name": WF}}, node) == f"{WF}-whalesay-{names.fnv1a_32('')}"
    pod_without_annotations = {"metadata": {"name": "stray"}}
    assert argo.index_pods(WF, [pod_without_annotations], {"x": node}).unmatched == [pod_without_annotations]


def test_naming_rules_reproduce_upstream_vectors():
    assert names.node_id("many-items-z26lj", "many-items-z26lj[0].sleep(9:nine)") == "many-items-z26lj-2619926859"
    assert names.pod_name_v2("many-items-z26lj", "many-items-z26lj[0].sleep(9:nine)", "sleep") == \
        "many-items-z26lj-sleep-2619926859"
    assert names.agent_pod_name("wf") == "wf-1340600742-agent"
    assert names.pod_workload_name("steps-x7k2p-whalesay-2405123907", "9b2d4e61-0c3a-4f7e-8d15-2a6b9c0e3f42") == \
        "pod-steps-x7k2p-whalesay-2405123907-8d850"


def test_a_loop_of_twelve_items_started_together_is_in_item_order():
    """Argo names loop items `step(3:c)`; 10 must come after 9, not after 1."""
    dag_id, dag = node(WF, "DAG", children=[], template="loop", display=WF)
    items = [node(f"{WF}.work({i}:item-{i})", "Pod", boundary=dag_id, started="2026-08-24T10:00:05Z")
             for i in (11, 10, 2, 0, 1, 9, 3, 4, 8, 5, 7, 6)]
    nodes = {dag_id: dag, **{nid: n for nid, n in items}}
    assert [line.node["displayName"] for line in argo.build_tree(WF, nodes)] == \
        [WF] + [f"work({i}:item-{i})" for i in range(12)]


def test_loop_items_sort_by_start_time_first_then_item_then_name():
    dag_id, dag = node(WF, "DAG", children=[], template="loop", display=WF)
    late = node(f"{WF}.work(0:a)", "Pod", boundary=dag_id, started="2026-08-24T10:00:09Z")
    early = node(f"{WF}.work(5:f)", "Pod", boundary=dag_id, started="2026-08-24T10:00:01Z")
    plain_b = node(f"{WF}.b", "Pod", boundary=dag_id, started="2026-08-24T10:00:05Z")
    plain_a = node(f"{WF}.a", "Pod", boundary=dag_id, started="2026-08-24T10:00:05Z")
    nodes = {dag_id: dag, **dict([late, early, plain_b, plain_a])}
    assert [line.node["displayName"] for line in argo.build_tree(WF, nodes)] == [WF, "work(5:f)", "a", "b", "work(0:a)"]


@pytest.mark.parametrize("phase, node_phase", [("Pending", "Pending"), ("Running", "Running"),
                                               ("Succeeded", "Succeeded"), ("Failed", "Failed"),
                                               ("Unknown", "Error"), (None, "Pending")])
def test_offloaded_node_status_takes_each_pods_phase(phase, node_phase):
    step = pod("steps-z2zdn-whalesay-1", {argo.NODE_NAME_ANNOTATION: f"{WF}[0].hello1"})
    step["status"] = {"phase": phase} if phase else {}
    step["spec"] = {"containers": [{"name": "main", "env": [
        {"name": "ARGO_TEMPLATE", "value": json.dumps({"name": "whalesay", "container": {}})}]}]}
    agent = pod(names.agent_pod_name(WF), labels={argo.COMPONENT_LABEL: "agent"})
    node_id = names.node_id(WF, f"{WF}[0].hello1")
    assert argo.nodes_from_pods(WF, [step, agent]) == {node_id: {
        "id": node_id, "name": f"{WF}[0].hello1", "displayName": "hello1", "type": "Pod", "phase": node_phase,
        "startedAt": "2026-08-24T10:00:00Z", "templateName": "whalesay"}}


def test_offloaded_node_status_without_annotations_uses_the_pod_name():
    bare = pod("steps-z2zdn-1234")
    bare["spec"] = {"initContainers": [{"name": "init", "env": [{"name": "ARGO_TEMPLATE", "value": "not json"}]}]}
    assert argo.nodes_from_pods(WF, [bare]) == {"steps-z2zdn-1234": {
        "id": "steps-z2zdn-1234", "name": "steps-z2zdn-1234", "displayName": "steps-z2zdn-1234", "type": "Pod",
        "phase": "Pending", "startedAt": "2026-08-24T10:00:00Z", "templateName": None}}


def test_the_newest_pod_of_a_node_wins_and_unmatched_pods_are_kept():
    nodes = steps_workflow_nodes()
    ids = {n["displayName"]: nid for nid, n in nodes.items()}
    old = pod("old", {argo.NODE_ID_ANNOTATION: ids["hello1"]}, created="2026-08-24T10:00:00Z")
    new = pod("new", {argo.NODE_ID_ANNOTATION: ids["hello1"]}, created="2026-08-24T10:05:00Z")
    undated = pod("undated", {argo.NODE_ID_ANNOTATION: ids["hello2a"]}, created=None)
    dated = pod("dated", {argo.NODE_ID_ANNOTATION: ids["hello2a"]}, created="2026-08-24T10:01:00Z")
    stray = pod("someone-else")
    other_component = pod("wf-artifact-gc", labels={argo.COMPONENT_LABEL: "artifact-gc"})
    agents = [pod("agent-old", labels={argo.COMPONENT_LABEL: "agent"}, created="2026-08-24T10:00:00Z"),
              pod("agent-new", labels={argo.COMPONENT_LABEL: "agent"}, created="2026-08-24T10:09:00Z")]
    for order in ([old, new, dated, undated], [new, old, undated, dated]):
        index = argo.index_pods(WF, order + [stray, other_component] + agents, nodes)
        assert (index.by_node[ids["hello1"]], index.by_node[ids["hello2a"]]) == (new, dated)
        assert (index.unmatched, index.agent_pod["metadata"]["name"]) == ([stray], "agent-new")


def test_without_nodes_every_pod_is_indexed_by_its_own_node_id():
    first = pod("a", {argo.NODE_NAME_ANNOTATION: f"{WF}[0].x"})
    index = argo.index_pods(WF, [first, pod("b")], {})
    assert index.by_node == {names.node_id(WF, f"{WF}[0].x"): first, "b": index.by_node["b"]}
    assert index.unmatched == []


def test_a_v2_name_already_taken_by_an_annotated_pod_stays_unmatched():
    nodes = steps_workflow_nodes()
    hello1 = next(n for n in nodes.values() if n["displayName"] == "hello1")
    annotated = pod("x", {argo.NODE_ID_ANNOTATION: hello1["id"]})
    by_v2_name = pod(names.pod_name_v2(WF, hello1["name"], "whalesay"))
    index = argo.index_pods(WF, [annotated, by_v2_name], nodes)
    assert (index.by_node, index.unmatched) == ({hello1["id"]: annotated}, [by_v2_name])


@pytest.mark.parametrize("raw, problem", [
    (b"\x28\xb5\x2f\xfd" + b"\x00" * 8,
     "status.compressedNodes could not be decoded: it is zstd-compressed; install the 'zstandard' package to read it"),
    (b"\x0b\x02\x80hello",
     "status.compressedNodes could not be decoded: it is neither gzip nor zstd (brotli?); install the 'brotli' "
     "package to read it"),
], ids=["zstd", "brotli"])
def test_compressed_nodes_that_need_an_optional_package(monkeypatch, raw, problem):
    monkeypatch.setitem(sys.modules, "zstandard", None)   # import fails as when not installed
    monkeypatch.setitem(sys.modules, "brotli", None)
    decoded = argo.decode_nodes({"status": {"compressedNodes": base64.b64encode(raw).decode()}})
    assert (decoded.nodes, decoded.storage, decoded.problem) == ({}, "compressed", problem)


def test_inline_nodes_win_over_compressed_and_empty_status_is_inline():
    nodes = steps_workflow_nodes()
    status = {"nodes": nodes, "compressedNodes": "garbage"}
    assert argo.decode_nodes({"status": status}).nodes == nodes
    assert argo.decode_nodes({}) == argo.DecodedNodes({}, "inline")
    assert argo.decode_nodes({"status": {"nodes": {}, "offloadNodeStatusVersion": ""}}) == argo.DecodedNodes({}, "inline")


def test_damaged_node_fields_are_cleaned():
    damaged = {"a": {"id": 7, "name": ["x"], "phase": 1.5, "children": ["c", 3, None, {"x": 1}],
                     "outboundNodes": "o", "templateRef": "not a map"}, "b": "not a node"}
    assert argo.decode_nodes({"status": {"nodes": damaged}}).nodes == {
        "a": {"id": "7", "name": None, "phase": "1.5", "children": ["c", "3"], "outboundNodes": []}}


def test_workflow_summary_and_template_labels():
    workflow = {"metadata": {"name": "wf", "namespace": "ns", "creationTimestamp": "2026-08-24T10:00:00Z"},
                "spec": {"suspend": True}, "status": {"startedAt": "2026-08-24T10:00:01Z", "message": 5}}
    assert argo.workflow_summary(workflow) == {
        "name": "wf", "namespace": "ns", "phase": "Pending", "suspended": True, "created": "2026-08-24T10:00:00Z",
        "startedAt": "2026-08-24T10:00:01Z", "finishedAt": None, "message": None}
    assert argo.workflow_summary({"spec": {"suspend": "yes"}, "status": {"phase": "Running"}})["suspended"] is False
    ref = {"templateRef": {"name": "lib", "template": "t"}, "templateName": "ignored"}
    assert (argo.template_label(ref), argo.step_template_name(ref)) == ("lib/t", "t")
    assert (argo.template_label({"templateName": "t"}), argo.step_template_name({"templateName": "t"})) == ("t", "t")
    assert (argo.template_label({}), argo.step_template_name({"templateName": ""})) == ("", None)


def test_nodes_that_are_not_a_map_are_no_nodes():
    assert argo.decode_nodes({"status": {"nodes": [{"id": "x"}]}}) == argo.DecodedNodes({}, "inline")


def test_omitted_skips_vanish_and_other_skips_stay():
    dag_id, dag = node(WF, "DAG", children=[], template="d", display=WF)
    omitted = node(f"{WF}.when-false", "Skipped", phase="Omitted", boundary=dag_id)
    skipped = node(f"{WF}.skipped", "Skipped", phase="Skipped", boundary=dag_id, started="2026-08-24T10:00:01Z")
    omitted_pod = node(f"{WF}.pod", "Pod", phase="Omitted", boundary=dag_id, started="2026-08-24T10:00:02Z")
    nodes = {dag_id: dag, **dict([omitted, skipped, omitted_pod])}
    assert [line.node["displayName"] for line in argo.build_tree(WF, nodes)] == [WF, "skipped", "pod"]


class _FakeCodec:
    """Stands in for the optional zstandard/brotli packages (not installed here)."""

    def __init__(self, payload):
        self.payload = payload

    def ZstdDecompressor(self):
        return self

    def decompressobj(self):
        return self

    def decompress(self, raw):
        return self.payload


@pytest.mark.parametrize("module, magic", [("zstandard", b"\x28\xb5\x2f\xfd"), ("brotli", b"\x0b\x02")])
def test_compressed_nodes_with_an_optional_codec(monkeypatch, module, magic):
    nodes = steps_workflow_nodes()
    monkeypatch.setitem(sys.modules, module, _FakeCodec(json.dumps(nodes).encode()))
    packed = base64.b64encode(magic + b"payload").decode()
    assert argo.decode_nodes({"status": {"compressedNodes": packed}}) == argo.DecodedNodes(nodes, "compressed")


def test_the_template_of_an_offloaded_pod_comes_from_its_argo_template_variable():
    step = pod("p", {argo.NODE_NAME_ANNOTATION: f"{WF}[0].a"})
    step["spec"] = {"containers": [{"name": "main", "env": [{"name": "OTHER", "value": "not json"},
                                                            {"name": "ARGO_TEMPLATE", "value": ""}]},
                                   {"name": "wait", "env": [{"name": "ARGO_TEMPLATE", "value": '{"name": "tmpl"}'}]}]}
    assert argo.nodes_from_pods(WF, [step])[names.node_id(WF, f"{WF}[0].a")]["templateName"] == "tmpl"
    step["spec"]["containers"][1]["env"][0]["value"] = "null"
    assert argo.nodes_from_pods(WF, [step])[names.node_id(WF, f"{WF}[0].a")]["templateName"] is None


def test_of_two_pods_created_the_same_second_the_one_listed_last_wins():
    nodes = steps_workflow_nodes()
    ids = {n["displayName"]: nid for nid, n in nodes.items()}
    first, second = (pod(name, {argo.NODE_ID_ANNOTATION: ids["hello1"]}) for name in ("first", "second"))
    assert argo.index_pods(WF, [first, second], nodes).by_node[ids["hello1"]] is second
