"""Glue for forecasts: read what they need (live or files) and compute them for a report."""


def add_start_forecasts(session, snapshot, report, now, *, history=False):
    """Set step.forecast on the report's waiting steps; returns the ForecastContext."""
    from kubectl_kueue_argo.interpret.forecast.steps import forecast_steps
    from kubectl_kueue_argo.sources import forecast as source

    if session.offline:
        view = source.read_files(session.files(), snapshot, report, history=history)
    else:
        view = source.read_live(session.live(), snapshot, report, history=history)
    return forecast_steps(report, snapshot, view, now)
