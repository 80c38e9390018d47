"""Queue positions deep in a LocalQueue: the visibility endpoint pages with limit/offset."""
from tests.support.cli import run_cli
from tests.support.live import serve_scenario
from tests.support.scenarios import load_scenario

PENDING_POD = "steps-x7k2p-whalesay-queue-2-3629792798"


def _item(name, owner, position):
    return {"metadata": {"name": name, "namespace": "ml-team", "creationTimestamp": "2026-08-24T10:00:00Z",
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": owner, "uid": name}]},
            "priority": 0, "localQueueName": "user-queue-2", "positionInClusterQueue": position,
            "positionInLocalQueue": position}


def test_a_step_behind_1200_others_gets_its_position(tmp_path):
    scenario = load_scenario("queue-per-template")
    ours = next(obj for obj in scenario.objects if obj.get("kind") == "Workload"
                and obj["metadata"]["ownerReferences"][0]["name"] == PENDING_POD)
    ahead = [_item(f"pod-other-{index}-abcde", f"other-{index}", index) for index in range(1200)]
    items = ahead + [_item(ours["metadata"]["name"], PENDING_POD, 1200)]
    with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
        server.set_pending_workloads("cluster-queue-2", items)
        result = run_cli("status", "steps-x7k2p", "-n", "ml-team", "--kubeconfig", kubeconfig, "-o", "json")
        pages = [r for r in server.requests if r.resource == "localqueues/pendingworkloads"]
    assert result.exit_code == 0, result.stderr
    step = next(step for step in result.json["steps"] if step["displayName"] == "hello2b")
    assert step["position"] == {"localQueue": 1201, "clusterQueue": 1201}
    assert [record.query.get("offset") for record in pages] == ["0", "1000"]
