"""Builders for forecast fixtures and benchmarks, on top of tests/support/builders.py (read-only).

What the forecast reads that the base builders do not write: Argo's estimatedDuration on nodes,
Kueue's spec.maximumExecutionTimeSeconds (from the pod label kueue.x-k8s.io/max-exec-time-seconds),
single-step workflows of other teams, and the ClusterQueue status that matches the Workloads.
"""
import importlib.util

from tests.support import builders as b
from tests.support.paths import FIXTURES

MAX_EXEC_LABEL = "kueue.x-k8s.io/max-exec-time-seconds"


def estimate(node, seconds):
    """Argo's estimatedDuration (integer seconds) on a node, as the controller sets it at initialisation."""
    node["estimatedDuration"] = int(seconds)
    return node


def max_execution(pod, workload, seconds):
    """A pod labelled kueue.x-k8s.io/max-exec-time-seconds and the Workload field Kueue derives from it."""
    pod["metadata"]["labels"][MAX_EXEC_LABEL] = str(int(seconds))
    workload["spec"]["maximumExecutionTimeSeconds"] = int(seconds)
    return workload


def one_step_workflow(name, namespace, template, *, started, phase="Running", estimate_seconds=None,
                      cluster_queue=None, flavors=None, node_labels=None, labels=None):
    """A running single-step Steps workflow of another team: (workflow, node, pod, Workload)."""
    tree = b.NodeTree(name)
    root = tree.steps("main", started=started)
    group = tree.group(root, 0, started=started)
    node = tree.step(group, template["name"], template["name"], phase=phase, started=started,
                     progress="0/1")
    if estimate_seconds is not None:
        estimate(node, estimate_seconds)
    main = b.steps_template("main", [[b.step_ref(template["name"], template["name"])]])
    workflow = b.workflow(name, namespace, [main, template], tree, started=started, labels=labels)
    if cluster_queue:
        node["hostNodeName"] = "worker-3"
        pod = b.argo_pod(workflow, node, template, cluster_queue=cluster_queue, node_labels=node_labels)
        workload = b.workload_for_pod(pod, "admitted", cluster_queue, flavors=flavors, reserved_at=started + 2)
    else:
        pod = b.argo_pod(workflow, node, template)
        workload = None
    return workflow, node, pod, workload


def scenario_generator():
    """tests/fixtures/generate_scenarios.py as a module (for fill_queue_status and the YAML dumpers)."""
    spec = importlib.util.spec_from_file_location("generate_scenarios", FIXTURES / "generate_scenarios.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
