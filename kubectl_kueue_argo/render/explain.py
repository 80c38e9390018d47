"""`explain WF` output: a block per cause (steps with the same diagnosis grouped), each with its
evidence and fix, then workflow-level findings; and the -o json/yaml document (every step).

Every string that came from the cluster goes through escape_terminal; colour only when asked.
"""
import textwrap

from kubectl_kueue_argo.render.forecast import forecast_line
from kubectl_kueue_argo.render.text import escape_terminal, paint, prose_duration

WIDTH = 100
MAX_LINES = 100          # default text budget; --all prints everything
GROUP_MIN = 3            # identical diagnoses of this many steps or more become one block
NAMES_SHOWN = 5
SEVERITY_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def render_diagnosis_text(diagnosis, *, color=False, width=WIDTH, show_all=False, max_lines=MAX_LINES):
    writer = _Writer(width, color)
    head = [writer.plain(_headline(diagnosis), bold=True)]
    causes = _cause_counts(diagnosis)
    if causes:
        head += writer.wrap("Causes: " + causes, "", "  ")
    blocks = [_block(group, writer) for group in _groups(diagnosis, show_all)]
    if not blocks:
        blocks = [["No unfinished steps."]]
    tail = []
    if diagnosis.findings:
        tail = ["", paint("Workflow", "bold", color)]
        for finding in diagnosis.findings:
            tail.extend(_finding_lines(finding, writer))
    lines = head + _fit(blocks, tail, max_lines - len(head), show_all)
    return "\n".join(lines) + "\n"


def _fit(blocks, tail, budget, show_all):
    """The blocks (most severe first) that fit the line budget, then a note on what was left out."""
    lines, shown = [], 0
    for block in blocks:
        if not show_all and shown and len(lines) + len(block) + 1 + len(tail) + 2 > budget:
            break
        lines += [""] + block
        shown += 1
    left = blocks[shown:]
    if left:
        steps = sum(block_steps for block_steps in (getattr(b, "steps", 1) for b in left))
        lines += ["", f"... {len(left)} more block{'s' if len(left) != 1 else ''} ({steps} "
                      f"step{'s' if steps != 1 else ''}) not shown: use --all to see every step, or --step NAME."]
    return lines + tail


