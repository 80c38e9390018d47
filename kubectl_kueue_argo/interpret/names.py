"""Deterministic object names used by Argo and Kueue (pure functions).

Argo: node IDs and pod names (workflow/util/pod_name.go, (*Workflow).NodeID).
Kueue: the single-pod Workload name (pkg/controller/jobframework/workload_names.go).
"""
import hashlib

AGENT_POD_SUFFIX = "-agent"
_POD_NAME_PREFIX_MAX = 253 - 10 - 1
_WORKLOAD_NAME_MAX = 253
_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193


def fnv1a_32(text):
    value = _FNV32_OFFSET
    for byte in text.encode("utf-8"):
        value ^= byte
        value = (value * _FNV32_PRIME) & 0xFFFFFFFF
    return value


def node_id(workflow_name, node_name):
    """The ID Argo gives a node: the workflow name for the root, else `<wf>-<fnv>`."""
    if node_name == workflow_name:
        return workflow_name
    return f"{workflow_name}-{fnv1a_32(node_name)}"


def pod_name_v2(workflow_name, node_name, template_name):
    """POD_NAMES=v2 (the default since Argo 3.4)."""
    if workflow_name == node_name:
        return workflow_name
    prefix = workflow_name
    if template_name:
        prefix = f"{prefix}-{template_name}"
    return f"{prefix[:_POD_NAME_PREFIX_MAX]}-{fnv1a_32(node_name)}"


def agent_pod_name(workflow_name):
    return node_id(workflow_name, "agent") + AGENT_POD_SUFFIX


def onexit_node_id(workflow_name):
    return node_id(workflow_name, f"{workflow_name}.onExit")


def pod_workload_name(pod_name, pod_uid, max_length=_WORKLOAD_NAME_MAX):
    """Name Kueue gives the Workload of a single pod: `pod-<name>-<sha1[:5]>`."""
    digest = hashlib.sha1(f"Pod\n\n{pod_name}\n{pod_uid}".encode("utf-8")).hexdigest()[:5]
    prefix = f"pod-{pod_name}"[: max_length - 6]
    return f"{prefix}-{digest}"
