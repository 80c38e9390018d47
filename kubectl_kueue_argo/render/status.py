"""The `status WF` view: a header block like `argo get`, then one row per node of the tree."""
from kubectl_kueue_argo.render.table import format_table
from kubectl_kueue_argo.render.text import escape_terminal, human_duration, ordinal, paint
from kubectl_kueue_argo.timeutil import format_time, parse_time, seconds_between

ASCII_GLYPHS = {" ": " ", "├─": "|-", "└─": "`-", "│ ": "| ", "  ": "  ", "┬─": "+-", "──": "--"}
PHASE_ICONS = {"Pending": "◷", "Running": "●", "Succeeded": "✔", "Skipped": "○", "Failed": "✖", "Error": "⚠", "Omitted": ""}
PHASE_COLORS = {"Pending": "yellow", "Running": "cyan", "Succeeded": "green", "Failed": "red", "Error": "red"}
STATE_COLORS = {"Pending": "yellow", "AwaitingWorkload": "yellow", "Inadmissible": "red", "Evicted": "red",
                "QuotaReserved": "cyan", "Admitted": "green", "Finished": "dim", "Unmanaged": "magenta", "NoPod": "dim"}
SUMMARY_PHRASES = (
    ("Pending", "waiting for quota"), ("Inadmissible", "inadmissible"), ("AwaitingWorkload", "awaiting a Workload"),
    ("Evicted", "evicted"), ("QuotaReserved", "waiting for admission checks"), ("Admitted", "admitted"),
    ("Finished", "finished"), ("Unmanaged", "not managed by Kueue"), ("NoPod", "without a pod"),
)
BASE_HEADERS = ["STEP", "TEMPLATE", "PHASE", "POD", "QUEUE", "KUEUE", "WAITED", "MESSAGE"]
WIDE_HEADERS = ["CAUSE", "WORKLOAD", "CLUSTERQUEUE", "FLAVORS", "LQ-POS", "CQ-POS", "NODE"]
_FLAVOR_PREFIX = ("couldn't assign flavors to pod set main: ", "failed to assign flavors to pod set main: ")


def render_status(report, *, wide=False, no_headers=False, color=False, utf8=True):
    parts = []
    if not no_headers:
        parts.append(render_header(report, color=color))
        parts.append("")
    parts.append(render_step_table(report, wide=wide, no_headers=no_headers, color=color, utf8=utf8))
    notes = render_findings_footer(report, color=color)
    if notes and not no_headers:
        parts.extend(["", notes])
    return "\n".join(parts).rstrip("\n") + "\n"


def render_header(report, *, color=False):
    workflow = report.workflow
    now = report.now
    status = workflow.get("phase") or "Pending"
    if workflow.get("suspended"):
        status += " (Suspended)"
    rows = [
        ("Name:", workflow.get("name")),
        ("Namespace:", workflow.get("namespace")),
        ("Status:", status),
        ("Suspended:", "true" if workflow.get("suspended") else "false"),
    ]
    if workflow.get("message"):
        rows.append(("Message:", workflow.get("message")))
    created = parse_time(workflow.get("created"))
    if created:
        rows.append(("Created:", f"{workflow.get('created')} ({human_duration(seconds_between(created, now))} ago)"))
    started = parse_time(workflow.get("startedAt"))
    if started:
        finished = parse_time(workflow.get("finishedAt")) or now
        rows.append(("Duration:", human_duration(seconds_between(started, finished))))
    rows.append(("Node status:", workflow.get("nodeStatus")))
    if report.snapshot is not None and report.snapshot.source == "files":
        rows.append(("Snapshot time:", f"{format_time(now)} (the latest timestamp in the files)"))
    rows.append(("Queueing:", summary_sentence(report)))
    return "\n".join(f"{label:<20} {escape_terminal(value)}" for label, value in rows if value is not None)


