"""interpret/diagnose*.py and render/explain.py: scenario objects as plain dicts, varied one fact at a time."""
import copy
import json

import pytest

from kubectl_kueue_argo.interpret.status.correlate import build_status_report
from kubectl_kueue_argo.interpret.diagnose.diagnosis import diagnose
from kubectl_kueue_argo.interpret.diagnose.context import parse_duration
from kubectl_kueue_argo.render.explain import diagnosis_document, render_diagnosis_text
from kubectl_kueue_argo.sources.files import FileCluster
from kubectl_kueue_argo.timeutil import parse_time
from tests.support.scenarios import load_scenario


def objects_of(name):
    return copy.deepcopy(load_scenario(name).objects)


def run(name, objects=None, now=None):
    scenario = load_scenario(name)
    objects = objects if objects is not None else objects_of(name)
    snapshot = FileCluster(objects).snapshot_for_workflow(scenario.expected["workflow"], scenario.expected["namespace"])
    clock = parse_time(now or scenario.expected["now"])
    return diagnose(build_status_report(snapshot, clock), snapshot, clock)


def by_code(diagnosis):
    found = {}
    for finding in diagnosis.all_findings():
        found.setdefault(finding.code, []).append(finding)
    return found


def the(objects, kind, name=None):
    return next(o for o in objects if o.get("kind") == kind and (name is None or o["metadata"]["name"] == name))


def cpu_quota(cluster_queue):
    return cluster_queue["spec"]["resourceGroups"][0]["flavors"][0]["resources"][0]


# ---- Kueue causes -------------------------------------------------------------------------------

def test_quota_wait_gives_shortage_position_ahead_and_cohort():
    finding = by_code(run("quota-wait"))["WaitingForQuota"][0]
    assert finding.severity == "info"
    for fact in ("3 cpu more", "asks for 4 cpu", "3rd in LocalQueue user-queue", "Pod ml-team/notebook-a-5xk2p",
                 "cohort ml-cohort", "up to 4 cpu"):
        assert fact in finding.message
    assert any("status.conditions[QuotaReserved].message" in line for line in finding.evidence)


QUOTA_WAIT_LEAD = ("Step train has waited for 7 minutes for quota in ClusterQueue team-cq: it asks for 4 cpu and needs 3 cpu "
    "more than flavor on-demand has unused. It is 3rd in LocalQueue user-queue (3rd in ClusterQueue team-cq). Ahead "
    "of it: 2 Workloads, none of them this workflow's steps; they are: Pod ml-team/notebook-a-5xk2p (created "
    "earlier), Pod ml-team/notebook-b-8mr4t (created earlier). ")


def test_quota_wait_says_when_the_cluster_queue_could_not_be_read():
    objects = [o for o in objects_of("quota-wait") if o.get("kind") != "ClusterQueue"]
    finding = by_code(run("quota-wait", objects))["WaitingForQuota"][0]
    assert finding.message == (
    QUOTA_WAIT_LEAD + "ClusterQueue team-cq could not be read, so its cohort and borrowing limits are unknown.")
    assert not any(line.startswith("ClusterQueue team-cq") for line in finding.evidence)


def test_a_long_wait_is_a_warning():
    finding = by_code(run("quota-wait", now="2026-08-24T13:00:00Z"))["WaitingForQuota"][0]
    assert finding.severity == "warning"


def test_request_above_nominal_plus_borrowing_limit_never_fits_even_with_a_waiting_message():
    objects = objects_of("quota-wait")
    cpu_quota(the(objects, "ClusterQueue"))["borrowingLimit"] = 0    # 3 + 0 < the 4 cpu asked
    cpu_quota(the(objects, "ClusterQueue"))["nominalQuota"] = 3
    finding = by_code(run("quota-wait", objects))["NeverFits"][0]
    assert finding.severity == "error"
    assert finding.message == ("Step train asks for 4 cpu, but ClusterQueue team-cq can give one Workload at most 3 "
                               "cpu (on-demand: nominal 3 cpu, borrowingLimit 0 cpu in cohort ml-cohort): it will "
                               "wait forever as configured.")
    assert finding.evidence[1] == ("ClusterQueue team-cq spec.resourceGroups (cpu): on-demand: nominal 3 cpu, "
                                   "borrowingLimit 0 cpu in cohort ml-cohort")
    assert finding.remedy == ("Ask a cluster admin to raise nominalQuota (or borrowingLimit) for cpu in ClusterQueue "
                              "team-cq to at least 4 cpu (Kueue retries when the ClusterQueue changes), or lower the "
                              "request of template train and resubmit.")


def test_unlimited_borrowing_in_a_cohort_is_not_never_fits():
    objects = objects_of("quota-wait")
    quota = cpu_quota(the(objects, "ClusterQueue"))
    quota.pop("borrowingLimit")
    quota["nominalQuota"] = 1
    codes = by_code(run("quota-wait", objects))
    assert set(codes) == {"WaitingForQuota"}
    assert codes["WaitingForQuota"][0].message == QUOTA_WAIT_LEAD + (
        "team-cq has 1 cpu nominal in on-demand and may borrow without limit from cohort ml-cohort; 9 cpu in use "
        "(1 cpu borrowed).")


