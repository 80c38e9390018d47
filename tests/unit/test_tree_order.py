"""Sibling order in the `argo get` tree (cmd/argo/commands/common/get.go insertSorted): by startedAt; at
equal times by loop index only when BOTH siblings have one (RecoverIndexFromNodeName on the display
name), otherwise by display name. status and explain both list steps in this order."""
import pytest

from kubectl_kueue_argo.interpret.argo import workflow as argo
from tests.unit.test_argo import WF, node


def dag(children):
    """A DAG whose tasks (display name, startedAt) are its children, in the order given."""
    root_id, root = node(WF, "DAG", display=WF, template="main")
    nodes = {root_id: root}
    for display, started in children:
        child_id, child = node(f"{WF}.{display}", "Pod", boundary=root_id, started=started, display=display)
        nodes[child_id] = child
        root["children"].append(child_id)
    return nodes


def order(nodes):
    return [line.node["displayName"] for line in argo.build_tree(WF, nodes)][1:]


T0, T1 = "2026-08-24T10:00:00Z", "2026-08-24T10:00:05Z"


def test_a_loop_of_twelve_items_is_in_index_order_not_name_order():
    items = [(f"shard({i}:{chr(97 + i)})", T0) for i in reversed(range(12))]
    assert order(dag(items)) == [f"shard({i}:{chr(97 + i)})" for i in range(12)]


def test_a_sibling_without_a_loop_index_is_compared_by_name():
    assert order(dag([("shard(1:b)", T0), ("a-prepare", T0), ("shard(0:a)", T0), ("z-report", T0)])) == \
        ["a-prepare", "shard(0:a)", "shard(1:b)", "z-report"]


def test_start_time_comes_first():
    assert order(dag([("a", T1), ("shard(10:x)", T0), ("shard(2:y)", T1)])) == ["shard(10:x)", "a", "shard(2:y)"]
    assert order(dag([("b", ""), ("a", T0)])) == ["b", "a"]       # never started: Go's zero time is earliest


@pytest.mark.parametrize("display, index", [("shard(3:c)", 3), ("x(+4:y)", 4), ("x(-1:y)", -1), ("(12:a)", 12),
                                            ("plain", -1), ("x(a:b)", -1), ("x:1(2", -1), ("x(1)", -1), ("", -1),
                                            (None, -1), ("a(1:b)(2:c)", 1)])
def test_loop_index_as_argo_recovers_it(display, index):
    assert argo.loop_index(display) == index
