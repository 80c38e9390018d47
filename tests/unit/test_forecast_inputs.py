"""What a start forecast reads from plain Kueue and Argo dicts (interpret/forecast/inputs.py): the
capacity and reserved quota of a ClusterQueue, where each Workload stands, the LocalQueue map, the
Argo node of each pod, the expected ends and run times, and the queue model built from them."""
from datetime import datetime, timezone
from fractions import Fraction

from kubectl_kueue_argo.interpret.forecast import inputs
from kubectl_kueue_argo.interpret.forecast.simulate import Capacity, ResourceGroup

NOW = datetime(2026, 8, 24, 10, 20, tzinfo=timezone.utc)


def argo_workflow(nodes, name="etl", namespace="ml", annotations=None):
    meta = {"name": name, "namespace": namespace}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": meta,
            "status": {"nodes": {node["id"]: node for node in nodes}}}


# ---- Argo nodes ----------------------------------------------------------------------------------

def test_argo_index_finds_pod_nodes_by_the_pod_name_argo_gives_them():
    extract = {"id": "etl-1", "name": "etl[0].extract", "displayName": "extract", "templateName": "extract",
               "type": "Pod"}
    group = {"id": "etl-2", "name": "etl[0]", "displayName": "[0]", "type": "StepGroup"}
    index = inputs.ArgoIndex()
    index.add_workflow(argo_workflow([extract, group]))
    assert index.node_for("ml", "etl-extract-3078942605") == ("etl", extract)
    assert index.node_for("other", "etl-extract-3078942605") == (None, None)
    assert index._by_pod == {("ml", "etl-extract-3078942605"): ("etl", extract)}


def test_argo_index_skips_a_pod_node_whose_name_is_damaged():
    """A node name that is not text has no pod name: it used to crash `status --forecast`."""
    damaged = {"id": "etl-1", "name": None, "templateName": "extract", "type": "Pod"}
    load = {"id": "etl-3", "name": "etl[1].load", "displayName": "load", "templateName": "load", "type": "Pod"}
    index = inputs.ArgoIndex()
    index.add_workflow(argo_workflow([damaged, load]))
    assert index._by_pod == {("ml", "etl-load-3635643563"): ("etl", load)}


def test_argo_index_keeps_the_first_workflow_of_a_pod_name_and_add_node_overrides_it():
    node = {"id": "etl-1", "name": "etl[0].extract", "templateName": "extract", "type": "Pod"}
    later = dict(node, displayName="later")
    index = inputs.ArgoIndex()
    index.add_workflow(argo_workflow([node]))
    index.add_workflow(argo_workflow([later]))
    assert index.node_for("ml", "etl-extract-3078942605") == ("etl", node)
    index.add_node("ml", "etl-extract-3078942605", "etl", later)
    assert index.node_for("ml", "etl-extract-3078942605") == ("etl", later)
    index.add_node("ml", None, "etl", node)
    index.add_node("ml", "p", "etl", None)
    assert index._by_pod == {("ml", "etl-extract-3078942605"): ("etl", later)}


def test_argo_index_uses_the_node_id_with_the_v1_pod_name_format():
    node = {"id": "etl-1234", "name": "etl[0].extract", "templateName": "extract", "type": "Pod"}
    index = inputs.ArgoIndex()
    index.add_workflow(argo_workflow([node], annotations={"workflows.argoproj.io/pod-name-format": "v1"}))
    assert index.node_for("ml", "etl-1234") == ("etl", node)
