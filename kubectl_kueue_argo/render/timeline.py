"""A Gantt chart of a workflow's steps on one time axis: queued (gated) versus running."""
from kubectl_kueue_argo.interpret.status.timeline import QUEUED, RUNNING, UNKNOWN
from kubectl_kueue_argo.render.text import escape_terminal, human_duration, paint
from kubectl_kueue_argo.timeutil import format_time, seconds_between

UNICODE_BARS = {QUEUED: "░", RUNNING: "█", UNKNOWN: "▒"}
ASCII_BARS = {QUEUED: ".", RUNNING: "#", UNKNOWN: "="}
BAR_COLORS = {QUEUED: "yellow", RUNNING: "green", UNKNOWN: "dim"}
LEGEND = {QUEUED: "queued (gated by Kueue)", RUNNING: "admitted / running", UNKNOWN: "ran (pod gone, no split)"}
_MIN_BAR_WIDTH = 10


def render_timeline(timeline, *, width=100, utf8=True, color=False):
    bars = UNICODE_BARS if utf8 else ASCII_BARS
    if not timeline.steps:
        return "No step has a pod or a recorded run yet, so there is no timeline.\n"
    labels = [_label(step) for step in timeline.steps]
    label_width = min(max(len(label) for label in labels), max(12, width // 3))
    duration_width = 7
    bar_width = max(_MIN_BAR_WIDTH, width - label_width - duration_width - 4)
    span = max(seconds_between(timeline.start, timeline.end) or 0.0, 1.0)
    lines = [_axis(timeline, label_width, bar_width)]
    for label, step in zip(labels, timeline.steps):
        cells = [" "] * bar_width
        for interval in step.intervals:
            first = int(seconds_between(timeline.start, interval.start) / span * bar_width)
            last = max(first + 1, int(round(seconds_between(timeline.start, interval.end) / span * bar_width)))
            for column in range(min(first, bar_width - 1), min(last, bar_width)):
                cells[column] = interval.kind
        bar = "".join(paint(bars[cell], BAR_COLORS[cell], color) if cell in bars else " " for cell in cells)
        total = sum(interval.seconds for interval in step.intervals)
        lines.append(f"{label[:label_width]:<{label_width}}  {bar}  {human_duration(total)}")
    lines.append("")
    lines.append("   ".join(f"{paint(bars[kind], BAR_COLORS[kind], color)} {text}" for kind, text in LEGEND.items()))
    lines.append("")
    lines.extend(_summary(timeline))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _label(step):
    queue = f" [{step.queue}]" if step.queue else ""
    return escape_terminal(step.display_name + queue)


def _axis(timeline, label_width, bar_width):
    start, end = format_time(timeline.start), format_time(timeline.end)
    total = human_duration(seconds_between(timeline.start, timeline.end))
    middle = f" {total} "
    gap = max(1, bar_width - len(start) - len(end))
    fill = middle.center(gap, "-") if gap > len(middle) + 2 else " " * gap
    return f"{'STEP':<{label_width}}  {start}{fill}{end}"


def _summary(timeline):
    lines = [
        f"Time queued for quota (sum over steps):   {human_duration(timeline.queued_seconds) or '0s'}",
        f"Time running (sum over steps):            {human_duration(timeline.running_seconds) or '0s'}",
        f"Wall-clock time blocked on quota:         {human_duration(timeline.blocked_seconds) or '0s'}"
        "   (steps queued, none running)",
    ]
    costliest = timeline.costliest_queue
    if costliest and timeline.queue_costs[costliest] > 0:
        lines.append(f"Queue that cost the most:                 {escape_terminal(costliest)} "
                     f"({human_duration(timeline.queue_costs[costliest])} queued)")
    return lines
