"""Which steps `status WF --state/--cause/--queue/--waiting` shows (pure).

Like `argo get --status`, a filter hides rows, not facts: the header still counts every step, and
the tree keeps its shape (a hidden node's children are drawn in its place, as argo draws them).
Values of one flag are alternatives (OR); different flags must all hold (AND), as kueuectl's
`list workload --status a --status b --localqueue q` does.
"""
from dataclasses import dataclass
from typing import Optional, Tuple

from kubectl_kueue_argo.interpret.argo import workflow as argo
from kubectl_kueue_argo.interpret.status.correlate import StatusReport
from kubectl_kueue_argo.model import CAUSES, KUEUE_STATES


class FilterValueError(ValueError):
    """A value that is not one of the allowed ones; the message names the flag and the allowed values."""


@dataclass(frozen=True)
class StepFilter:
    states: Tuple[str, ...] = ()
    causes: Tuple[str, ...] = ()
    queues: Tuple[str, ...] = ()
    waiting: bool = False

    @property
    def active(self):
        return bool(self.states or self.causes or self.queues or self.waiting)

    def matches(self, step):
        if self.states and step.kueue_state not in self.states:
            return False
        if self.causes and step.cause not in self.causes:
            return False
        if self.queues and not ({step.local_queue, step.queue_name} & set(self.queues)):
            return False
        return not self.waiting or is_waiting(step)

    def describe(self):
        """`state Pending,Inadmissible; waiting`: what the header says the rows are limited to."""
        parts = [f"{label} {','.join(values)}" for label, values in
                 (("state", self.states), ("cause", self.causes), ("queue", self.queues)) if values]
        if self.waiting:
            parts.append("waiting")
        return "; ".join(parts)


def is_waiting(step):
    """Unfinished and not running: Argo still shows the node Pending, or Kueue still holds the pod."""
    if step.phase in argo.FINAL_PHASES:
        return False
    return step.phase == "Pending" or step.still_waiting


def parse_values(flag, values, allowed):
    """Comma-separated and repeatable values, matched case-insensitively to their canonical spelling."""
    canonical = {value.lower(): value for value in allowed}
    result = []
    for value in _split(values):
        known = canonical.get(value.lower())
        if known is None:
            raise FilterValueError(f'invalid value "{value}" for {flag}: allowed values are {", ".join(allowed)}')
        if known not in result:
            result.append(known)
    return tuple(result)


def step_filter(states=(), causes=(), queues=(), waiting=False):
    """A StepFilter from the flags' raw values; FilterValueError names a value that is not allowed."""
    return StepFilter(states=parse_values("--state", states, KUEUE_STATES),
                      causes=parse_values("--cause", causes, CAUSES),
                      queues=tuple(dict.fromkeys(_split(queues))), waiting=bool(waiting))


def _split(values):
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


@dataclass
class FilteredStatusReport(StatusReport):
    """A StatusReport limited to the matching steps; `summary` still counts them all."""

    step_filter: Optional[StepFilter] = None
    total_steps: int = 0


def filter_report(report, selection):
    """The report with only the steps `selection` matches, drawn in argo's filtered tree shape."""
    if selection is None or not selection.active:
        return report
    shown = [step for step in report.steps if selection.matches(step)]
    shown_ids = {step.node_id for step in shown}
    hidden = frozenset(node_id for node_id in report.nodes if node_id not in shown_ids)
    workflow_name = report.workflow.get("name") or ""
    if report.nodes:
        lines = argo.build_tree(workflow_name, report.nodes, hidden=hidden)
    else:  # a report made without its nodes: the matching lines as they are
        lines = [line for line in report.lines if line.node_id in shown_ids]
    findings = [finding for finding in report.findings if finding.node_id is None or finding.node_id in shown_ids]
    fields = {name: getattr(report, name) for name in StatusReport.__dataclass_fields__}
    fields.update(steps=shown, lines=lines, findings=findings)
    return FilteredStatusReport(**fields, step_filter=selection, total_steps=len(report.steps))
