"""The reads a forecast needs beyond a status snapshot, live or from files.

Live, on top of `status WF`: one paged LIST of Workloads (every namespace; if that is forbidden,
the workflow's namespace), one paged LIST of Workflows per namespace involved (namespaces with
Workloads in the ClusterQueues of the waiting steps), and the ClusterQueues' visibility lists
(GET .../clusterqueues/<cq>/pendingworkloads, paged). A failed read becomes a problem named in the
forecast's basis, never an error.
"""
from kubectl_kueue_argo.errors import ApiError, UnreachableError
from kubectl_kueue_argo.interpret.dicts import sequence
from kubectl_kueue_argo.interpret.forecast import inputs
from kubectl_kueue_argo.interpret.forecast.steps import involved
from kubectl_kueue_argo.sources.live import VISIBILITY_GROUP, slim_workload

RUNNING_WORKFLOWS = "workflows.argoproj.io/completed!=true"
SUCCEEDED = "workflows.argoproj.io/phase=Succeeded"


def list_workloads(cluster, namespace):
    """The forecast's Workloads, read before the status snapshot: every namespace's (else the
    namespace's own). The snapshot takes its namespace's Workloads from this list instead of
    listing them again (LiveCluster.listed_workloads)."""
    view = inputs.ClusterView(source="live")
    if not cluster.discovery().kueue_version:
        return view
    view.workloads = _read(lambda: cluster.list_items(cluster.kueue_path("workloads"), slim=slim_workload),
                           view, "workloads")
    if view.workloads is None:
        view.all_namespaces, view.namespaces = False, (namespace,)
        view.workloads = _read(lambda: cluster.list_items(cluster.kueue_path("workloads", namespace),
                                                          slim=slim_workload), view, "namespace")
        if view.workloads is None:
            view.workloads = []
            return view
    by_namespace = {namespace: []}
    for workload in view.workloads:
        by_namespace.setdefault((workload.get("metadata") or {}).get("namespace"), []).append(workload)
    cluster.listed_workloads = by_namespace
    return view


def read_live(cluster, snapshot, report, view, *, history=False):
    """Complete `view` (from list_workloads) for the Pending steps of `report`. `history`: also list
    the finished Workflows of the workflow's own namespace (the newest Succeeded run gives Argo's
    estimates of steps that do not exist yet)."""
    namespace = snapshot.namespace
    if not cluster.discovery().kueue_version:
        return view
    cluster_queues, namespaces = involved(snapshot, view, report)
    if not cluster_queues and not history:
        return view
    if cluster.discovery().argo_installed:
        own = _name(snapshot.workflow)
        for other in sorted(set(namespaces) | {namespace}):
            selector = None if history and other == namespace else RUNNING_WORKFLOWS
            fields = f"metadata.name!={own}" if other == namespace and own else None
            try:
                view.workflows[other] = cluster.list_items(cluster.argo_path("workflows", other),
                                                           label_selector=selector, field_selector=fields)
            except (ApiError, UnreachableError) as err:
                view.workflows[other] = None
                view.workflow_problems[other] = err.message
    version = cluster.discovery().visibility_version
    for name in cluster_queues:
        if not version:
            view.cluster_queue_pending[name] = None
            view.cluster_queue_pending_problems[name] = "the Kueue visibility API is not served"
            continue
        path = f"/apis/{VISIBILITY_GROUP}/{version}/clusterqueues/{name}/pendingworkloads"
        try:
            view.cluster_queue_pending[name] = cluster._pending_items(path)
        except (ApiError, UnreachableError) as err:
            view.cluster_queue_pending[name] = None
            view.cluster_queue_pending_problems[name] = err.message
    return view


def read_files(files, snapshot, report, *, history=False):
    """A ClusterView from the files: their Workloads and Workflows of every namespace, and the
    visibility lists they hold (a ClusterQueue's list counts only if it is whole)."""
    view = inputs.ClusterView(source="files")
    view.workloads = files.objects("Workload")
    for workflow in files.objects("Workflow"):
        namespace = (workflow.get("metadata") or {}).get("namespace") or snapshot.namespace
        view.workflows.setdefault(namespace, []).append(workflow)
    summaries = [item for summary in files.by_kind.get("PendingWorkloadsSummary", [])
                 for item in sequence(summary.get("items"))]
    cluster_queues, _ = involved(snapshot, view, report, local_queues=files.objects("LocalQueue"))
    lists = inputs.whole_visibility_lists(summaries, files.objects("LocalQueue"), files.objects("ClusterQueue"))
    for name in cluster_queues:
        view.cluster_queue_pending[name] = lists.get(name)
        if lists.get(name) is None:
            view.cluster_queue_pending_problems[name] = "the files do not hold its whole visibility list"
    return view


def _read(read, view, scope):
    try:
        return read()
    except (ApiError, UnreachableError) as err:
        if scope == "workloads":
            view.workloads_problem = err.message
        return None


def _name(workflow):
    return ((workflow or {}).get("metadata") or {}).get("name")


def succeeded_workflows(cluster, namespace, label, value):
    """The Succeeded Workflows of a namespace made from one template (one paged LIST); [] if unreadable."""
    if not cluster.discovery().argo_installed:
        return []
    try:
        return cluster.list_items(cluster.argo_path("workflows", namespace),
                                  label_selector=f"{label}={value},{SUCCEEDED}")
    except (ApiError, UnreachableError):
        return []
