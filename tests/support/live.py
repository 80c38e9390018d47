"""Serve a scenario's objects from the fake API server, as a cluster would hold them."""
from contextlib import contextmanager

from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig

DEFAULT_KUEUE_VERSIONS = ("v1beta2", "v1beta1")


def load_into(server, objects):
    """Add objects; PendingWorkloadsSummary documents become the visibility API's data."""
    local_queues = {}
    for obj in objects:
        if obj.get("kind") == "LocalQueue":
            meta = obj.get("metadata") or {}
            local_queues[(meta.get("namespace"), meta.get("name"))] = (obj.get("spec") or {}).get("clusterQueue")
    pending_by_cluster_queue = {}
    for obj in objects:
        if obj.get("kind") == "PendingWorkloadsSummary":
            for item in obj.get("items") or []:
                key = ((item.get("metadata") or {}).get("namespace"), item.get("localQueueName"))
                cluster_queue = local_queues.get(key)
                if cluster_queue:
                    pending_by_cluster_queue.setdefault(cluster_queue, []).append(item)
        else:
            server.add(obj)
    for cluster_queue, items in pending_by_cluster_queue.items():
        items.sort(key=lambda item: item.get("positionInClusterQueue", 0))
        server.set_pending_workloads(cluster_queue, items)


@contextmanager
def serve_scenario(scenario, tmp_path, **overrides):
    options = dict(scenario.expected.get("server") or {})
    kueue_versions = tuple(options.get("kueue_versions", DEFAULT_KUEUE_VERSIONS))
    with FakeApiServer(kueue_versions=kueue_versions, **overrides) as server:
        load_into(server, scenario.objects)
        for rule in options.get("forbid") or []:
            server.forbid(rule["verb"], rule["resource"], group=rule.get("group"))
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url,
                                      namespace=scenario.expected.get("namespace"))
        yield server, kubeconfig


def write_verbs(server):
    return [record for record in server.requests if record.method != "GET"]
