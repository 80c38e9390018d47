"""The `status WF` view: a header block like `argo get`, then one row per node of the tree."""
from dataclasses import dataclass
from typing import Callable, Optional

from kubectl_kueue_argo.render.forecast import starts_cell
from kubectl_kueue_argo.render.table import fit_to_width, format_table, truncate
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
_FLAVOR_PREFIX = ("couldn't assign flavors to pod set main: ", "failed to assign flavors to pod set main: ")


@dataclass(frozen=True)
class Column:
    """One column of the step table. `cell(row)` gives its plain text (escaped); `color(row)` its
    colour. `shrink_to` > 0: on a terminal the column may be cut to that many cells with …
    (the columns listed first in SHRINK_ORDER give up width first)."""

    header: str
    cell: Callable[["_Row"], str]
    color: Callable[["_Row"], Optional[str]] = lambda row: None
    shrink_to: int = 0


@dataclass
class _Row:
    line: object
    step: object
    utf8: bool

    @property
    def node(self):
        return self.line.node or {}


def _step_cell(row):
    node = row.node
    glyphs = "".join(row.line.glyphs if row.utf8 else (ASCII_GLYPHS.get(glyph, glyph) for glyph in row.line.glyphs))
    name = escape_terminal(node.get("displayName") or node.get("name") or row.line.node_id)
    return f"{glyphs if glyphs else ' '}{_icon(node, _phase(row), row.utf8)} {name}"


def _phase(row):
    return str(row.node.get("phase") or "Pending")


def _waited(row):
    step = row.step
    if step is None or step.waited_seconds is None:
        return ""
    return human_duration(step.waited_seconds) + ("+" if step.still_waiting else "")


def _message(row):
    if row.step is None:
        return escape_terminal(row.node.get("message") or "")
    return escape_terminal(step_message(row.step))


def _of_step(read):
    """A cell read from the step; empty on rows that are not steps (the workflow, DAG and Steps nodes)."""
    return lambda row: escape_terminal(read(row.step) or "") if row.step is not None else ""


def _position(read):
    return _of_step(lambda step: str(read(step.position)) if step.position and read(step.position) else "")


STEP = Column("STEP", _step_cell, shrink_to=24)
TEMPLATE = Column("TEMPLATE", lambda row: escape_terminal(_template_cell(row.node)), shrink_to=12)
PHASE = Column("PHASE", _phase)
POD = Column("POD", _of_step(lambda step: step.pod_name), shrink_to=20)
QUEUE = Column("QUEUE", _of_step(lambda step: step.local_queue), shrink_to=10)
KUEUE = Column("KUEUE", _of_step(lambda step: step.kueue_state),
               color=lambda row: STATE_COLORS.get(row.step.kueue_state) if row.step else None)
WAITED = Column("WAITED", _waited)
MESSAGE = Column("MESSAGE", _message, shrink_to=20)
WORKLOAD = Column("WORKLOAD", _of_step(lambda step: step.workload_name), shrink_to=20)
CLUSTERQUEUE = Column("CLUSTERQUEUE", _of_step(lambda step: step.cluster_queue), shrink_to=12)
FLAVORS = Column("FLAVORS", _of_step(lambda step: ",".join(sorted({str(flavor) for flavor in step.flavors.values()}))))
LQ_POS = Column("LQ-POS", _position(lambda position: position.local_queue))
CQ_POS = Column("CQ-POS", _position(lambda position: position.cluster_queue))
NODE = Column("NODE", _of_step(lambda step: step.host_node), shrink_to=12)
CAUSE = Column("CAUSE", _of_step(lambda step: step.cause))
STARTS = Column("STARTS", _of_step(starts_cell))      # status --forecast, right after WAITED

# The default fits 80 columns for usual names: the phase is the STEP icon, the template and the pod
# are in -o wide, which has every column (`argo get -o wide`'s first).
TABLE_COLUMNS = (STEP, QUEUE, KUEUE, WAITED, MESSAGE)
WIDE_COLUMNS = (STEP, TEMPLATE, PHASE, POD, QUEUE, KUEUE, WAITED, MESSAGE, CAUSE,
                WORKLOAD, CLUSTERQUEUE, FLAVORS, LQ_POS, CQ_POS, NODE)
