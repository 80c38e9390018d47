"""`explain WF`: for every unfinished step, why it waits, the evidence and the remedy (pure).

Input: the StatusReport of correlate.py, its Snapshot and `now`. Output: a Diagnosis of Findings.
The rules live in kueue_rules.py (queues and quota), webhook_rules.py (pods Kueue did not handle
as expected) and argo_rules.py (Argo's rules meeting Kueue's).
"""
from dataclasses import dataclass, field
from typing import List

from kubectl_kueue_argo.interpret.argo import workflow as argo
from kubectl_kueue_argo.interpret.status.correlate import StepStatus
from kubectl_kueue_argo.interpret.diagnose.argo_rules import (
    agent_pod_queued, no_pod_findings, parallelism_slot_held, preempted, suspend_not_understood,
    timeout_while_gated,
)
from kubectl_kueue_argo.interpret.diagnose.context import DiagnosisContext
from kubectl_kueue_argo.interpret.diagnose.kueue_rules import kueue_findings
from kubectl_kueue_argo.interpret.diagnose.webhook_rules import default_local_queue
from kubectl_kueue_argo.model import Finding

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class StepDiagnosis:
    step: StepStatus
    findings: List[Finding] = field(default_factory=list)


@dataclass
class Diagnosis:
    workflow: dict
    steps: List[StepDiagnosis]
    findings: List[Finding]        # workflow-level
    now: object = None

    def all_findings(self):
        return [f for diagnosis in self.steps for f in diagnosis.findings] + list(self.findings)

    def has_errors(self):
        return any(f.severity == "error" for f in self.all_findings())


def diagnose(report, snapshot, now):
    ctx = DiagnosisContext(report, snapshot, now)
    steps = []
    for step in report.steps:
        findings = step_findings(step, ctx)
        if _unfinished(step) or findings:
            steps.append(StepDiagnosis(step, findings))
    workflow_findings = [f for f in (suspend_not_understood(ctx),) if f]
    workflow_findings += _report_findings(report, steps)
    return Diagnosis(workflow=dict(report.workflow), steps=steps, findings=_sorted(workflow_findings), now=now)


def step_findings(step, ctx):
    """Every cause found for one step; finished steps only keep preemption facts."""
    if not _unfinished(step):
        return [f for f in (preempted(step, ctx),) if f]
    found = []
    if step.pod is None:
        found += no_pod_findings(step, ctx)
    else:
        found += kueue_findings(step, ctx)
    found += [f for f in (agent_pod_queued(step, ctx), parallelism_slot_held(step, ctx),
                          timeout_while_gated(step, ctx), preempted(step, ctx), default_local_queue(step, ctx)) if f]
    return found      # the main cause first, then how Argo's rules interact with it


def _unfinished(step):
    return step.phase not in argo.FINAL_PHASES


def _report_findings(report, steps):
    """The status report's own findings and read notes, minus what a step diagnosis already says."""
    said = {(f.code, f.node_id) for d in steps for f in d.findings}
    step_codes = {code for code, _ in said}
    return [f for f in report.findings
            if (f.code, f.node_id) not in said and not (f.node_id is None and f.code in step_codes)]


def _sorted(findings):
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