def summary_sentence(report):
    if report.snapshot is not None and report.snapshot.kueue_installed is False:
        return "Kueue is not installed, so no step is queued"
    total = len(report.steps)
    if not total:
        return "no steps yet"
    phrases = []
    for state, phrase in SUMMARY_PHRASES:
        count = report.summary.get(state, 0)
        if count:
            noun = "step" if count == 1 else "steps"
            phrases.append(f"{count} {noun} {phrase}" if not phrases else f"{count} {phrase}")
    return ", ".join(phrases)


def render_step_table(report, *, wide=False, no_headers=False, color=False, utf8=True):
    headers = BASE_HEADERS + (WIDE_HEADERS if wide else [])
    rows = []
    for line in report.lines:
        step = report.step_for(line.node_id)
        rows.append(_row(line, step, report, wide=wide, color=color, utf8=utf8))
    if not rows:
        return "No steps found." if not no_headers else ""
    return format_table(headers, rows, no_headers=no_headers)


def _row(line, step, report, *, wide, color, utf8):
    node = line.node or {}
    glyphs = "".join(line.glyphs if utf8 else (ASCII_GLYPHS.get(glyph, glyph) for glyph in line.glyphs))
    phase = str(node.get("phase") or "Pending")
    icon = _icon(node, phase, utf8)
    name = escape_terminal(node.get("displayName") or node.get("name") or line.node_id)
    step_cell = f"{glyphs if glyphs else ' '}{paint(icon, PHASE_COLORS.get(phase), color)} {name}"
    template = escape_terminal(_template_cell(node))
    if step is None:
        cells = [step_cell, template, phase, "", "", "", "", escape_terminal(node.get("message") or "")]
        return cells + ([""] * len(WIDE_HEADERS) if wide else [])
    waited = human_duration(step.waited_seconds) if step.waited_seconds is not None else ""
    if step.still_waiting and waited:
        waited += "+"
    cells = [
        step_cell, template, phase, escape_terminal(step.pod_name or ""), escape_terminal(step.local_queue or ""),
        paint(step.kueue_state, STATE_COLORS.get(step.kueue_state), color), waited,
        escape_terminal(step_message(step)),
    ]
    if wide:
        position = step.position
        cells += [
            step.cause or "", escape_terminal(step.workload_name or ""), escape_terminal(step.cluster_queue or ""),
            escape_terminal(",".join(sorted({str(flavor) for flavor in step.flavors.values()}))),
            str(position.local_queue) if position and position.local_queue else "",
            str(position.cluster_queue) if position and position.cluster_queue else "",
            escape_terminal(step.host_node or ""),
        ]
    return cells


def _template_cell(node):
    ref = node.get("templateRef") or {}
    if ref.get("name"):
        return f"{ref.get('name')}/{ref.get('template', '')}"
    return node.get("templateName") or ""


def _icon(node, phase, utf8):
    if node.get("type") == "Suspend" and phase == "Running":
        return "ǁ" if utf8 else "Suspend"
    if utf8:
        return PHASE_ICONS.get(phase, "")
    return phase


_ROUTINE = {("Admitted", "Admitted"), ("Finished", "Succeeded")}


def step_message(step):
    """The MESSAGE cell: queue position first, then why; nothing for the routine states."""
    if (step.kueue_state, step.reason) in _ROUTINE:
        return ""
    message = step.message or ""
    if step.kueue_state == "Unmanaged" and step.phase == "Pending" and step.node_message:
        return f"{step.node_message} (not managed by Kueue: {message})"
    for prefix in _FLAVOR_PREFIX:
        if message.startswith(prefix):
            message = message[len(prefix):]
    position = step.position
    if position and position.local_queue:
        where = f"{ordinal(position.local_queue)} in {step.local_queue}"
        return f"{where}: {message}" if message else where
    return message


def render_findings_footer(report, *, color=False):
    lines = []
    for finding in report.findings:
        label = {"error": paint("Error:", "red", color), "warning": paint("Warning:", "yellow", color)}.get(
            finding.severity, "Note:")
        lines.append(f"{label} {escape_terminal(finding.message)}")
    return "\n".join(lines)
