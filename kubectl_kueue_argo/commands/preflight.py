"""Glue for `explain -f`: read manifests, gather cluster facts if a cluster or snapshot is there,
analyse, print. Offline, the kubernetes package is never imported."""
import click

from kubectl_kueue_argo.commands.forecasting import manifest_forecasts
from kubectl_kueue_argo.errors import ApiError, ConfigError, UnreachableError, UsageError
from kubectl_kueue_argo.interpret.argo.spec import referenced_templates
from kubectl_kueue_argo.interpret.kueue.config import namespace_management, parse_manager_config
from kubectl_kueue_argo.interpret.preflight.analysis import ClusterFacts, PreflightOptions, analyze
from kubectl_kueue_argo.model import Finding
from kubectl_kueue_argo.quantity import QuantityError, parse_quantity
from kubectl_kueue_argo.render.forecast import manifest_forecast_documents, render_manifest_forecasts
from kubectl_kueue_argo.render.preflight import preflight_document, render_preflight_text
from kubectl_kueue_argo.render.structured import dump
from kubectl_kueue_argo.sources.manifests import load_documents


def run_preflight(session, filenames, *, offline, output, color, executor):
    stdin_text = session.stdin.read() if "-" in filenames else None
    documents = load_documents(filenames, stdin_text)
    if not documents:
        raise UsageError("no Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow in the input")
    manifests = [document for _, document in documents]
    notes = []
    facts = _cluster_facts(session, manifests, offline, notes)
    options = PreflightOptions(executor_requests=_executor(executor))
    report = analyze(documents, cluster=facts, options=options)
    report.findings.extend(notes)
    forecasts = manifest_forecasts(session, manifests, facts, options, offline=offline)
    if output in ("json", "yaml"):
        click.echo(dump(dict(preflight_document(report), workflows=manifest_forecast_documents(forecasts)), output),
                   nl=False)
    else:
        click.echo(render_preflight_text(report, color=color) + render_manifest_forecasts(forecasts, color=color),
                   nl=False)
    return any(finding.severity == "error" for finding in report.findings)


def _executor(values):
    requests = {}
    for resource, text in values.items():
        if text:
            try:
                requests[resource] = parse_quantity(text)
            except QuantityError as err:
                raise UsageError(f"--executor-{resource}: {err}") from None
    return requests or None


def _manifest_namespace(session, manifests):
    for manifest in manifests:
        namespace = (manifest.get("metadata") or {}).get("namespace")
        if namespace:
            return namespace
    return None


def _cluster_facts(session, manifests, offline, notes):
    if session.offline:
        return _facts_from_files(session, manifests)
    if offline:
        return None
    try:
        session.resolved()
        session.live().discovery()   # the first request: is the cluster there at all?
    except (ConfigError, UnreachableError, ApiError) as err:
        # No usable kubeconfig, or its cluster cannot be reached: the same offline analysis.
        notes.append(Finding("NoCluster", "info", f"No cluster was checked ({err.message}); use --from-file "
                                                   "with a snapshot to check queues and quotas offline."))
        return None
    return _facts_from_cluster(session, manifests)


def _facts_from_files(session, manifests):
    files = session.files()
    namespace = session.namespace() or _manifest_namespace(session, manifests) or "default"
    local_queues = {(lq.get("metadata") or {}).get("name"): (lq.get("spec") or {}).get("clusterQueue")
                    for lq in files.objects("LocalQueue", namespace)}
    cluster_queues = {(cq.get("metadata") or {}).get("name"): cq for cq in files.objects("ClusterQueue")}
    templates = files.objects("WorkflowTemplate") + files.objects("ClusterWorkflowTemplate")
    return ClusterFacts(namespace=namespace,
                        local_queues=local_queues if files.kueue_version else None,
                        cluster_queues=cluster_queues or None,
                        namespace_managed=_namespace_managed(files.manager_config(), namespace, None),
                        workflow_templates=templates)


def _facts_from_cluster(session, manifests):
    from kubectl_kueue_argo.model import Snapshot

    cluster = session.live()
    namespace = session.options.namespace or _manifest_namespace(session, manifests) or session.namespace()
    snapshot = Snapshot(namespace=namespace)
    names, cluster_names = referenced_templates(manifests)
    templates = []
    asked = cluster.discovery().argo_installed and bool(names or cluster_names)
    if asked:
        templates = cluster.workflow_templates(namespace, names, cluster_names)
    if not cluster.discovery().kueue_version:
        return ClusterFacts(namespace=namespace, local_queues={}, cluster_queues={}, workflow_templates=templates,
                            templates_from_cluster=asked)
    local_queues = cluster.read_optional(snapshot, "LocalQueuesUnreadable", "LocalQueues",
                                     lambda: cluster.list_items(cluster.kueue_path("localqueues", namespace)))
    cluster_queues = cluster.read_optional(snapshot, "ClusterQueuesUnreadable", "ClusterQueues",
                                       lambda: cluster.list_items(cluster.kueue_path("clusterqueues")))
    cluster.add_manager_config(snapshot)
    return ClusterFacts(
        namespace=namespace,
        local_queues=None if local_queues is None else {
            (lq.get("metadata") or {}).get("name"): (lq.get("spec") or {}).get("clusterQueue") for lq in local_queues},
        cluster_queues=None if cluster_queues is None else {
            (cq.get("metadata") or {}).get("name"): cq for cq in cluster_queues},
        namespace_managed=_namespace_managed(snapshot.manager_config, namespace, snapshot.namespace_labels),
        workflow_templates=templates, templates_from_cluster=asked)


def _namespace_managed(configmap, namespace, labels):
    if not configmap:
        return None
    try:
        managed, _, _ = namespace_management(parse_manager_config(configmap), namespace, labels)
    except ValueError:
        return None
    return managed