@pytest.mark.parametrize("name, code", [("never-fits", "NeverFits"), ("never-fits-legacy", "NeverFits"),
                                        ("cq-stopped", "ClusterQueueStopped"), ("lq-inactive", "ClusterQueueInactive"),
                                        ("namespace-mismatch", "NamespaceNotSelected"),
                                        ("missing-local-queue", "LocalQueueMissing"),
                                        ("gate-not-removed", "GateNotRemoved"),
                                        ("awaiting-workload", "PodIntegrationDisabled")])
def test_blocking_causes_are_errors(name, code):
    diagnosis = run(name)
    assert [f.severity for f in by_code(diagnosis)[code]] == ["error"]
    assert diagnosis.has_errors()


def test_inactive_local_queue_without_stop_policy_is_inactive_not_stopped():
    objects = objects_of("lq-inactive")
    queue = the(objects, "LocalQueue")
    queue["spec"]["stopPolicy"] = "None"
    queue["status"]["conditions"][0].update(reason="Unknown", message="something else")
    codes = by_code(run("lq-inactive", objects))
    assert set(codes) == {"ClusterQueueInactive"}
    finding = codes["ClusterQueueInactive"][0]
    assert finding.message == (
        "ClusterQueue team-cq is inactive (Active=False, reason FlavorNotFound: Can't admit new workloads: references "
        "missing ResourceFlavor(s): [on-demand]), so it admits nothing: it references ResourceFlavor on-demand, which "
        "does not exist. Step train waits until it is active again.")
    assert finding.evidence[1:] == [
        "ClusterQueue team-cq status.conditions[Active]: False reason FlavorNotFound (Can't admit new workloads: "
        "references missing ResourceFlavor(s): [on-demand].)",
        "LocalQueue ml-team/user-queue status.conditions[Active]: False reason Unknown (something else)"]
    assert finding.remedy == ("Ask a cluster admin to create ResourceFlavor on-demand (or remove it from ClusterQueue "
                              "team-cq); Kueue activates the ClusterQueue as soon as it exists.")


def test_missing_local_queue_suggests_the_closest_name():
    finding = by_code(run("missing-local-queue"))["LocalQueueMissing"][0]
    assert "Did you mean user-queue?" in finding.message
    assert "spec.templates[name=train].metadata.labels" in finding.remedy


def test_gate_not_removed_is_said_once():
    assert len(by_code(run("gate-not-removed"))["GateNotRemoved"]) == 1


def test_awaiting_workload_with_pod_listed_blames_the_controller():
    objects = objects_of("awaiting-workload")
    configmap = the(objects, "ConfigMap")
    key = "controller_manager_config.yaml"
    configmap["data"][key] = configmap["data"][key].replace("  - deployment\n", "  - pod\n  - deployment\n")
    finding = by_code(run("awaiting-workload", objects))["WorkloadNotCreated"][0]
    assert (finding.severity, finding.message) == ("error", (
        "Pod train-a1w7c-train-807286989 of step train has been gated by Kueue for 10 minutes, but no Workload exists "
        "for it: the Kueue controller is not reconciling it. The configuration looks right (integrations.frameworks "
        "lists \"pod\"), so the controller may be down, crash-looping or far behind."))
    assert finding.remedy == ("Check the kueue-controller-manager Deployment in kueue-system and its logs for errors "
                              "about pod ml-team/train-a1w7c-train-807286989.")


def test_awaiting_workload_without_config_cannot_check():
    finding = by_code(run("awaiting-workload-no-config"))["WorkloadNotCreated"][0]
    assert finding.severity == "error" and "could not be checked" in finding.message


def test_unlabelled_pods_are_told_where_the_label_goes():
    findings = by_code(run("unlabelled-pods"))["NoQueueLabel"]
    assert findings and all("spec.podMetadata.labels" in f.remedy for f in findings)
    assert any("user-queue" in f.remedy for f in findings)


def test_default_local_queue_is_pointed_out():
    finding = by_code(run("default-lq"))["DefaultLocalQueue"][0]
    assert finding.severity == "info" and "LocalQueue default" in finding.message


# ---- Argo causes --------------------------------------------------------------------------------

def test_pods_never_created():
    findings = by_code(run("never-created"))["WaitingForPodCreation"]
    lock, quota = sorted(findings, key=lambda f: f.severity)
    assert lock.severity == "info" and "waits for the Argo lock mylock, held by ml-team/etl-7g2kd" in lock.message
    assert quota.severity == "warning" and "ResourceQuota compute-resources refused" in quota.message


def test_parallelism_slot_held_by_gated_pods():
    findings = by_code(run("parallelism-slot"))["ParallelismSlotHeld"]
    assert len(findings) == 2 and all("parallelism is 2" in f.message for f in findings)


