"""`explain WF`: for every unfinished step, its cause, the evidence and the fix (pure).

Input: the StatusReport of correlate.py (each step carries its cause, from cause.py), its Snapshot and
`now`. Output: a Diagnosis of Findings. primary.py explains each cause with the rules of kueue_rules.py
(queues, never fits), quota_rules.py (waits that end by themselves), admitted_rules.py (after admission),
webhook_rules.py (pods Kueue did not handle as queued pods) and argo_rules.py (Argo's rules meeting Kueue's).
"""
from dataclasses import dataclass, field
from typing import List

from kubectl_kueue_argo.interpret.status.correlate import StepStatus
from kubectl_kueue_argo.interpret.diagnose.argo_rules import (
    agent_pod_queued, parallelism_slot_held, preempted, suspend_not_understood, timeout_while_gated,
)
from kubectl_kueue_argo.interpret.diagnose.context import DiagnosisContext
from kubectl_kueue_argo.interpret.diagnose.primary import primary_finding
from kubectl_kueue_argo.interpret.diagnose.webhook_rules import default_local_queue
from kubectl_kueue_argo.model import Finding

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class StepDiagnosis:
    step: StepStatus
    findings: List[Finding] = field(default_factory=list)     # none for a finished step, unless preempted


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
    """Every step in tree order: its primary finding (its cause) and how Argo's rules meet it."""
    ctx = DiagnosisContext(report, snapshot, now)
    steps = [StepDiagnosis(step, step_findings(step, ctx)) for step in report.steps]
    workflow_findings = [f for f in (suspend_not_understood(ctx),) if f]
    workflow_findings += _report_findings(report, steps)
    return Diagnosis(workflow=dict(report.workflow), steps=steps, findings=_sorted(workflow_findings), now=now)


def step_findings(step, ctx):
    """The primary finding first (code = step.cause), then secondary ones; finished steps keep only
    what preemption did to them."""
    if step.cause is None:
        return [f for f in (preempted(step, ctx),) if f]
    found = [primary_finding(step, ctx)]
    found += [f for f in (agent_pod_queued(step, ctx), parallelism_slot_held(step, ctx),
                          timeout_while_gated(step, ctx), default_local_queue(step, ctx)) if f]
    return [f for f in found if f is not None]


def only_step(diagnosis, name):
    """The diagnosis of the one step called `name` (display name, node name or node ID), or None."""
    for step_diagnosis in diagnosis.steps:
        step = step_diagnosis.step
        if name in (step.display_name, step.name, step.node_id):
            return Diagnosis(workflow=diagnosis.workflow, steps=[step_diagnosis],
                             findings=[f for f in diagnosis.findings if f.node_id == step.node_id], now=diagnosis.now)
    return None


def _report_findings(report, steps):
    """The status report's own findings and read notes, minus what a step diagnosis already says."""
    said = {(f.code, f.node_id) for d in steps for f in d.findings}
    step_codes = {code for code, _ in said}
    return [f for f in report.findings
            if (f.code, f.node_id) not in said and not (f.node_id is None and f.code in step_codes)]


def _sorted(findings):
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
