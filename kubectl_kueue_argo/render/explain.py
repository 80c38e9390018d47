"""`explain WF` output: a block per step (state, cause, evidence, fix), then workflow-level findings.

Every string that came from the cluster goes through escape_terminal; colour only when asked.
"""
import textwrap

from kubectl_kueue_argo.render.forecast import forecast_line
from kubectl_kueue_argo.render.text import escape_terminal, paint, prose_duration

WIDTH = 100
SEVERITY_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def render_diagnosis_text(diagnosis, *, color=False):
    lines = [_headline(diagnosis, color)]
    for step_diagnosis in diagnosis.steps:
        lines.append("")
        lines.extend(_step_block(step_diagnosis, color))
    if not diagnosis.steps:
        lines.extend(["", "No unfinished steps."])
    if diagnosis.findings:
        lines.extend(["", paint("Workflow", "bold", color)])
        for finding in diagnosis.findings:
            lines.extend(_finding_lines(finding, color))
    return "\n".join(lines) + "\n"


def _headline(diagnosis, color):
    workflow = diagnosis.workflow
    phase = (workflow.get("phase") or "Pending") + (" (Suspended)" if workflow.get("suspended") else "")
    name = f"{workflow.get('namespace') or ''}/{workflow.get('name') or ''}"
    return (paint(f"Workflow {escape_terminal(name)}", "bold", color)
            + f": {escape_terminal(phase)}; {_counts(diagnosis)}")


def _counts(diagnosis):
    findings = diagnosis.all_findings()
    if not findings:
        return "nothing found"
    parts = []
    for severity in ("error", "warning", "info"):
        count = sum(1 for f in findings if f.severity == severity)
        if count:
            parts.append(f"{count} {severity}" + ("s" if count != 1 and severity != "info" else ""))
    return ", ".join(parts)


def _step_block(step_diagnosis, color):
    step = step_diagnosis.step
    lines = [paint(escape_terminal(step.display_name), "bold", color) + "  " + escape_terminal(_state_line(step))]
    if not step_diagnosis.findings:
        lines.append("  No problem found.")
    for finding in step_diagnosis.findings:
        lines.extend(_finding_lines(finding, color))
    if step.forecast is not None:      # explain WF computes start forecasts (interpret/forecast)
        lines.extend(_wrap(forecast_line(step.forecast), "  ", "    "))
    return lines


def _state_line(step):
    parts = [step.type, f"template {step.template_label}" if step.template_label else None, step.phase,
             f"Kueue {step.kueue_state}" + (f" ({step.reason})" if step.reason and step.reason != step.kueue_state else "")]
    queue = "/".join(q for q in (step.local_queue, step.cluster_queue) if q)
    if queue:
        parts.append(f"queue {queue}")
    if step.waited_seconds is not None and step.still_waiting:
        parts.append(f"waiting {prose_duration(step.waited_seconds)}")
    return " · ".join(p for p in parts if p)


def _finding_lines(finding, color):
    label = paint(f"[{finding.severity}]", SEVERITY_COLORS.get(finding.severity), color)
    lines = [f"  {label} {escape_terminal(finding.code)}"]
    lines.extend(_wrap(finding.message, "    ", "    "))
    if finding.evidence:
        lines.append("    Evidence:")
        for item in finding.evidence:
            lines.extend(_wrap(item, "      - ", "        "))
    if finding.remedy:
        lines.extend(_wrap("Fix: " + finding.remedy, "    ", "      "))
    return lines


def _wrap(text, first, rest):
    return textwrap.wrap(escape_terminal(text), width=WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


# ---- -o json / yaml -----------------------------------------------------------------------------

def diagnosis_document(diagnosis):
    workflow = diagnosis.workflow
    names = {d.step.node_id: d.step.display_name for d in diagnosis.steps}
    return {
        "workflow": {
            "name": workflow.get("name"), "namespace": workflow.get("namespace"), "phase": workflow.get("phase"),
            "suspended": bool(workflow.get("suspended")), "nodeStatus": workflow.get("nodeStatus"),
            "startedAt": workflow.get("startedAt"),
        },
        "findings": [_finding_document(f, names) for f in diagnosis.all_findings()],
        "steps": [{"nodeId": d.step.node_id, "displayName": d.step.display_name, "kueueState": d.step.kueue_state,
                   "findings": [f.code for f in d.findings]} for d in diagnosis.steps],
    }


def _finding_document(finding, names):
    return {"code": finding.code, "severity": finding.severity, "nodeId": finding.node_id,
            "step": names.get(finding.node_id), "message": finding.message, "evidence": list(finding.evidence),
            "remedy": finding.remedy}
