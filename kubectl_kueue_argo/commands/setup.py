"""Glue for `explain setup`: read what can be read (files or cluster), check, print the guide.

Every read is optional: what cannot be read makes its checks "unknown". With no cluster at all
(no kubeconfig) it prints the generic guide and succeeds. Offline, kubernetes is never imported.
"""
import click

from kubectl_kueue_argo.errors import ApiError, ConfigError, UnreachableError
from kubectl_kueue_argo.interpret.kueue.config import kueue_version_hint, parse_manager_config
from kubectl_kueue_argo.interpret.diagnose.setup_check import ConfigUnread, check_setup
from kubectl_kueue_argo.model import Finding, Snapshot
from kubectl_kueue_argo.render.setup import render_setup_text, setup_document
from kubectl_kueue_argo.render.structured import dump

KUEUE_GROUP = "kueue.x-k8s.io"
DEFAULT_NAMESPACE = "default"
CONFIG_NOTE = "KueueConfigUnreadable"   # the note LiveCluster.add_manager_config leaves when it cannot read


def run_setup(session, *, output, color):
    """Print the setup checks and guide; True when the cluster is set up wrong (error findings)."""
    notes = []
    if session.offline:
        report, source = _check_files(session, notes), "from files"
    else:
        report, source = _check_cluster(session, notes), "from the cluster"
    if output in ("json", "yaml"):
        click.echo(dump(setup_document(report, notes), output), nl=False)
    else:
        click.echo(render_setup_text(report, notes, source=source, color=color), nl=False)
    return bool(report and report.has_errors)


# ---- offline: --from-file ---------------------------------------------------------------------

def _check_files(session, notes):
    files = session.files()
    local_queues = files.objects("LocalQueue")
    namespace = session.namespace() or _only_namespace(local_queues) or DEFAULT_NAMESPACE
    config = _parse_config(files.manager_config() or next(iter(files.objects("Configuration")), None), notes)
    unread = ConfigUnread("not-in-files") if config is None and not notes else None
    namespace_object = next((ns for ns in files.objects("Namespace")
                             if (ns.get("metadata") or {}).get("name") == namespace), None)
    labels = ((namespace_object.get("metadata") or {}).get("labels") or {}) if namespace_object else None
    in_namespace = [lq for lq in local_queues if (lq.get("metadata") or {}).get("namespace") == namespace]
    return check_setup(config, kueue_version_hint=_files_version_hint(files), namespace=namespace,
                       namespace_labels=labels, local_queues=in_namespace if files.kueue_version else None,
                       served_groups=None, config_unread=unread)


def _files_version_hint(files):
    """Objects read at kueue.x-k8s.io/v1beta2 prove v0.15+; v1beta1 objects prove nothing (still served)."""
    versions = {(item.get("apiVersion") or "").rpartition("/")[2]
                for items in files.by_kind.values() for item in items
                if (item.get("apiVersion") or "").startswith(KUEUE_GROUP + "/")}
    return ">= v0.15" if "v1beta2" in versions else None


def _only_namespace(objects):
    namespaces = {(item.get("metadata") or {}).get("namespace") for item in objects} - {None}
    return namespaces.pop() if len(namespaces) == 1 else None


# ---- live: the cluster in the kubeconfig -------------------------------------------------------

def _check_cluster(session, notes):
    try:
        session.resolved()
    except ConfigError as err:
        if _cluster_requested(session.options):
            raise
        notes.append(Finding("NoCluster", "info", f"No cluster was checked ({err.message})."))
        return None
    cluster = session.live()
    namespace = session.namespace() or DEFAULT_NAMESPACE
    snapshot = Snapshot(namespace=namespace)
    discovery = cluster.read_optional(snapshot, "DiscoveryFailed", "the cluster's API groups", cluster.discovery)
    if discovery is None:
        notes.extend(snapshot.notes)
        return None
    groups = dict(discovery.groups)
    config, local_queues, hint, unread = None, None, kueue_version_hint(groups), None
    if discovery.kueue_version:
        hint = kueue_version_hint(groups, _workload_short_names(cluster, discovery.kueue_version))
        local_queues = cluster.read_optional(snapshot, "LocalQueuesUnreadable", f"the LocalQueues of {namespace}",
                                             lambda: cluster.list_items(cluster.kueue_path("localqueues", namespace)))
        cluster.add_manager_config(snapshot)
        unread = _why_unread(snapshot)
        config = _parse_config(snapshot.manager_config, snapshot.notes)
    notes.extend(snapshot.notes)
    return check_setup(config, kueue_version_hint=None if hint == "not installed" else hint, namespace=namespace,
                       namespace_labels=snapshot.namespace_labels, local_queues=local_queues, served_groups=groups,
                       config_unread=unread)


def _why_unread(snapshot):
    """The ManagerConfig check says why the configuration is missing; its note would say it again."""
    for note in list(snapshot.notes):
        if note.code == CONFIG_NOTE:
            snapshot.notes.remove(note)
            return ConfigUnread(_unread_reason(note.evidence), note.message)
    return None


def _unread_reason(evidence):
    status = next((item for item in evidence if item.startswith("HTTP ")), "")
    return {"HTTP 403": "forbidden", "HTTP 404": "not-found"}.get(status, "error")


def _cluster_requested(options):
    """An explicit kubeconfig, context or server that does not work is an error, not "no cluster"."""
    return bool(options.kubeconfig or options.context or options.cluster or options.server)


def _workload_short_names(cluster, version):
    """Workload short names tell v0.15 ("wl") from v0.16+ ("kwl"); None when unreadable."""
    try:
        document = cluster.transport.get_json(f"/apis/{KUEUE_GROUP}/{version}")
    except (ApiError, UnreachableError):
        return None
    for resource in document.get("resources") or []:
        if resource.get("kind") == "Workload" and "/" not in (resource.get("name") or ""):
            return resource.get("shortNames") or []
    return None


def _parse_config(configmap, notes):
    if configmap is None:
        return None
    try:
        return parse_manager_config(configmap)
    except ValueError as err:
        notes.append(Finding("KueueConfigInvalid", "warning", str(err)))
        return None
