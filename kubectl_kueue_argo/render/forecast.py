"""Forecasts on screen and in documents (pure): the STARTS cell, `forecast` of a step, the
workflow's finish forecast and its demand against quota."""
import textwrap

from kubectl_kueue_argo.interpret.forecast.wording import demand_sentence, starved_sentence
from kubectl_kueue_argo.quantity import format_quantity
from kubectl_kueue_argo.render.text import escape_terminal, paint, prose_duration

WIDTH = 100     # as the explain text

def starts_cell(step):
    """STARTS: `now`, `~5m`, `?` for a waiting step; empty for the others."""
    forecast = getattr(step, "forecast", None)
    if forecast is None:
        return ""
    return approximate(forecast.start_in_seconds)


def approximate(seconds):
    """`now`, `~40s`, `~5m`, `~3h`, `~2d`; `?` when unknown."""
    if seconds is None:
        return "?"
    if seconds <= 0:
        return "now"
    for unit, size, up_to in (("s", 1, 120), ("m", 60, 120 * 60), ("h", 3600, 48 * 3600)):
        if seconds < up_to:
            return f"~{max(1, round(seconds / size))}{unit}"
    return f"~{round(seconds / 86400)}d"


def forecast_document(forecast):
    """A step's `forecast` in -o json/yaml: {startInSeconds, basis} or None."""
    if forecast is None:
        return None
    return {"startInSeconds": forecast.start_in_seconds, "basis": list(forecast.basis)}


def forecast_line(forecast):
    """The words `explain` prints under a waiting step."""
    return "Forecast: " + escape_terminal(_capital(forecast.sentence)) + "."


def workflow_forecast_document(forecast, steps):
    """`demand` (per ClusterQueue) and `forecast` (finish time, waiting steps) for explain -o json."""
    finish = forecast.finish
    return {
        "demand": _demand_documents(forecast.demand),
        "forecast": {
            "finishInSeconds": finish.finish_in_seconds, "runningSeconds": finish.running_seconds,
            "queuedSeconds": finish.queued_seconds, "basis": list(finish.basis), "sentence": finish.sentence,
            "steps": [dict({"nodeId": step.node_id, "displayName": step.display_name},
                           **forecast_document(step.forecast), sentence=step.forecast.sentence)
                      for step in steps if step.forecast is not None],
        },
    }


def demand_document(demand, sentence, starved):
    return {
        "peak": _amounts(demand.peak), "pods": demand.pods,
        "nominal": _amounts(demand.nominal),
        "withBorrowing": _amounts(demand.with_borrowing),
        "waves": demand.waves, "atOnce": demand.at_once,
        "groups": [{"template": template, "count": count, "requests": _amounts(requests)}
                   for template, requests, count in demand.groups],
        "notes": list(demand.notes) + list(starved), "sentence": sentence,
    }


def render_workflow_forecast(forecast, *, color=False, width=WIDTH):
    """The Forecast section of `explain WF`: the finish time and the demand per ClusterQueue."""
    lines = [paint("Forecast", "bold", color)]
    lines += _wrap(_capital(forecast.finish.sentence) + ".", "  ", width)
    for name, demand in sorted(forecast.demand.items()):
        lines += _wrap(f"Demand on {name}: {demand_sentence(demand)}.", "  ", width)
        for entry in demand.starved:
            lines += _wrap(_capital(starved_sentence(*entry)) + ".", "    ", width)
    for note in forecast.demand_notes:
        lines += _wrap(f"Note: {note}.", "  ", width)
    return "\n".join(lines) + "\n"


def _wrap(text, indent, width=WIDTH):
    """Lines of at most `width` columns, continued two columns further in; cluster text escaped."""
    return textwrap.wrap(escape_terminal(text), width=width, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_long_words=False, break_on_hyphens=False)


def _capital(text):
    return text[:1].upper() + text[1:]


def _amounts(amounts):
    """resource -> quantity text; None (no limit) stays null."""
    return {name: None if amount is None else format_quantity(amount, name) for name, amount in sorted(amounts.items())}


def manifest_forecast_documents(forecasts):
    """`workflows` of explain -f -o json: per workflow manifest, its demand per ClusterQueue and its duration."""
    return [{
        "workflow": forecast.workflow,
        "demand": _demand_documents(forecast.demand),
        "forecast": {"finishInSeconds": forecast.finish.finish_in_seconds,
                     "runningSeconds": forecast.finish.running_seconds,
                     "queuedSeconds": forecast.finish.queued_seconds, "basis": list(forecast.finish.basis)},
    } for forecast in forecasts]


def render_manifest_forecasts(forecasts, *, color=False):
    """The Demand section of explain -f."""
    if not forecasts:
        return ""
    lines = ["", paint("Demand:", "bold", color)]
    for forecast in forecasts:
        lines += _wrap(forecast.workflow, "  ")
        for name, demand in sorted(forecast.demand.items()):
            lines += _wrap(f"{name}: {demand_sentence(demand)}.", "    ")
            for entry in demand.starved:
                lines += _wrap(_capital(starved_sentence(*entry)) + ".", "      ")
        if not forecast.demand:
            lines.append("    No pod of it goes to a ClusterQueue that could be read.")
        finish = forecast.finish
        if finish.finish_in_seconds is None:
            lines += _wrap(_capital(finish.sentence) + ".", "    ")
        else:
            lines += _wrap(f"Expected to take about {prose_duration(finish.finish_in_seconds)} "
                           f"({prose_duration(finish.running_seconds)} running, {prose_duration(finish.queued_seconds)} "
                           f"queued) if its ClusterQueues are empty when it starts.", "    ")
        for note in forecast.notes:
            lines += _wrap(f"Note: {note}.", "    ")
    return "\n".join(lines) + "\n"


def _demand_documents(demands):
    return {name: demand_document(demand, demand_sentence(demand), [starved_sentence(*entry) for entry in demand.starved])
            for name, demand in sorted(demands.items())}
