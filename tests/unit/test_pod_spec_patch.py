"""podSpecPatch (interpret/argo/pod_spec_patch.py): what a patch touches and its effect on requests."""
import pytest

from kubectl_kueue_argo.interpret.argo.pod_spec_patch import PatchInfo, apply_patch, inspect_patch


@pytest.mark.parametrize("patch, parsed, templated, resources, gates", [
    ('{"containers": [{"name": "main", "resources": {"limits": {"cpu": "2"}}}]}',
     {"containers": [{"name": "main", "resources": {"limits": {"cpu": "2"}}}]}, False, True, False),
    ("initContainers:\n- name: init\n  resources: {}\n", {"initContainers": [{"name": "init", "resources": {}}]},
     False, True, False),
    ("containers:\n- name: main\n  image: x\n", {"containers": [{"name": "main", "image": "x"}]}, False, False, False),
    ("containers: [junk, resources, {name: main}]\n", {"containers": ["junk", "resources", {"name": "main"}]},
     False, False, False),
    ("overhead: {cpu: 1}\n", {"overhead": {"cpu": 1}}, False, True, False),
    ("resources: {requests: {cpu: 1}}\n", {"resources": {"requests": {"cpu": 1}}}, False, True, False),
    ("schedulingGates: [{name: example.com/hold}]\n", {"schedulingGates": [{"name": "example.com/hold"}]},
     False, False, True),
    # {{...}}: only the words can be read
    ('{"containers":[{"name":"main","resources":{"limits":{"cpu":"{{inputs.parameters.cpu}}"}}}]}', None, True,
     True, False),
    ('{"containers":[{"name":"main","image":"{{inputs.parameters.image}}"}]}', None, True, False, False),
    ("{{workflow.parameters.patch}}", None, True, True, True),      # the whole patch is an expression
    ('"{{workflow.parameters.patch}}"', None, True, True, True),
    # not a mapping, or not YAML at all
    ("- a\n- b\n", None, False, False, False),
    ("resources: [unclosed", None, False, True, False),
    ("schedulingGates: {unclosed", None, False, False, True),
])
def test_inspect_patch(patch, parsed, templated, resources, gates):
    assert inspect_patch(patch) == PatchInfo(text=patch, parsed=parsed, templated=templated,
                                             touches_resources=resources, touches_gates=gates)


def test_a_patch_given_as_a_mapping_is_read_as_json():
    info = inspect_patch({"schedulingGates": [{"name": "x"}]})
    assert (info.text, info.parsed, info.touches_gates) == ('{"schedulingGates": [{"name": "x"}]}',
                                                           {"schedulingGates": [{"name": "x"}]}, True)


@pytest.mark.parametrize("patch", [None, ""])
def test_no_patch(patch):
    assert inspect_patch(patch) is None


POD = {"initContainers": [{"name": "init", "resources": {"requests": {"cpu": "10m"}}}],
       "containers": [{"name": "wait", "resources": {"requests": {"cpu": "10m"}}},
                      {"name": "main", "image": "x", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}]}


def test_apply_patch_merges_resources_of_containers_by_name():
    patch = {"containers": [{"name": "main", "resources": {"limits": {"cpu": "2"}, "requests": {"cpu": "1500m"}},
                             "image": "ignored"},
                            {"name": "absent", "resources": {"requests": {"cpu": "9"}}},
                            {"name": "wait"}, "junk", "resources"],
             "initContainers": [{"name": "init", "resources": {"requests": {"memory": "1Mi"}}}],
             "overhead": {"cpu": "100m"}, "resources": {"requests": {"cpu": "4"}}, "nodeSelector": {"a": "b"}}
    assert apply_patch(POD, patch) == {
        "initContainers": [{"name": "init", "resources": {"requests": {"cpu": "10m", "memory": "1Mi"}}}],
        "containers": [{"name": "wait", "resources": {"requests": {"cpu": "10m"}}},
                       {"name": "main", "image": "x",
                        "resources": {"requests": {"cpu": "1500m", "memory": "1Gi"}, "limits": {"cpu": "2"}}}],
        "overhead": {"cpu": "100m"}, "resources": {"requests": {"cpu": "4"}}}
    assert POD["containers"][1]["resources"] == {"requests": {"cpu": "1", "memory": "1Gi"}}   # a copy


def test_apply_patch_ignores_what_is_not_a_mapping():
    assert apply_patch(POD, None) == POD and apply_patch(POD, None) is not POD
    assert apply_patch(POD, {"overhead": "1", "resources": ["x"]}) == POD