SHRINK_ORDER = (WORKLOAD, POD, TEMPLATE, MESSAGE, QUEUE, CLUSTERQUEUE, NODE, STEP)
BASE_HEADERS = [column.header for column in TABLE_COLUMNS]
WIDE_HEADERS = [column.header for column in WIDE_COLUMNS if column not in TABLE_COLUMNS]


def status_columns(wide=False, extra=()):
    """The columns of the step table; `extra` (column, after header) pairs insert optional ones."""
    columns = list(WIDE_COLUMNS if wide else TABLE_COLUMNS)
    for column, after in extra:
        headers = [existing.header for existing in columns]
        columns.insert(headers.index(after) + 1 if after in headers else len(columns), column)
    return columns


def render_status(report, *, wide=False, no_headers=False, color=False, utf8=True, width=None, extra_columns=(),
                  clock_pinned=False, starts=False):
    """The header block, the step table and the findings. `width`: the terminal's width, to fit the
    table and header into it (… marks a cut); None (piped output) never shortens anything.
    `clock_pinned`: KUEUE_ARGO_NOW set the clock, so an offline header does not call it the snapshot's time."""
    parts = []
    if not no_headers:
        parts.append(render_header(report, color=color, width=width, clock_pinned=clock_pinned))
        parts.append("")
    if starts:
        extra_columns = tuple(extra_columns) + ((STARTS, "WAITED"),)
    parts.append(render_step_table(report, wide=wide, no_headers=no_headers, color=color, utf8=utf8, width=width,
                                   extra_columns=extra_columns))
    notes = render_findings_footer(report, color=color)
    if notes and not no_headers:
        parts.extend(["", notes])
    return "\n".join(parts).rstrip("\n") + "\n"


def render_header(report, *, color=False, width=None, clock_pinned=False):
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
        rows.append(("Now:", f"{format_time(now)} (pinned by KUEUE_ARGO_NOW)") if clock_pinned
                    else ("Snapshot time:", f"{format_time(now)} (the latest timestamp in the files)"))
    rows.append(("Queueing:", summary_sentence(report)))
    selection = getattr(report, "step_filter", None)
    if selection is not None:
        rows.append(("Showing:", f"{len(report.steps)} of {report.total_steps} steps ({selection.describe()})"))
    lines = [f"{label:<20} {escape_terminal(value)}" for label, value in rows if value is not None]
    return "\n".join(truncate(line, width) if width else line for line in lines)


def summary_sentence(report):
    if report.snapshot is not None and report.snapshot.kueue_installed is False:
        return "Kueue is not installed, so no step is queued"
    if not sum(report.summary.values()):  # the summary counts every step, shown or filtered out
        return "no steps yet"
    phrases = []
    for state, phrase in SUMMARY_PHRASES:
        count = report.summary.get(state, 0)
        if count:
            noun = "step" if count == 1 else "steps"
            phrases.append(f"{count} {noun} {phrase}" if not phrases else f"{count} {phrase}")
    return ", ".join(phrases)


def render_step_table(report, *, wide=False, no_headers=False, color=False, utf8=True, width=None,
                      extra_columns=()):
    columns = status_columns(wide, extra_columns)
    rows = [_Row(line, report.step_for(line.node_id), utf8) for line in report.lines]
    if not rows:
        if no_headers:
            return ""
        selection = getattr(report, "step_filter", None)
        return f"No step matches ({selection.describe()})." if selection is not None else "No steps found."
    headers = [column.header for column in columns]
    cells = [[column.cell(row) for column in columns] for row in rows]
    shrinkable = [(columns.index(column), column.shrink_to) for column in SHRINK_ORDER if column in columns]
    cells = fit_to_width(headers, cells, width, shrinkable)
    if color:
        cells = [_painted(row, row_cells, columns) for row, row_cells in zip(rows, cells)]
    return format_table(headers, cells, no_headers=no_headers)


def _painted(row, cells, columns):
    painted = []
    for column, text in zip(columns, cells):
        if column is STEP:
            icon = _icon(row.node, _phase(row), row.utf8)
            painted.append(_paint_icon(text, icon, PHASE_COLORS.get(_phase(row))))
        else:
            painted.append(paint(text, column.color(row), True))
    return painted


def _paint_icon(cell, icon, color):
    """Colour the phase icon of a STEP cell (the glyphs and the name stay plain)."""
    if not icon or not color or f"{icon} " not in cell:
        return cell
    glyphs, _, name = cell.partition(f"{icon} ")
    return f"{glyphs}{paint(icon, color, True)} {name}"


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
