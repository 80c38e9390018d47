"""Exact findings of the explain rules where one fact decides between two wordings, each next to the
situation that must not give the other (scenario objects varied one fact at a time, plain dicts)."""
from types import SimpleNamespace

from kubectl_kueue_argo.interpret.diagnose.ahead import owner_of
from kubectl_kueue_argo.interpret.diagnose.diagnosis import _sorted
from kubectl_kueue_argo.interpret.diagnose.reads import explain_reads
from kubectl_kueue_argo.model import Finding, Snapshot
from tests.unit.test_diagnose import by_code, objects_of, run, the
from tests.unit.test_diagnose_rules import ahead_context, codes_of, node_named, visibility_item


def findings_of(diagnosis, display):
    return next(d.findings for d in diagnosis.steps if d.step.display_name == display)


def pod_of(objects, display):
    node_id = node_named(objects, display)["id"]
    return next(o for o in objects if o.get("kind") == "Pod" and node_id.rsplit("-", 1)[-1] in o["metadata"]["name"])


def add_podless_step(objects, display):
    """A third step of parallelism-slot whose pod Argo has not created (a node with no pod of its id)."""
    part_0 = node_named(objects, "part-0")
    extra = dict(part_0, id=part_0["id"] + "x", name=part_0["name"] + "x", displayName=display)
    the(objects, "Workflow")["status"]["nodes"][extra["id"]] = extra


# ---- Argo's rules ------------------------------------------------------------------------------------

def test_an_ungated_pending_pod_holds_no_parallelism_slot_while_a_gated_one_does():
    objects = objects_of("parallelism-slot")
    pod_of(objects, "part-0")["spec"]["schedulingGates"] = []
    diagnosis = run("parallelism-slot", objects)
    assert codes_of(diagnosis, "part-0") == ["WaitingForQuota"]
    assert codes_of(diagnosis, "part-1") == ["WaitingForQuota", "ParallelismSlotHeld"]


def test_parallelism_of_one_is_a_limit():
    objects = objects_of("parallelism-slot")
    the(objects, "Workflow")["spec"]["parallelism"] = 1
    add_podless_step(objects, "part-2")
    [finding] = findings_of(run("parallelism-slot", objects), "part-2")
    assert finding.message == ("Workflow spec.parallelism allows 1 active pod and 2 are active (2 of them gated by "
                               "Kueue: part-0, part-1), so Argo has not created the pod of step part-2 yet.")


def test_suspend_counts_only_live_pods_and_what_their_admission_uses():
    objects = objects_of("suspended-workflow")
    node_named(objects, "a")["phase"] = "Succeeded"          # its pod still exists, its Workload still admitted
    workloads = [o for o in objects if o.get("kind") == "Workload"]
    for workload in workloads:
        workload["status"]["admission"]["podSetAssignments"][0]["resourceUsage"] = {"cpu": "3", "memory": "4Gi"}
    lead = ("Workflow train-s3u8d is suspended (spec.suspend: true), but Kueue knows nothing of Argo's suspend: Argo "
            "only stops creating new pods. 1 admitted pod (b) keeps running and holds ")
    [finding] = run("suspended-workflow", objects).findings
    assert finding.message == lead + "3 cpu, 4Gi memory of team-cq."
    for workload in workloads:       # no usage recorded: what the Workload asks for
        del workload["status"]["admission"]["podSetAssignments"][0]["resourceUsage"]
    [finding] = run("suspended-workflow", objects).findings
    assert finding.message == lead + "2 cpu, 4Gi memory of team-cq."


def test_a_preempted_step_outside_any_queue_names_its_own_template_in_the_fix():
    objects = objects_of("preempted-no-retry")
    for obj in objects:
        if obj.get("kind") == "Workload":
            obj["spec"]["queueName"] = ""
        if obj.get("kind") == "Pod":
            obj["metadata"]["labels"].pop("kueue.x-k8s.io/queue-name", None)
    [finding] = findings_of(run("preempted-no-retry", objects), "train")
    assert finding.code == "PreemptedNoRetry"
    assert finding.message.endswith("Queued templates without a retryStrategy: none.")
    assert finding.remedy == ('Add retryStrategy (e.g. limit: 3, retryPolicy: Always) to templates train or to '
                              'spec.retryStrategy, then resubmit; Always also retries an attempt that ends in Error '
                              '("pod deleted").')


def test_a_template_called_by_name_inside_a_workflow_template_is_found_in_its_scope():
    objects = objects_of("template-ref")
    train = node_named(objects, "train")
    train.update(templateName="gpu-train", templateScope="namespaced/ml-templates")
    train.pop("templateRef")
    the(objects, "Workflow")["status"]["storedTemplates"]["namespaced/ml-templates/gpu-train"]["timeout"] = "1h"
    diagnosis = run("template-ref", objects)
    assert codes_of(diagnosis, "train") == ["WaitingForQuota", "TimeoutWhileGated"]
    assert findings_of(diagnosis, "train")[1].evidence[0] == \
        "Workflow ml-team/ref-w8d2k spec.templates[name=gpu-train].timeout: 1h"
    train["templateScope"] = "local/ref-w8d2k"              # no gpu-train in the Workflow itself: no limit known
    assert codes_of(run("template-ref", objects), "train") == ["WaitingForQuota"]


# ---- the agent pod and LocalQueue defaulting -------------------------------------------------------

