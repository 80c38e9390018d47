"""Synthetic but realistic cluster states for the benchmarks, built with tests/support/builders.py.

A state is one namespace (`ml-team`) holding:

* the benchmarked Workflow with N Pod steps: a DAG whose `prepare` task fans out to N*3/4 shard
  tasks, plus a nested Steps template of N/4 steps in groups of 25 (every group but the last
  finished). Shards are, in order: 20 % finished, 15 % admitted and running, the rest pending
  behind Kueue's admission gate (a few without a Workload yet, a few without a pod yet);
* the pods Argo made for them (full pod specs: Argo env, volumes, Kueue managed label, gates,
  role-hash; Kueue's podset/queue labels and the workload annotation once admitted) and their
  Workloads (Finished / Admitted / Pending with an insufficient-quota message);
* the visibility API's pending list: our pending Workloads interleaved with another team's in the
  shared ClusterQueue, so positions in the LocalQueue and the ClusterQueue differ;
* M unrelated pods and their Workloads in the same namespace: half plain training pods of another
  team's LocalQueue, half pods of 20 other Argo workflows (finished, admitted and pending);
* LocalQueues, ClusterQueues, a ResourceFlavor, the Namespace and Kueue's manager ConfigMap.

Everything is deterministic and O(N + M).
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support import builders as b  # noqa: E402

NAMESPACE = "ml-team"
WORKFLOW = "train-fanout-x7k2p"
FLAVOR = "on-demand"
FLAVOR_LABELS = {"cloud.google.com/gke-nodepool": "on-demand"}
FLAVORS = {"cpu": FLAVOR, "memory": FLAVOR}
OUR_QUEUE, OUR_CQ = "user-queue", "team-cq"
OTHER_QUEUE = "research-queue"
STEPS_GROUP_SIZE = 25
OTHER_WORKFLOWS = 20
# The moment the snapshot is looked at (KUEUE_ARGO_NOW): after every timestamp below.
NOW_OFFSET = 4 * 3600
NOW = b.ts(NOW_OFFSET)


def _templates():
    prepare = b.container_template("prepare", image="python:3.12", command=["python", "split.py"],
                                   requests={"cpu": "500m", "memory": "512Mi"}, queue=OUR_QUEUE)
    shard = b.container_template("shard", image="ghcr.io/acme/trainer:1.4.2", command=["python", "shard.py"],
                                 args=["--shard", "{{inputs.parameters.shard}}"], inputs=["shard"],
                                 requests={"cpu": "2", "memory": "4Gi"}, queue=OUR_QUEUE)
    evaluate = b.container_template("evaluate", image="ghcr.io/acme/eval:2.0.1", command=["python", "eval.py"],
                                    args=["--part", "{{inputs.parameters.shard}}"], inputs=["shard"],
                                    requests={"cpu": "1", "memory": "2Gi"}, queue=OUR_QUEUE)
    return prepare, shard, evaluate


def _params(index):
    return {"parameters": [{"name": "shard", "value": str(index)}]}


def split(n_steps):
    """(shards, evaluation steps) for N Pod steps: 1 prepare + shards + steps == N."""
    steps = max(1, n_steps // 4)
    shards = max(0, n_steps - 1 - steps)
    return shards, steps


def build_workflow(n_steps):
    """The benchmarked workflow, its pods, Workloads and pending Workloads (in LocalQueue order).

    Returns dict(workflow, pods, workloads, pending, counts)."""
    prepare_t, shard_t, eval_t = _templates()
    n_shards, n_eval = split(n_steps)
    eval_steps_t = b.steps_template("evaluate-all", [
        [b.step_ref(f"eval-{g * STEPS_GROUP_SIZE + i}", "evaluate",
                    arguments=_params(g * STEPS_GROUP_SIZE + i))
         for i in range(min(STEPS_GROUP_SIZE, n_eval - g * STEPS_GROUP_SIZE))]
        for g in range((n_eval + STEPS_GROUP_SIZE - 1) // STEPS_GROUP_SIZE)])
    tasks = [{"name": "prepare", "template": "prepare"},
             {"name": "shard", "template": "shard", "depends": "prepare", "arguments": {
                 "parameters": [{"name": "shard", "value": "{{item}}"}]},
              "withSequence": {"count": str(n_shards)}},
             {"name": "evaluate", "template": "evaluate-all", "depends": "prepare"}]
    main = b.dag_template("main", tasks)

    tree = b.NodeTree(WORKFLOW)
    root = tree.dag("main", started=0)
    prep = b.pod_node_done(tree.task(root, "prepare", "prepare", started=0), finished=60)
    shard_nodes, shard_states = [], []
    finished_until, admitted_until = int(n_shards * 0.20), int(n_shards * 0.35)
    no_pod_from = n_shards - max(1, n_shards // 200)
    no_workload_from = no_pod_from - max(1, n_shards // 200)
    for i in range(n_shards):
        started = 61 + i // 50
        if i < finished_until:
            state = "finished"
        elif i < admitted_until:
            state = "admitted"
        elif i < no_workload_from:
            state = "pending"
        elif i < no_pod_from:
            state = "no_workload"
        else:
            state = "no_pod"
        node = tree.task(root, f"shard({i}:{i})", "shard", depends=[prep], started=started,
                         phase={"admitted": "Running"}.get(state, "Pending"), inputs=_params(i))
        if state == "finished":
            b.pod_node_done(node, finished=started + 600 + i % 300, host=f"worker-{i % 64}")
        elif state == "admitted":
            node["hostNodeName"] = f"worker-{i % 64}"
            node["progress"] = "0/1"
        shard_nodes.append(node)
        shard_states.append(state)

    eval_root = tree.task(root, "evaluate", "evaluate-all", node_type="Steps", depends=[prep], started=61,
                          phase="Running")
    eval_nodes, eval_states = [], []
    groups = (n_eval + STEPS_GROUP_SIZE - 1) // STEPS_GROUP_SIZE
    previous = None
    for g in range(groups):
        last_group = g == groups - 1
        started = 61 + g * 700
        group = tree.group(eval_root, g, started=started, after=previous,
                           phase="Running" if last_group else "Succeeded",
                           **({} if last_group else {"finishedAt": b.ts(started + 690)}))
        size = min(STEPS_GROUP_SIZE, n_eval - g * STEPS_GROUP_SIZE)
        for i in range(size):
            index = g * STEPS_GROUP_SIZE + i
            state = "finished" if not last_group else ("admitted" if i < size // 2 else "pending")
            node = tree.step(group, f"eval-{index}", "evaluate", started=started, inputs=_params(index),
                             phase={"finished": "Pending", "admitted": "Running"}.get(state, "Pending"))
            if state == "finished":
                b.pod_node_done(node, finished=started + 600 + i, host=f"worker-{index % 64}")
            elif state == "admitted":
                node["hostNodeName"] = f"worker-{index % 64}"
            eval_nodes.append(node)
            eval_states.append(state)
        previous = group

    workflow = b.workflow(WORKFLOW, NAMESPACE, [main, prepare_t, shard_t, eval_t, eval_steps_t], tree,
                          started=0, labels={"app.kubernetes.io/part-of": "training"})
    pods, workloads, pending = [], [], []

    def add(node, template, state):
        if state == "no_pod":
            return
        if state in ("finished", "admitted"):
            pod = b.argo_pod(workflow, node, template, cluster_queue=OUR_CQ, node_labels=FLAVOR_LABELS,
                             host=node.get("hostNodeName", "worker-1"),
                             finished=b._offset_of(node["finishedAt"]) if state == "finished" else None)
            reserved = b._offset_of(node["startedAt"]) + 2
            wl = b.workload_for_pod(pod, state, OUR_CQ, flavors=FLAVORS, reserved_at=reserved,
                                    finished_at=b._offset_of(node["finishedAt"]) if state == "finished" else None)
        else:
            pod = b.argo_pod(workflow, node, template)
            wl = None
            if state == "pending":
                wl = b.workload_for_pod(pod, "pending", message=b.insufficient_quota_message("cpu", FLAVOR, 2))
                pending.append(wl)
        pods.append(pod)
        if wl is not None:
            workloads.append(wl)

    add(prep, prepare_t, "finished")
    for node, state in zip(shard_nodes, shard_states):
        add(node, shard_t, state)
    for node, state in zip(eval_nodes, eval_states):
        add(node, eval_t, state)
    counts = {"podSteps": 1 + n_shards + n_eval, "pods": len(pods), "workloads": len(workloads),
              "pending": len(pending), "nodes": len(tree.nodes)}
    return {"workflow": workflow, "pods": pods, "workloads": workloads, "pending": pending, "counts": counts}


def build_unrelated(m_objects):
    """M unrelated pods in the namespace and the Workloads of the managed ones.

    Returns dict(objects, pending) where pending are the other team's pending Workloads in order."""
    objects, pending = [], []
    half = m_objects // 2
    for i in range(half):                   # another team's plain training pods on research-queue
        state = ("finished", "admitted", "pending")[i % 3]
        name = f"sweep-{i:05d}-{b._short_hash(str(i))}"
        if state == "pending":
            pod = b.plain_pod(name, NAMESPACE, requests={"cpu": "2", "memory": "4Gi"}, queue=OTHER_QUEUE,
                              created=30 + i // 100)
            wl = b.workload_for_pod(pod, "pending", message=b.insufficient_quota_message("cpu", FLAVOR, 2))
            pending.append(wl)
        else:
            pod = b.plain_pod(name, NAMESPACE, requests={"cpu": "2", "memory": "4Gi"}, queue=OTHER_QUEUE,
                              created=30 + i // 100, cluster_queue=OUR_CQ, node_labels=FLAVOR_LABELS,
                              phase="Running" if state == "admitted" else "Succeeded")
            wl = b.workload_for_pod(pod, state, OUR_CQ, flavors=FLAVORS, finished_at=900 + i // 100)
        objects.extend((pod, wl))
    # pods of other Argo workflows in the same namespace
    rest = m_objects - half
    per_workflow = (rest + OTHER_WORKFLOWS - 1) // OTHER_WORKFLOWS if rest else 0
    template = b.container_template("step", image="ghcr.io/acme/etl:3.1", command=["python", "etl.py"],
                                    requests={"cpu": "1", "memory": "1Gi"}, queue=OTHER_QUEUE)
    made = 0
    for w in range(OTHER_WORKFLOWS):
        if made >= rest:
            break
        name = f"etl-{w:02d}-{b._short_hash('etl' + str(w))}"
        count = min(per_workflow, rest - made)
        nodes = [b.node(name, f"{name}.step({i}:{i})", "Pod", template_name="step", started=100 + i // 50,
                        phase=("Succeeded", "Running", "Pending")[i % 3]) for i in range(count)]
        workflow = b.workflow(name, NAMESPACE, [template], None, started=100)
        objects.append(workflow)
        for i, node in enumerate(nodes):
            state = ("finished", "admitted", "pending")[i % 3]
            if state == "pending":
                pod = b.argo_pod(workflow, node, template)
                wl = b.workload_for_pod(pod, "pending", message=b.insufficient_quota_message("cpu", FLAVOR, 1))
                pending.append(wl)
            else:
                node["finishedAt"] = b.ts(700 + i // 50)
                pod = b.argo_pod(workflow, node, template, cluster_queue=OUR_CQ, node_labels=FLAVOR_LABELS,
                                 finished=700 + i // 50 if state == "finished" else None)
                wl = b.workload_for_pod(pod, state, OUR_CQ, flavors=FLAVORS, finished_at=700 + i // 50)
            objects.extend((pod, wl))
        made += count
    return {"objects": objects, "pending": pending}


def queues_and_config(ours_pending, theirs_pending):
    """Queues, flavor, namespace, Kueue config, and the visibility summaries (CQ order interleaved)."""
    objects = [
        b.resource_flavor(FLAVOR, FLAVOR_LABELS),
        b.cluster_queue(OUR_CQ, {FLAVOR: {"cpu": 256, "memory": "1Ti"}}, usage={FLAVOR: {"cpu": 250, "memory": "900Gi"}},
                        admitted=120, pending=len(ours_pending) + len(theirs_pending), reserving=120),
        b.local_queue(OUR_QUEUE, NAMESPACE, OUR_CQ, pending=len(ours_pending)),
        b.local_queue(OTHER_QUEUE, NAMESPACE, OUR_CQ, pending=len(theirs_pending)),
        b.namespace_object(NAMESPACE, {"kueue-managed": "true"}),
        b.manager_configmap(["batch/job", "pod"]),
    ]
    # ClusterQueue order: one of theirs after every two of ours, while both last.
    order, i, j = [], 0, 0
    while i < len(ours_pending) or j < len(theirs_pending):
        for _ in range(2):
            if i < len(ours_pending):
                order.append(("ours", ours_pending[i]))
                i += 1
        if j < len(theirs_pending):
            order.append(("theirs", theirs_pending[j]))
            j += 1
    ours = [(wl, position) for position, (who, wl) in enumerate(order) if who == "ours"]
    theirs = [(wl, position) for position, (who, wl) in enumerate(order) if who == "theirs"]
    summaries = []
    if ours:
        summaries.append(b.pending_workloads_summary(NAMESPACE, OUR_QUEUE, ours))
    if theirs:
        summaries.append(b.pending_workloads_summary(NAMESPACE, OTHER_QUEUE, theirs))
    return objects, summaries


def build_state(n_steps, m_unrelated, *, workflow_part=None, unrelated_part=None):
    """All objects of one cluster state (PendingWorkloadsSummary documents included, for load_into)."""
    b.clear_cache()
    wf = workflow_part or build_workflow(n_steps)
    other = unrelated_part or build_unrelated(m_unrelated)
    extra, summaries = queues_and_config(wf["pending"], other["pending"])
    objects = [wf["workflow"]] + wf["pods"] + wf["workloads"] + other["objects"] + extra + summaries
    return objects, dict(wf["counts"], unrelated=len(other["objects"]))


def queue_length(objects):
    """Pending Workloads in the ClusterQueue (every LocalQueue's visibility list)."""
    return sum(len(o.get("items") or []) for o in objects if o.get("kind") == "PendingWorkloadsSummary")
