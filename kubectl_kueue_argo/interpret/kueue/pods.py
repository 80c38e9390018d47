"""Kueue facts about a pod: its queue label, whether Kueue manages it, its gates (pure).

Pods come from the cluster or from files a user edited, so every field is type-checked.
"""
from kubectl_kueue_argo.interpret.dicts import mapping as _mapping, sequence as _sequence

QUEUE_LABEL = "kueue.x-k8s.io/queue-name"
MANAGED_LABEL = "kueue.x-k8s.io/managed"
MANAGED_FINALIZER = "kueue.x-k8s.io/managed"
ADMISSION_GATE = "kueue.x-k8s.io/admission"
KUEUE_PREFIX = "kueue.x-k8s.io/"


def labels_of(obj):
    return _mapping(_mapping(_mapping(obj).get("metadata")).get("labels"))


def queue_label(pod):
    value = labels_of(pod).get(QUEUE_LABEL)
    return str(value) if value not in (None, "") and not isinstance(value, (dict, list)) else None


def scheduling_gates(pod):
    gates = _sequence(_mapping(_mapping(pod).get("spec")).get("schedulingGates"))
    return [str(gate.get("name")) for gate in gates if isinstance(gate, dict) and gate.get("name")]


def has_admission_gate(pod):
    return ADMISSION_GATE in scheduling_gates(pod)


def foreign_gates(pod):
    return [gate for gate in scheduling_gates(pod) if not gate.startswith(KUEUE_PREFIX)]


def is_managed(pod):
    """Kueue's webhook marks every pod it manages with a label, a finalizer and the gate."""
    metadata = _mapping(_mapping(pod).get("metadata"))
    return (labels_of(pod).get(MANAGED_LABEL) == "true"
            or MANAGED_FINALIZER in _sequence(metadata.get("finalizers"))
            or has_admission_gate(pod))


def pod_phase(pod):
    phase = _mapping(_mapping(pod).get("status")).get("phase")
    return phase if isinstance(phase, str) else None


def pod_condition_time(pod, condition_type, status="True"):
    for condition in _sequence(_mapping(_mapping(pod).get("status")).get("conditions")):
        if isinstance(condition, dict) and condition.get("type") == condition_type and condition.get("status") == status:
            return condition.get("lastTransitionTime")
    return None
