"""Big `kubectl get -o yaml` Lists: the items `explain -f` does not want are skipped unparsed, and
the result is what the full parse gives, or the full parse itself when the text is unusual."""
import copy

import yaml

from kubectl_kueue_argo.sources import manifests
from kubectl_kueue_argo.sources.manifests import ARGO_KINDS, _wanted_list_items, parse_text

WORKFLOW = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
            "metadata": {"name": "wf", "namespace": "ns", "labels": {"a": "b"}},
            "spec": {"entrypoint": "main", "templates": [{"name": "main", "script": {
                "image": "python", "source": "print('kind: Pod')\nkind: Pod\n"}}]}}
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns"},
       "spec": {"containers": [{"name": "main", "image": "x", "args": ["- a", "kind: Workflow"]}]},
       "status": {"phase": "Running", "count": 3, "ok": True}}


def _kubectl_list(items):
    # the shape kubectl prints: apiVersion, items, kind, metadata (copies: no YAML anchors)
    return yaml.safe_dump({"apiVersion": "v1", "items": [copy.deepcopy(item) for item in items], "kind": "List",
                           "metadata": {"resourceVersion": ""}}, sort_keys=False)


def _wanted_by_full_parse(text):
    return [document for document in parse_text(text) if document.get("kind") in ARGO_KINDS]


def test_only_wanted_items_are_parsed_and_they_equal_the_full_parse():
    text = _kubectl_list([POD, WORKFLOW, POD, dict(WORKFLOW, kind="WorkflowTemplate")])
    kept = _wanted_list_items(text, ARGO_KINDS, min_bytes=0)
    assert kept == _wanted_by_full_parse(text)
    assert [document["kind"] for document in kept] == ["Workflow", "WorkflowTemplate"]


def test_an_alias_to_a_skipped_item_falls_back_to_the_full_parse():
    text = yaml.safe_dump({"apiVersion": "v1", "items": [WORKFLOW, WORKFLOW], "kind": "List"}, sort_keys=False)
    assert "*id" in text
    assert _wanted_list_items(text, ARGO_KINDS, min_bytes=0) is None


def test_unusual_texts_fall_back_to_the_full_parse():
    listed = _kubectl_list([POD, WORKFLOW])
    unusual = [
        "---\n" + listed + "---\n" + listed,                                     # several documents
        listed.replace("kind: List", "kind: PodList"),                           # not a plain List
        "apiVersion: v1\nkind: List\nitems:\n-\n  kind: Workflow\n  metadata: {name: a}\n",   # "-" alone
        yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [WORKFLOW]}, default_flow_style=True),
    ]
    for text in unusual:
        assert _wanted_list_items(text, ARGO_KINDS, min_bytes=0) is None, text


def test_big_lists_take_the_shortcut_through_parse_text(monkeypatch):
    text = _kubectl_list([POD] * 50 + [WORKFLOW] + [POD] * 50)
    monkeypatch.setattr(manifests, "_SHORTCUT_BYTES", 0)
    parsed = []
    real = manifests.yamlio.safe_load

    def counting(body):
        parsed.append(body)
        return real(body)

    monkeypatch.setattr(manifests.yamlio, "safe_load", counting)
    documents = parse_text(text, "bundle.yaml", kinds=ARGO_KINDS)
    assert documents == [WORKFLOW] and len(parsed) == 1
