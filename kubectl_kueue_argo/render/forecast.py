"""Forecasts on screen and in documents (pure): the STARTS cell, `forecast` of a step, the
workflow's finish forecast and its demand against quota."""
from kubectl_kueue_argo.render.text import escape_terminal


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
    return "Forecast: " + escape_terminal(forecast.sentence[:1].upper() + forecast.sentence[1:]) + "."
