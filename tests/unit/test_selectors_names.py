"""Label selectors (-l), Argo/Kueue object names and the dict helpers: small pure functions, whole values."""
import pytest

from kubectl_kueue_argo.errors import UsageError
from kubectl_kueue_argo.interpret import names
from kubectl_kueue_argo.interpret.dicts import deep_merge, mapping, sequence, text
from kubectl_kueue_argo.interpret.selectors import parse_selector, selector_matcher


@pytest.mark.parametrize("selector, requirements", [
    ("", []), (None, []), (" , ", []),
    ("team=ml", [("team", "=", ["ml"])]),
    ("team==ml", [("team", "=", ["ml"])]),
    ("team!=ml", [("team", "!=", ["ml"])]),
    ("team=", [("team", "=", [""])]),
    ("team in (ml, cv ,),tier", [("team", "in", ["ml", "cv"]), ("tier", "exists", [])]),
    ("team notin (ml)", [("team", "notin", ["ml"])]),
    ("!archived", [("archived", "!", [])]),
    ("example.com/tier = gold , x", [("example.com/tier", "=", ["gold"]), ("x", "exists", [])]),
])
def test_parse_selector(selector, requirements):
    assert parse_selector(selector) == requirements


@pytest.mark.parametrize("selector", ["a=b=c", "!team in (a)", "team in (a", "=x", "a b"])
def test_parse_selector_rejects(selector):
    with pytest.raises(UsageError) as raised:
        parse_selector(selector)
    assert str(raised.value).startswith(f'invalid label selector "{selector}": cannot parse "')


LABELS = {"team": "ml", "tier": "gold"}


@pytest.mark.parametrize("selector, expected", [
    ("team=ml", True), ("team=cv", False), ("zone=a", False), ("zone=", False),
    ("team!=ml", False), ("team!=cv", True), ("zone!=a", True),
    ("team in (cv, ml)", True), ("team in (cv)", False), ("zone in (a)", False),
    ("team notin (ml)", False), ("team notin (cv)", True), ("zone notin (a)", True),
    ("tier", True), ("zone", False), ("!tier", False), ("!zone", True),
    ("team=ml,tier=gold", True), ("team=ml,tier=silver", False), ("", True),
])
def test_selector_matcher(selector, expected):
    assert selector_matcher(selector)(LABELS) is expected


def test_selector_matcher_on_missing_labels():
    assert selector_matcher("!team")(None) is True
    assert selector_matcher("team")(None) is False


def test_fnv_node_ids_and_pod_names():
    assert names.fnv1a_32("") == 0x811C9DC5
    assert names.fnv1a_32("a") == 0xE40C292C
    assert names.node_id("wf", "wf") == "wf"
    assert names.node_id("wf", "wf[0].a") == f"wf-{names.fnv1a_32('wf[0].a')}"
    assert names.pod_name_v2("wf", "wf", "main") == "wf"
    assert names.pod_name_v2("wf", "wf[0].a", None) == f"wf-{names.fnv1a_32('wf[0].a')}"
    assert names.onexit_node_id("wf") == f"wf-{names.fnv1a_32('wf.onExit')}"


def test_long_pod_names_cut_the_prefix_at_242_characters():
    long_template = "t" * 300
    name = names.pod_name_v2("wf", "wf[0].a", long_template)
    assert name == ("wf-" + long_template)[:242] + f"-{names.fnv1a_32('wf[0].a')}"


def test_workload_names_are_cut_to_the_maximum_length():
    pod = "p" * 300
    name = names.pod_workload_name(pod, "uid")
    assert len(name) == 253 and name.startswith("pod-ppp") and name[-6] == "-"
    digest = names.pod_workload_name("short", "uid")[-5:]
    assert names.pod_workload_name("short", "uid") == f"pod-short-{digest}"
    assert names.pod_workload_name("short", "uid", max_length=12) == f"pod-sh-{digest}"


def test_deep_merge_merges_maps_and_replaces_everything_else():
    base = {"a": {"x": 1, "y": {"z": 1}}, "b": [1], "c": 1}
    merged = deep_merge(base, {"a": {"y": {"w": 2}}, "b": [2], "d": {"e": 1}})
    assert merged == {"a": {"x": 1, "y": {"z": 1, "w": 2}}, "b": [2], "c": 1, "d": {"e": 1}}
    assert base == {"a": {"x": 1, "y": {"z": 1}}, "b": [1], "c": 1}     # untouched
    assert deep_merge(None, {"a": 1}) == {"a": 1} and deep_merge({"a": 1}, None) == {"a": 1}
    assert deep_merge({"a": {"x": 1}}, {"a": 5}) == {"a": 5}


def test_type_guards():
    assert (mapping({"a": 1}), mapping([1]), mapping(None)) == ({"a": 1}, {}, {})
    assert (sequence([1]), sequence({"a": 1}), sequence("ab")) == ([1], [], [])
    assert (text("a"), text(1), text(None)) == ("a", None, None)
