"""What Kueue counts for a pod, and the pod Argo would build for a template (pure).

Kueue sums a pod the way k8s.io/component-helpers/resource.PodRequests does (facts/kueue.md §2.3):
per container, limits fill missing requests; regular containers add up; an init container counts
as a maximum, except restartable ("sidecar") init containers, which add; pod-level resources
(if set) replace the container sum for the resources they name; overhead is added last.
"""
import copy
from fractions import Fraction

from kubectl_kueue_argo.interpret.dicts import mapping as _dict, sequence as _list
from kubectl_kueue_argo.quantity import try_parse_quantity

# Executor (init/wait, resource/data main) resources when the controller ConfigMap's
# `executor.resources` is unknown. Argo itself sets none by default; we assume a typical small
# request so that queued pods are not shown as free. Callers can pass the real values.
DEFAULT_EXECUTOR_REQUESTS = {"cpu": "10m", "memory": "64Mi"}
DEFAULT_EXECUTOR_LIMITS = {}
# The agent pod's containers (workflow/controller/agent.go; env ARGO_AGENT_CPU_LIMIT etc.).
AGENT_REQUESTS = {"cpu": "10m", "memory": "64M"}
AGENT_LIMITS = {"cpu": "100m", "memory": "256M"}
# Pod-level resources only cover these (k8s IsSupportedPodLevelResource).
_POD_LEVEL_RESOURCES = ("cpu", "memory")


def container_requests(container):
    """Requests of one container, with limits filling the missing requests; unparseable
    values (e.g. "{{inputs.parameters.cpu}}") are left out."""
    resources = _dict(_dict(container).get("resources"))
    amounts = {}
    for source in (_dict(resources.get("limits")), _dict(resources.get("requests"))):
        for name, value in source.items():
            parsed = try_parse_quantity(value)
            if parsed is not None:
                amounts[str(name)] = parsed
    return amounts


def pod_requests(pod_spec):
    """resource name -> Fraction, what Kueue's Workload for this pod would request."""
    pod_spec = _dict(pod_spec)
    total = {}
    for container in _list(pod_spec.get("containers")):
        _add(total, container_requests(container))
    sidecars = {}
    init_max = {}
    for container in _list(pod_spec.get("initContainers")):
        amounts = container_requests(container)
        if _dict(container).get("restartPolicy") == "Always":
            _add(total, amounts)
            _add(sidecars, amounts)
            amounts = dict(sidecars)
        else:
            amounts = _sum(amounts, sidecars)
        _max_into(init_max, amounts)
    _max_into(total, init_max)
    pod_level = container_requests({"resources": pod_spec.get("resources")})
    for name in _POD_LEVEL_RESOURCES:
        if name in pod_level:
            total[name] = pod_level[name]
    _add(total, {k: v for k, v in ((n, try_parse_quantity(q)) for n, q in _dict(pod_spec.get("overhead")).items())
                 if v is not None})
    return {name: amount for name, amount in total.items()}


def unparseable_quantities(pod_spec):
    """"<container>: <resource>=<value>" for every quantity Kueue would see only at run time."""
    found = []
    pod_spec = _dict(pod_spec)
    for container in _list(pod_spec.get("initContainers")) + _list(pod_spec.get("containers")):
        resources = _dict(_dict(container).get("resources"))
        for kind in ("requests", "limits"):
            for name, value in _dict(resources.get(kind)).items():
                if try_parse_quantity(value) is None:
                    found.append(f"{_dict(container).get('name', '?')}: {kind}.{name}={value}")
    return found


def argo_pod_spec(template, *, executor_requests=None, executor_limits=None, agent=False,
                  agent_sidecars=(), pod_resources=None):
    """The containers Argo would create for an own-pod template, or for the agent pod.

    - `init` (argoexec): every pod since the emissary executor (3.4+) copies argoexec this way.
    - `wait` (argoexec): every pod except resource and data pods (a resource pod that archives
      its logs keeps it).
    - `main`: the template's container or script; argoexec for resource and data templates.
      containerSet: its containers instead of main.
    - the template's own initContainers and sidecars.
    - agent=True: init + main (argoexec agent, fixed 10m/64M requests, 100m/256M limits) plus one
      sidecar per executor plugin (`agent_sidecars`: container dicts).
    `pod_resources`: pod-level resources (template podResources, else spec.podResources; 4.1+).
    """
    executor = _resources(DEFAULT_EXECUTOR_REQUESTS if executor_requests is None else executor_requests,
                          DEFAULT_EXECUTOR_LIMITS if executor_limits is None else executor_limits)
    if agent:
        agent_resources = _resources(AGENT_REQUESTS, AGENT_LIMITS)
        containers = [{"name": "main", "resources": agent_resources}]
        containers += [copy.deepcopy(c) for c in agent_sidecars if isinstance(c, dict)]
        return {"initContainers": [{"name": "init", "resources": copy.deepcopy(agent_resources)}],
                "containers": containers}
    template = _dict(template)
    kind = _template_kind(template)
    containers = []
    if kind not in ("resource", "data") or (kind == "resource" and _archives_logs(template)):
        containers.append({"name": "wait", "resources": copy.deepcopy(executor)})
    if kind in ("container", "script"):
        main = copy.deepcopy(_dict(template.get(kind)))
        main["name"] = "main"
        containers.append(main)
    elif kind in ("resource", "data"):
        containers.append({"name": "main", "resources": copy.deepcopy(executor)})
    elif kind == "containerSet":
        containers += [copy.deepcopy(c) for c in _list(_dict(template.get("containerSet")).get("containers"))
                       if isinstance(c, dict)]
    containers += [copy.deepcopy(c) for c in _list(template.get("sidecars")) if isinstance(c, dict)]
    init = [{"name": "init", "resources": copy.deepcopy(executor)}]
    init += [copy.deepcopy(c) for c in _list(template.get("initContainers")) if isinstance(c, dict)]
    spec = {"initContainers": init, "containers": containers}
    if isinstance(pod_resources, dict) and pod_resources:
        spec["resources"] = copy.deepcopy(pod_resources)
    return spec


def _template_kind(template):
    for kind in ("container", "containerSet", "script", "resource", "data"):
        if template.get(kind) is not None:
            return kind
    return "unknown"


def _archives_logs(template):
    return bool(_dict(template.get("archiveLocation")).get("archiveLogs"))


def _resources(requests, limits):
    resources = {}
    if requests:
        resources["requests"] = dict(requests)
    if limits:
        resources["limits"] = dict(limits)
    return resources


def _add(total, amounts):
    for name, amount in amounts.items():
        total[name] = total.get(name, Fraction(0)) + amount


def _sum(left, right):
    result = dict(left)
    _add(result, right)
    return result


def _max_into(total, amounts):
    for name, amount in amounts.items():
        if amount > total.get(name, Fraction(0)):
            total[name] = amount
