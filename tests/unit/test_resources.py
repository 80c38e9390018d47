"""Kueue's pod accounting and the pods Argo builds."""
from fractions import Fraction as F

from kubectl_kueue_argo.interpret.kueue.resources import argo_pod_spec, pod_requests, unparseable_quantities


def c(name, requests=None, limits=None, **extra):
    resources = {}
    if requests:
        resources["requests"] = requests
    if limits:
        resources["limits"] = limits
    return {"name": name, "resources": resources, **extra}


def test_containers_add_and_limits_fill_missing_requests():
    spec = {"containers": [c("a", {"cpu": "100m"}, {"cpu": "1", "memory": "1Gi"}), c("b", {"cpu": "1"})]}
    assert pod_requests(spec) == {"cpu": F(11, 10), "memory": F(2**30)}


def test_init_containers_count_as_a_maximum():
    spec = {"initContainers": [c("i", {"cpu": "2", "memory": "10Mi"})], "containers": [c("a", {"cpu": "1", "memory": "1Gi"})]}
    assert pod_requests(spec) == {"cpu": F(2), "memory": F(2**30)}


def test_restartable_init_sidecars_add():
    spec = {"initContainers": [c("side", {"cpu": "500m"}, restartPolicy="Always"), c("i", {"cpu": "1"})],
            "containers": [c("a", {"cpu": "1"})]}
    # regular: 1 + 0.5 sidecar = 1.5; init max: 1 + 0.5 (sidecar started before it) = 1.5
    assert pod_requests(spec) == {"cpu": F(3, 2)}


def test_pod_level_resources_and_overhead():
    spec = {"containers": [c("a", {"cpu": "1", "memory": "1Gi"})],
            "resources": {"requests": {"cpu": "4"}}, "overhead": {"cpu": "100m"}}
    assert pod_requests(spec) == {"cpu": F(41, 10), "memory": F(2**30)}


def test_unparseable_quantities_are_skipped_and_listed():
    spec = {"containers": [c("main", {"cpu": "{{inputs.parameters.cpu}}", "memory": "1Gi"})]}
    assert pod_requests(spec) == {"memory": F(2**30)}
    assert unparseable_quantities(spec) == ["main: requests.cpu={{inputs.parameters.cpu}}"]


def names(spec):
    return [x["name"] for x in spec.get("initContainers", [])], [x["name"] for x in spec["containers"]]


def test_container_template_pod():
    spec = argo_pod_spec({"container": {"image": "x", "resources": {"limits": {"cpu": "100m", "memory": "32Mi"}}}})
    assert names(spec) == (["init"], ["wait", "main"])
    assert pod_requests(spec) == {"cpu": F(110, 1000), "memory": F(96 * 2**20)}


def test_resource_and_data_pods_have_no_wait():
    assert names(argo_pod_spec({"resource": {"action": "create"}})) == (["init"], ["main"])
    assert names(argo_pod_spec({"data": {"source": {}}})) == (["init"], ["main"])
    logs = {"resource": {"action": "create"}, "archiveLocation": {"archiveLogs": True}}
    assert names(argo_pod_spec(logs)) == (["init"], ["wait", "main"])
    assert pod_requests(argo_pod_spec({"resource": {}})) == {"cpu": F(1, 100), "memory": F(64 * 2**20)}


def test_container_set_sidecars_and_user_init():
    template = {"containerSet": {"containers": [c("a", {"cpu": "1"}), c("b", {"cpu": "2"})]},
                "sidecars": [c("s", {"cpu": "1"})], "initContainers": [c("u", {"cpu": "10"})]}
    spec = argo_pod_spec(template, executor_requests={"cpu": "100m"}, executor_limits={})
    assert names(spec) == (["init", "u"], ["wait", "a", "b", "s"])
    assert pod_requests(spec) == {"cpu": F(10)}


