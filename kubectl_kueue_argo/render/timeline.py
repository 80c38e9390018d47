"""A Gantt chart of a workflow's steps on one time axis: queued (gated) versus running."""
from kubectl_kueue_argo.interpret.status.timeline import QUEUED, RUNNING, UNKNOWN
from kubectl_kueue_argo.render.table import display_width, truncate
from kubectl_kueue_argo.render.text import escape_terminal, human_duration, paint
from kubectl_kueue_argo.timeutil import format_time, seconds_between

UNICODE_BARS = {QUEUED: "░", RUNNING: "█", UNKNOWN: "▒"}
ASCII_BARS = {QUEUED: ".", RUNNING: "#", UNKNOWN: "="}
BAR_COLORS = {QUEUED: "yellow", RUNNING: "green", UNKNOWN: "dim"}
LEGEND = {QUEUED: "queued (gated by Kueue)", RUNNING: "admitted / running", UNKNOWN: "ran (pod gone, no split)"}
STILL_WAITING = "+"  # the last cell of a bar that is still queued, as WAITED says 7s+
_MIN_BAR_WIDTH = 10
_DURATION_WIDTH = 7
_WIDE_WIDTH = 22     # "queued 19m  ran 19m"


def render_timeline(timeline, *, width=100, utf8=True, color=False, no_headers=False, wide=False):
    """The chart: a header with the workflow's name and the time axis, one bar per step, the legend
    and the time summary. `no_headers`: the bars only. `wide`: each step's queued and running time."""
    bars = UNICODE_BARS if utf8 else ASCII_BARS
    if not timeline.steps:
        return "" if no_headers else "No step has a pod or a recorded run yet, so there is no timeline.\n"
    labels = [_label(step) for step in timeline.steps]
    title = escape_terminal(timeline.workflow_name) or "STEP"
    extra = _WIDE_WIDTH + 2 if wide else 0
    natural = max(display_width(label) for label in labels + ([] if no_headers else [title]))
    label_width = min(natural, max(12, width // 3))
    bar_width = max(_MIN_BAR_WIDTH, width - label_width - _DURATION_WIDTH - 4 - extra)
    span = max(seconds_between(timeline.start, timeline.end) or 0.0, 1.0)
    lines = [] if no_headers else [_axis(timeline, title, label_width, bar_width)]
    for label, step in zip(labels, timeline.steps):
        row = f"{_pad(truncate(label, label_width), label_width)}  {_bar(step, timeline, span, bar_width, bars, color)}"
        row += f"  {_pad(_duration(step), _DURATION_WIDTH) if wide else _duration(step)}"
        if wide:
            row += f"  {_split(step)}"
        lines.append(row)
    if not no_headers:
        lines.append("")
        lines.extend(_legend(bars, color, width))
        lines.append("")
        lines.extend(_summary(timeline))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _pad(text, width):
    return text + " " * max(0, width - display_width(text))


def _bar(step, timeline, span, bar_width, bars, color):
    cells = [" "] * bar_width
    for interval in step.intervals:
        first = int(seconds_between(timeline.start, interval.start) / span * bar_width)
        last = max(first + 1, int(round(seconds_between(timeline.start, interval.end) / span * bar_width)))
        for column in range(min(first, bar_width - 1), min(last, bar_width)):
            cells[column] = interval.kind
    painted = [paint(bars[cell], BAR_COLORS[cell], color) if cell in bars else " " for cell in cells]
    if step.still_waiting:
        end = max((column for column, cell in enumerate(cells) if cell == QUEUED), default=None)
        if end is not None:
            painted[end] = paint(STILL_WAITING, BAR_COLORS[QUEUED], color)
    return "".join(painted)


def _duration(step):
    total = sum(interval.seconds for interval in step.intervals)
    return human_duration(total) + (STILL_WAITING if step.still_waiting else "")


def _split(step):
    if step.unsplit:
        return "queued unknown"
    queued = sum(interval.seconds for interval in step.intervals if interval.kind == QUEUED)
    ran = sum(interval.seconds for interval in step.intervals if interval.kind == RUNNING)
    return f"queued {human_duration(queued):<5} ran {human_duration(ran)}"


def _label(step):
    queue = f" [{step.queue}]" if step.queue else ""
    return escape_terminal(step.display_name + queue)


def _axis(timeline, title, label_width, bar_width):
    """The title (the workflow's name) over the labels, the span over the bars, as wide as the bars."""
    total = human_duration(seconds_between(timeline.start, timeline.end))
    start, end = format_time(timeline.start), format_time(timeline.end)
    if len(start) + len(end) + 2 > bar_width:   # narrow: the times of day only, else the span alone
        start, end = start[11:], end[11:]
    if len(start) + len(end) + 2 > bar_width:
        start, end = "", ""
    middle = f" {total} "
    gap = max(1, bar_width - len(start) - len(end))
    fill = middle.center(gap, "-") if gap >= len(middle) + 2 else " " * gap
    return f"{_pad(truncate(title, label_width), label_width)}  {start}{fill}{end}"


def _legend(bars, color, width):
    items = [f"{paint(bars[kind], BAR_COLORS[kind], color)} {text}" for kind, text in LEGEND.items()]
    one_line = "   ".join(items)
    return [one_line] if display_width(one_line) <= width else items


def _summary(timeline):
    unknown = timeline.unsplit_steps
    queued = _queued_text(timeline.queued_seconds, unknown, len(timeline.steps))
    blocked = _queued_text(timeline.blocked_seconds, unknown, len(timeline.steps))
    lines = [
        f"Time queued for quota (sum over steps):   {queued}",
        f"Time running (sum over steps):            {human_duration(timeline.running_seconds) or '0s'}",
        f"Wall-clock time blocked on quota:         {blocked}" + ("" if unknown else "   (steps queued, none running)"),
    ]
    costliest = timeline.costliest_queue
    if costliest and timeline.queue_costs[costliest] > 0:
        lines.append(f"Queue that cost the most:                 {escape_terminal(costliest)} "
                     f"({human_duration(timeline.queue_costs[costliest])} queued)")
    return lines


def _queued_text(seconds, unknown, total):
    """A time of queueing, honest about steps whose pods are gone: their share is unknown, not 0s."""
    if not unknown:
        return human_duration(seconds) or "0s"
    gone = "the pods are gone" if unknown == total else f"the pods of {unknown} of {total} steps are gone"
    if unknown == total:
        return f"unknown ({gone})"
    return f"{human_duration(seconds) or '0s'} + unknown ({gone})"