def test_an_agent_pod_labelled_default_by_the_workflow_was_not_defaulted():
    objects = objects_of("http-agent-gated")
    the(objects, "Workflow")["spec"]["podMetadata"]["labels"]["kueue.x-k8s.io/queue-name"] = "default"
    agent = next(o for o in objects if o.get("kind") == "Pod" and o["metadata"]["name"].endswith("-agent"))
    agent["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] = "default"
    queue = the(objects, "LocalQueue")
    objects.append(dict(queue, metadata=dict(queue["metadata"], name="default")))
    assert codes_of(run("http-agent-gated", objects), "fetch")[-1] == "AgentPodQueued"
    the(objects, "Workflow")["spec"]["podMetadata"]["labels"].pop("kueue.x-k8s.io/queue-name")
    assert codes_of(run("http-agent-gated", objects), "fetch")[-1] == "DefaultLocalQueue"


# ---- pod groups ----------------------------------------------------------------------------------------

def test_an_incomplete_group_names_only_its_members():
    objects = objects_of("pod-group-incomplete")
    shard = node_named(objects, "shard(0:0)")
    other = dict(shard, id="group-i4c8m-1", name="group-i4c8m.prep", displayName="prep", templateName="prep",
                 phase="Succeeded")
    the(objects, "Workflow")["status"]["nodes"][other["id"]] = other
    finding = findings_of(run("pod-group-incomplete", objects), "shard(0:0)")[0]
    assert finding.message.startswith(
        "Pod group-i4c8m-shard-3106895599 of step shard(0:0) belongs to pod group shards-i4c8m, which needs 4 pods "
        "(kueue.x-k8s.io/pod-group-total-count) but has 2 (shard(0:0), shard(1:1)). ")


def test_of_two_compose_events_from_other_pods_at_the_same_time_the_last_pod_name_wins():
    objects = [o for o in objects_of("pod-group-incomplete") if o.get("kind") != "Event"]

    def event(pod, text):
        return {"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"e-{pod}", "namespace": "ml-team"},
                "involvedObject": {"kind": "Pod", "name": pod}, "reason": "ErrWorkloadCompose", "type": "Warning",
                "message": f"'shards-i4c8m' group {text}", "lastTimestamp": "2026-08-24T10:04:00Z"}
    events = [event("b-pod", "from b"), event("c-pod", "from c"), event("a-pod", "from a")]
    finding = findings_of(run("pod-group-incomplete", objects + events), "shard(0:0)")[0]
    assert finding.evidence[0] == "Event Warning ErrWorkloadCompose on Pod ml-team/c-pod from ?: 'shards-i4c8m' " \
                                  "group from c"


# ---- namespaces Kueue does not manage ----------------------------------------------------------------

def test_pod_options_exclusion_without_a_managed_jobs_selector_quotes_no_selector():
    objects = objects_of("namespace-excluded")
    configmap = the(objects, "ConfigMap")
    key = "controller_manager_config.yaml"
    configmap["data"][key] = configmap["data"][key].replace(
        "managedJobsNamespaceSelector:\n  matchLabels:\n    kueue.x-k8s.io/managed-namespace: 'true'\n", "").replace(
        "integrations:\n", "integrations:\n  podOptions:\n    namespaceSelector:\n      matchLabels:\n"
                           "        team: ml\n")
    [finding] = findings_of(run("namespace-excluded", objects), "train")
    assert (finding.code, finding.evidence) == ("NamespaceNotManaged", [
        "Namespace ml-team metadata.labels: {kubernetes.io/metadata.name=ml-team}"])


# ---- who is ahead ------------------------------------------------------------------------------------

def test_a_pod_ahead_is_of_its_controller_only():
    related = {"other": {"metadata": {"name": "other", "ownerReferences": [
        "junk", {"kind": "ReplicaSet", "name": "not-the-controller"},
        {"kind": "ReplicaSet", "name": "web-7f9", "controller": True}]}},
               "free": {"metadata": {"name": "free", "ownerReferences": [{"kind": "ReplicaSet", "name": "rs"}]}}}
    ctx = ahead_context([], related=related)
    assert owner_of(visibility_item("pod-other", 0), ctx) == (None, "Pod ml-team/other of ReplicaSet web-7f9")
    assert owner_of(visibility_item("pod-free", 0), ctx) == (None, "Pod ml-team/free")


def test_explain_reads_the_owners_of_the_first_five_workloads_ahead():
    items = [visibility_item(f"pod-p{i}", i) for i in range(7)]
    snapshot = Snapshot(namespace="ml-team", pods=[{"metadata": {"name": "p1"}}],
                        pending_workloads={("ml-team", "user-queue"): items})
    assert explain_reads(snapshot).owner_pods == ["p0", "p2", "p3", "p4", "p5"]


# ---- the workflow's own findings ------------------------------------------------------------------------

def test_findings_of_an_unknown_severity_come_after_info():
    found = [Finding("X", "notice", ""), Finding("A", "info", ""), Finding("E", "error", "")]
    assert [f.code for f in _sorted(found)] == ["E", "A", "X"]


def test_a_steps_cluster_queue_comes_from_its_local_queue_until_it_is_admitted():
    from kubectl_kueue_argo.interpret.diagnose.context import DiagnosisContext
    from tests.unit.test_diagnose_context import diagnosis_report, snapshot
    ctx = DiagnosisContext(diagnosis_report("quota-wait"), snapshot("quota-wait"), None)
    step = SimpleNamespace(cluster_queue=None, local_queue="user-queue")
    assert ctx.cluster_queue_name(step) == "team-cq"


def test_a_pod_not_created_under_a_parallelism_with_room_left_is_not_blamed_on_it():
    objects = objects_of("parallelism-slot")
    the(objects, "Workflow")["spec"]["parallelism"] = 3
    add_podless_step(objects, "part-2")
    [finding] = findings_of(run("parallelism-slot", objects), "part-2")
    assert (finding.code, finding.message) == ("WaitingForPodCreation",
                                               "Argo has not created the pod of step part-2 yet.")