def test_executor_resources_are_options():
    spec = argo_pod_spec({"container": {}}, executor_requests={}, executor_limits={"cpu": "1"})
    assert pod_requests(spec) == {"cpu": F(1)}


def test_agent_pod():
    sidecar = c("plugin", {"cpu": "100m", "memory": "32Mi"})
    spec = argo_pod_spec(None, agent=True, agent_sidecars=[sidecar])
    assert names(spec) == (["init"], ["main", "plugin"])
    assert pod_requests(spec) == {"cpu": F(110, 1000), "memory": F(64 * 10**6 + 32 * 2**20)}


def test_an_init_container_alone_sets_a_resource_the_containers_do_not_ask_for():
    spec = {"initContainers": [c("i", {"cpu": "500m", "example.com/fpga": "1"})], "containers": [c("a", {"memory": "1Gi"})]}
    assert pod_requests(spec) == {"cpu": F(1, 2), "example.com/fpga": F(1), "memory": F(2**30)}


def test_pod_level_resources_replace_only_cpu_and_memory():
    spec = {"containers": [c("a", {"cpu": "1", "memory": "1Gi", "nvidia.com/gpu": "1"})],
            "resources": {"limits": {"memory": "4Gi", "nvidia.com/gpu": "8"}}, "overhead": {"memory": "x", "cpu": "1"}}
    assert pod_requests(spec) == {"cpu": F(2), "memory": F(4 * 2**30), "nvidia.com/gpu": F(1)}
    assert pod_requests(None) == {} and pod_requests({"containers": "junk"}) == {}


def test_the_pod_argo_builds_exactly():
    template = {"container": {"image": "x", "resources": {"requests": {"cpu": "1"}}},
                "sidecars": [c("s", {"cpu": "1"}), "junk"], "initContainers": [c("u"), 7]}
    assert argo_pod_spec(template, executor_requests={"cpu": "1m"}, executor_limits={"cpu": "2m"},
                         pod_resources={"requests": {"cpu": "4"}}) == {
        "initContainers": [{"name": "init", "resources": {"requests": {"cpu": "1m"}, "limits": {"cpu": "2m"}}},
                           {"name": "u", "resources": {}}],
        "containers": [{"name": "wait", "resources": {"requests": {"cpu": "1m"}, "limits": {"cpu": "2m"}}},
                       {"image": "x", "resources": {"requests": {"cpu": "1"}}, "name": "main"},
                       {"name": "s", "resources": {"requests": {"cpu": "1"}}}],
        "resources": {"requests": {"cpu": "4"}}}
    assert "resources" not in argo_pod_spec(template, pod_resources={})
    assert "resources" not in argo_pod_spec(template, pod_resources="4")


def test_the_default_executor_and_script_templates():
    assert argo_pod_spec({"script": {"image": "python", "source": "print(1)"}}) == {
        "initContainers": [{"name": "init", "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}}}],
        "containers": [{"name": "wait", "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}}},
                       {"image": "python", "source": "print(1)", "name": "main"}]}
    assert argo_pod_spec({"suspend": {}}) == {
        "initContainers": [{"name": "init", "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}}}],
        "containers": [{"name": "wait", "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}}}]}


def test_the_agent_pod_exactly():
    assert argo_pod_spec(None, agent=True, agent_sidecars=["junk"]) == {
        "initContainers": [{"name": "init", "resources": {"requests": {"cpu": "10m", "memory": "64M"},
                                                          "limits": {"cpu": "100m", "memory": "256M"}}}],
        "containers": [{"name": "main", "resources": {"requests": {"cpu": "10m", "memory": "64M"},
                                                      "limits": {"cpu": "100m", "memory": "256M"}}}]}


def test_unparseable_quantities_in_init_containers_and_limits():
    spec = {"initContainers": [{"resources": {"limits": {"memory": "lots"}}}],
            "containers": [c("main", limits={"cpu": "1"})]}
    assert unparseable_quantities(spec) == ["?: limits.memory=lots"]
