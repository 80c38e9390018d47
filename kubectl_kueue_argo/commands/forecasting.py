"""Glue for forecasts: read what they need (live or files) and compute them for a report."""


def forecast_snapshot(session, workflow, *, with_cluster_config=False):
    """(status snapshot, the forecast's Workloads): live, every Workload is listed first and the
    snapshot takes its own from that list, so the workflow's Workloads are read once."""
    view = None
    if not session.offline:
        from kubectl_kueue_argo.sources import forecast as source
        from kubectl_kueue_argo.sources.live import bulk_read

        with bulk_read():
            view = source.list_workloads(session.live(), session.namespace())
    return session.status_snapshot(workflow, with_cluster_config=with_cluster_config), view


def add_start_forecasts(session, snapshot, report, now, view=None):
    """Set step.forecast on the report's waiting steps (`status --forecast`)."""
    from kubectl_kueue_argo.interpret.forecast.steps import forecast_steps
    from kubectl_kueue_argo.sources.live import bulk_read

    with bulk_read():      # the cycle collector would traverse the whole snapshot again and again
        return forecast_steps(report, snapshot, _read(session, snapshot, report, view, history=False), now)


def add_workflow_forecast(session, snapshot, report, now, view=None):
    """Start forecasts, demand and finish time of a running workflow (`explain WF`)."""
    from kubectl_kueue_argo.interpret.forecast.workflow import forecast_workflow
    from kubectl_kueue_argo.sources.live import bulk_read

    with bulk_read():
        return forecast_workflow(report, snapshot, _read(session, snapshot, report, view, history=True), now)


def _read(session, snapshot, report, view, *, history):
    from kubectl_kueue_argo.sources import forecast as source

    if session.offline:
        return source.read_files(session.files(), snapshot, report, history=history)
    if view is None:
        view = source.list_workloads(session.live(), snapshot.namespace)
    return source.read_live(session.live(), snapshot, report, view, history=history)


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
