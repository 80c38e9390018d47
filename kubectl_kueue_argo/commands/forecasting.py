"""Glue for forecasts: read what they need (live or files) and compute them for a report."""


def add_start_forecasts(session, snapshot, report, now):
    """Set step.forecast on the report's waiting steps (`status --forecast`)."""
    from kubectl_kueue_argo.interpret.forecast.steps import forecast_steps

    return forecast_steps(report, snapshot, _read(session, snapshot, report, history=False), now)


def add_workflow_forecast(session, snapshot, report, now):
    """Start forecasts, demand and finish time of a running workflow (`explain WF`)."""
    from kubectl_kueue_argo.interpret.forecast.workflow import forecast_workflow

    return forecast_workflow(report, snapshot, _read(session, snapshot, report, history=True), now)


def _read(session, snapshot, report, *, history):
    from kubectl_kueue_argo.sources import forecast as source

    if session.offline:
        return source.read_files(session.files(), snapshot, report, history=history)
    return source.read_live(session.live(), snapshot, report, history=history)


def manifest_forecasts(session, documents, facts, options, *, offline):
    """Demand and expected duration of each workflow manifest against the ClusterQueues in `facts`
    (`explain -f`); [] without ClusterQueues to measure against."""
    from kubectl_kueue_argo.interpret.forecast.manifest import baseline_label, manifest_forecast, runnable
    from kubectl_kueue_argo.interpret.preflight.analysis import ARGO_KINDS, plan_document
    from kubectl_kueue_argo.interpret.argo.spec import TEMPLATE_HOLDER_KINDS

    if facts is None or not facts.cluster_queues:
        return []
    documents = [d for d in documents if isinstance(d, dict) and d.get("kind") in ARGO_KINDS]
    available = [d for d in documents if d.get("kind") in TEMPLATE_HOLDER_KINDS] + list(facts.workflow_templates or ())
    forecasts = []
    for document in documents:
        plan = plan_document(document, available, facts, options)
        if runnable(plan):
            label, value = baseline_label(document)
            history = _history(session, facts.namespace, label, value, offline=offline) if label else []
            forecasts.append(manifest_forecast(plan, facts, history, session.now()))
    return forecasts


def _history(session, namespace, label, value, *, offline):
    from kubectl_kueue_argo.sources import forecast as source

    if session.offline:
        return session.files().objects("Workflow", namespace)
    if offline:
        return []
    return source.succeeded_workflows(session.live(), namespace, label, value)
