"""What Kueue's webhook left on a pod: queue label, managed marks, gates, conditions (interpret/kueue/pods.py)."""
import pytest

from kubectl_kueue_argo.interpret.kueue import pods

GATE = {"name": "kueue.x-k8s.io/admission"}


def pod(labels=None, finalizers=None, gates=None, status=None):
    return {"metadata": {"name": "p", "labels": labels or {}, "finalizers": finalizers or []},
            "spec": {"schedulingGates": gates or []}, "status": status or {}}


@pytest.mark.parametrize("obj, managed", [
    (pod(labels={"kueue.x-k8s.io/managed": "true"}), True),
    (pod(finalizers=["kueue.x-k8s.io/managed"]), True),        # the finalizer alone (label stripped)
    (pod(gates=[GATE]), True),
    (pod(labels={"kueue.x-k8s.io/managed": "false"}, finalizers=["example.com/other"],
         gates=[{"name": "example.com/gate"}]), False),
    (pod(labels={"kueue.x-k8s.io/queue-name": "q"}), False),
    ({"metadata": {"finalizers": "kueue.x-k8s.io/managed"}}, False),  # not a list: damaged
    ({}, False),
    ("not a pod", False),
], ids=["label", "finalizer-only", "gate-only", "foreign-marks", "queue-label-only", "finalizers-not-a-list",
        "empty", "not-a-dict"])
def test_is_managed(obj, managed):
    assert pods.is_managed(obj) is managed


@pytest.mark.parametrize("labels, queue", [({"kueue.x-k8s.io/queue-name": "user-queue"}, "user-queue"),
                                           ({"kueue.x-k8s.io/queue-name": ""}, None),
                                           ({"kueue.x-k8s.io/queue-name": {"a": 1}}, None),
                                           ({"kueue.x-k8s.io/queue-name": 7}, "7"), ({}, None)],
                         ids=["label", "empty", "mapping", "number", "none"])
def test_queue_label(labels, queue):
    assert pods.queue_label(pod(labels=labels)) == queue


def test_gates_foreign_gates_and_the_admission_gate():
    gated = pod(gates=[GATE, {"name": "kueue.x-k8s.io/topology"}, {"name": "example.com/wait"}, {"other": 1}, "x"])
    assert pods.scheduling_gates(gated) == ["kueue.x-k8s.io/admission", "kueue.x-k8s.io/topology", "example.com/wait"]
    assert pods.foreign_gates(gated) == ["example.com/wait"]
    assert pods.has_admission_gate(gated) is True
    assert pods.has_admission_gate(pod(gates=[{"name": "kueue.x-k8s.io/topology"}])) is False


def test_pod_phase():
    assert pods.pod_phase(pod(status={"phase": "Running"})) == "Running"
    assert pods.pod_phase(pod(status={"phase": 3})) is None
    assert pods.pod_phase({}) is None


SCHEDULED_FALSE = {"type": "PodScheduled", "status": "False", "lastTransitionTime": "2026-08-24T10:00:01Z"}
SCHEDULED_TRUE = {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-08-24T10:05:00Z"}
READY_TRUE = {"type": "Ready", "status": "True", "lastTransitionTime": "2026-08-24T10:06:00Z"}


@pytest.mark.parametrize("conditions, kind, status, moment", [
    ([READY_TRUE, SCHEDULED_FALSE, SCHEDULED_TRUE], "PodScheduled", "True", "2026-08-24T10:05:00Z"),
    ([READY_TRUE, SCHEDULED_FALSE, SCHEDULED_TRUE], "PodScheduled", "False", "2026-08-24T10:00:01Z"),
    ([READY_TRUE, SCHEDULED_TRUE], "Ready", "True", "2026-08-24T10:06:00Z"),
    ([SCHEDULED_FALSE], "PodScheduled", "True", None),
    (["junk", None, SCHEDULED_TRUE], "PodScheduled", "True", "2026-08-24T10:05:00Z"),
    ("not a list", "PodScheduled", "True", None),
], ids=["true-after-false", "the-false-one", "another-type", "only-false", "junk-entries", "damaged"])
def test_pod_condition_time(conditions, kind, status, moment):
    assert pods.pod_condition_time(pod(status={"conditions": conditions}), kind, status) == moment