class _Writer:
    def __init__(self, width, color):
        self.width = max(40, width or WIDTH)
        self.color = color

    def plain(self, text, bold=False):
        return paint(escape_terminal(text), "bold", self.color) if bold else escape_terminal(text)

    def wrap(self, text, first, rest):
        return textwrap.wrap(escape_terminal(text), width=self.width, initial_indent=first, subsequent_indent=rest,
                             break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


class _Block(list):
    steps = 1


# ---- grouping -----------------------------------------------------------------------------------

class _Group:
    def __init__(self, diagnoses):
        self.diagnoses = diagnoses

    @property
    def first(self):
        return self.diagnoses[0]

    @property
    def severity(self):
        return min((SEVERITY_ORDER.get(f.severity, 3) for d in self.diagnoses for f in d.findings), default=3)


def _groups(diagnosis, show_all):
    """Steps with findings (every unfinished one has its cause; with show_all every step) grouped by
    identical diagnosis, most severe first."""
    shown = [d for d in diagnosis.steps if d.findings or show_all]
    if show_all:
        groups = [_Group([d]) for d in shown]
    else:
        by_key = {}
        for d in shown:
            by_key.setdefault(_group_key(d), []).append(d)
        groups = []
        for members in by_key.values():
            if len(members) >= GROUP_MIN:
                groups.append(_Group(members))
            else:
                groups.extend(_Group([d]) for d in members)
        order = {id(d): index for index, d in enumerate(shown)}
        groups.sort(key=lambda g: order[id(g.first)])
    return sorted(groups, key=lambda g: (g.severity, g.first.step.cause == "Running"))   # what runs, last


def _group_key(step_diagnosis):
    step = step_diagnosis.step
    return (step.cause, step.type, step.template_label, step.local_queue, step.cluster_queue, step.kueue_state,
            step.reason, tuple((f.code, f.severity) for f in step_diagnosis.findings))


# ---- blocks -------------------------------------------------------------------------------------

def _block(group, writer):
    first = group.first
    block = _Block()
    if len(group.diagnoses) == 1:
        block.extend(writer.wrap(first.step.display_name + "  " + _state_line(first.step), "", "    "))
        if writer.color:
            block[0] = block[0].replace(escape_terminal(first.step.display_name), writer.plain(
                first.step.display_name, bold=True), 1)
    else:
        block.steps = len(group.diagnoses)
        block.extend(writer.wrap(f"{len(group.diagnoses)} steps  " + _state_line(first.step, grouped=True), "", "    "))
        names = [d.step.display_name for d in group.diagnoses]
        shown = ", ".join(names[:NAMES_SHOWN]) + (f" and {len(names) - NAMES_SHOWN} more"
                                                  if len(names) > NAMES_SHOWN else "")
        block.extend(writer.wrap("Steps: " + shown, "  ", "    "))
        positions = _positions(group)
        if positions:
            block.extend(writer.wrap(positions, "  ", "    "))
        block.extend(writer.wrap(f"For example, step {first.step.display_name}:", "  ", "    "))
    if first.step.forecast is not None:      # explain WF computes start forecasts (interpret/forecast)
        block.extend(writer.wrap(forecast_line(first.step.forecast), "  ", "    "))
    if not first.findings:        # a finished step (--all, --step): what became of it
        block.extend(writer.wrap(first.step.message or f"{first.step.phase}.", "  ", "  "))
    for finding in first.findings:
        block.extend(_finding_lines(finding, writer))
    return block


def _positions(group):
    local = sorted({d.step.position.local_queue for d in group.diagnoses
                    if d.step.position and d.step.position.local_queue})
    if not local:
        return None
    cluster = sorted({d.step.position.cluster_queue for d in group.diagnoses
                      if d.step.position and d.step.position.cluster_queue})
    text = f"Positions held in LocalQueue {group.first.step.local_queue}: {_span(local)}"
    if cluster:
        text += f" (ClusterQueue {group.first.step.cluster_queue}: {_span(cluster)})"
    return text


def _span(numbers):
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(map(str, numbers[:NAMES_SHOWN])) + (" ..." if len(numbers) > NAMES_SHOWN else "")


def _headline(diagnosis):
    workflow = diagnosis.workflow
    phase = (workflow.get("phase") or "Pending") + (" (Suspended)" if workflow.get("suspended") else "")
    name = f"{workflow.get('namespace') or ''}/{workflow.get('name') or ''}"
    return f"Workflow {name}: {phase}; {_counts(diagnosis)}"


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


def _cause_counts(diagnosis):
    counts = {}
    for d in diagnosis.steps:
        if d.step.cause:
            counts[d.step.cause] = counts.get(d.step.cause, 0) + 1
    return ", ".join(f"{count} {cause}" for cause, count in sorted(counts.items(), key=lambda item: -item[1]))


def _state_line(step, grouped=False):
    parts = [step.type, f"template {step.template_label}" if step.template_label else None,
             step.phase, f"cause {step.cause}" if step.cause else None,
             f"Kueue {step.kueue_state}" + (f" ({step.reason})" if step.reason and step.reason != step.kueue_state else "")]
    queue = "/".join(q for q in (step.local_queue, step.cluster_queue) if q)
    if queue:
        parts.append(f"queue {queue}")
    if step.waited_seconds is not None and step.still_waiting and not grouped:
        parts.append(f"waiting {prose_duration(step.waited_seconds)}")
    return " · ".join(p for p in parts if p)


def _finding_lines(finding, writer):
    label = paint(f"[{finding.severity}]", SEVERITY_COLORS.get(finding.severity), writer.color)
    lines = [f"  {label} {escape_terminal(finding.code)}"]
    lines.extend(writer.wrap(finding.message, "    ", "    "))
    if finding.evidence:
        lines.append("    Evidence:")
        for item in finding.evidence:
            lines.extend(writer.wrap(item, "      - ", "        "))
    if finding.remedy:
        lines.extend(writer.wrap("Fix: " + finding.remedy, "    ", "      "))
    return lines


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
        "steps": [_step_document(d) for d in diagnosis.steps],
    }


def _step_document(step_diagnosis):
    step = step_diagnosis.step
    return {"nodeId": step.node_id, "name": step.name, "displayName": step.display_name, "type": step.type,
            "phase": step.phase, "kueueState": step.kueue_state, "cause": step.cause, "reason": step.reason,
            "podName": step.pod_name, "workload": step.workload_name, "localQueue": step.local_queue,
            "clusterQueue": step.cluster_queue,
            "position": step.position.as_dict() if step.position else None,
            "findings": [f.code for f in step_diagnosis.findings]}


def _finding_document(finding, names):
    return {"code": finding.code, "severity": finding.severity, "nodeId": finding.node_id,
            "step": names.get(finding.node_id), "message": finding.message, "evidence": list(finding.evidence),
            "remedy": finding.remedy}