def test_timeout_left_and_timeout_passed():
    assert "3 minutes left" in by_code(run("pending-timeout"))["TimeoutWhileGated"][0].message
    late = by_code(run("pending-timeout", now="2026-08-24T10:12:00Z"))["TimeoutWhileGated"][0]
    assert (late.severity, late.message) == ("error", (
        "Template train has timeout 10m, counted from the node's start (2026-08-24T10:00:00Z) even while the pod is "
        "gated by Kueue: the limit passed 2 minutes ago, so Argo deletes the pod and fails the step with \"timeout\" "
        "at its next reconcile."))


def test_workflow_deadline_counts_from_the_workflow_start():
    objects = objects_of("quota-wait")
    the(objects, "Workflow")["spec"]["activeDeadlineSeconds"] = 600
    finding = by_code(run("quota-wait", objects))["TimeoutWhileGated"][0]
    assert (finding.severity, finding.message) == ("warning", (
        "Workflow spec.activeDeadlineSeconds is 600, counted from the workflow's start (2026-08-24T10:01:00Z) even "
        "while the pod is gated by Kueue: 3 minutes left before Argo fails the step (\"Step exceeded its deadline\")."))
    assert finding.evidence == ["Workflow ml-team/train-q2w8e spec.activeDeadlineSeconds: 600",
                                "Pod ml-team/train-q2w8e-train-1023923159 spec.schedulingGates: kueue.x-k8s.io/admission, "
                                "kueue.x-k8s.io/topology"]


def test_suspended_workflow_holding_quota():
    finding = by_code(run("suspended-workflow"))["SuspendNotUnderstood"][0]
    assert finding.node_id is None and "4 cpu" in finding.message and "a, b" in finding.message


def test_preempted_without_retry_and_with_retry():
    finding = by_code(run("preempted-no-retry"))["PreemptedNoRetry"][0]
    assert finding.severity == "error" and "Queued templates without a retryStrategy: train" in finding.message
    objects = objects_of("preempted-no-retry")
    the(objects, "Workflow")["spec"]["retryStrategy"] = {"limit": 2, "retryPolicy": "Always"}
    [finding] = run("preempted-no-retry", objects).all_findings()
    assert (finding.code, finding.severity, finding.message) == ("PreemptedWillRetry", "info", (
        "Kueue evicted Workload pod-train-p7e3n-train-1354518077-ad8b9 of step train (Preempted, InClusterQueue) and "
        "deletes its pod; the template's retryStrategy makes Argo run a new attempt, which queues again."))
    assert finding.remedy == "Nothing to do, unless retryPolicy excludes the phase the attempt ended in."


def test_agent_pod_queued():
    finding = by_code(run("http-agent-gated"))["AgentPodQueued"][0]
    assert "spec.podMetadata" in finding.remedy


def test_finished_steps_have_no_cause_and_no_findings_and_are_not_printed():
    diagnosis = run("missing-local-queue")
    assert [(d.step.display_name, d.step.cause, [f.code for f in d.findings]) for d in diagnosis.steps] == \
        [("prep", None, []), ("train", "LocalQueueMissing", ["LocalQueueMissing"])]
    assert "\nprep  " not in render_diagnosis_text(diagnosis)


@pytest.mark.parametrize("text, seconds", [("10m", 600), ("1h30m", 5400), ("90", 90), (45, 45), ("1.5s", 1.5),
                                           ("{{inputs.parameters.t}}", None), ("10x", None), (None, None)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


# ---- rendering ----------------------------------------------------------------------------------

def test_json_document_contract():
    document = diagnosis_document(run("parallelism-slot"))
    json.dumps(document)
    assert set(document) == {"workflow", "findings", "steps"}
    for finding in document["findings"]:
        assert set(finding) == {"code", "severity", "nodeId", "step", "message", "evidence", "remedy"}
    step = document["steps"][0]
    assert set(step) == {"nodeId", "name", "displayName", "type", "phase", "kueueState", "cause", "reason", "podName",
                         "workload", "localQueue", "clusterQueue", "position", "findings"}
    assert step["findings"] == ["WaitingForQuota", "ParallelismSlotHeld"] and step["cause"] == "WaitingForQuota"


def test_text_escapes_cluster_text_and_colours_only_when_asked():
    objects = objects_of("never-created")
    nodes = the(objects, "Workflow")["status"]["nodes"]
    blocked = next(n for n in nodes.values() if n.get("displayName") == "quota-blocked")
    blocked["message"] = "exceeded quota: evil\x1b[31m, boom"
    diagnosis = run("never-created", objects)
    plain = render_diagnosis_text(diagnosis, color=False)
    assert "\x1b" not in plain and "^[[31m" in plain
    assert all(len(line) <= 100 for line in plain.splitlines())
    coloured = render_diagnosis_text(diagnosis, color=True)
    assert "\x1b[33m[warning]\x1b[0m" in coloured
