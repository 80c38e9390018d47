"""Kueue facts about a pod: its queue label, whether Kueue manages it, its gates (pure)."""

QUEUE_LABEL = "kueue.x-k8s.io/queue-name"
MANAGED_LABEL = "kueue.x-k8s.io/managed"
MANAGED_FINALIZER = "kueue.x-k8s.io/managed"
ADMISSION_GATE = "kueue.x-k8s.io/admission"
KUEUE_PREFIX = "kueue.x-k8s.io/"


def labels_of(obj):
    return ((obj or {}).get("metadata") or {}).get("labels") or {}


def queue_label(pod):
    return labels_of(pod).get(QUEUE_LABEL) or None


def scheduling_gates(pod):
    gates = ((pod or {}).get("spec") or {}).get("schedulingGates") or []
    return [gate.get("name", "") for gate in gates if isinstance(gate, dict)]


def has_admission_gate(pod):
    return ADMISSION_GATE in scheduling_gates(pod)


def foreign_gates(pod):
    return [gate for gate in scheduling_gates(pod) if not gate.startswith(KUEUE_PREFIX)]


def is_managed(pod):
    """Kueue's webhook marks every pod it manages with a label, a finalizer and the gate."""
    metadata = (pod or {}).get("metadata") or {}
    return (labels_of(pod).get(MANAGED_LABEL) == "true"
            or MANAGED_FINALIZER in (metadata.get("finalizers") or [])
            or has_admission_gate(pod))


def pod_phase(pod):
    return ((pod or {}).get("status") or {}).get("phase")


def pod_condition_time(pod, condition_type, status="True"):
    for condition in ((pod or {}).get("status") or {}).get("conditions") or []:
        if condition.get("type") == condition_type and condition.get("status") == status:
            return condition.get("lastTransitionTime")
    return None
