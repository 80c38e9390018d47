"""`status -w`: redraw the view whenever the workflow, its pods or the namespace's Workloads change."""
import time

import click

from kubectl_kueue_argo.errors import PluginError
from kubectl_kueue_argo.model import Snapshot
from kubectl_kueue_argo.sources.watch import ResourceWatcher, WatchedResource

WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
DONE_PHASES = ("Succeeded", "Failed", "Error")
TTY_REFRESH_SECONDS = 2.0
POSITION_REFRESH_SECONDS = 2.0
_CLEAR_SCREEN = "\x1b[H\x1b[2J"


class _Screen:
    """On a terminal, redraw in place; when piped, print each new view once, separated."""

    def __init__(self, tty):
        self.tty = tty
        self.last = None

    def show(self, text):
        if text == self.last:
            return
        if self.tty:
            click.echo(_CLEAR_SCREEN + text, nl=False)
        else:
            click.echo(("\n" if self.last is not None else "") + text, nl=False)
        self.last = text


def watch_workflow(session, name, render, *, tty):
    """render(report) -> text. Returns when the workflow completes; Ctrl-C ends it too."""
    from kubectl_kueue_argo.interpret.status.correlate import build_status_report

    cluster = session.live()
    namespace = session.namespace()
    cluster.workflow(namespace, name)  # a clear error now if it does not exist
    base = Snapshot(namespace=namespace, source="live")
    kueue_version = cluster.discovery().kueue_version
    resources = [
        WatchedResource("workflow", cluster.argo_path("workflows", namespace), field_selector=f"metadata.name={name}"),
        WatchedResource("pods", f"/api/v1/namespaces/{namespace}/pods", label_selector=f"{WORKFLOW_LABEL}={name}"),
    ]
    if kueue_version:
        resources.append(WatchedResource("workloads", cluster.kueue_path("workloads", namespace)))
        cluster.add_kueue_objects(base, [], with_cluster_config=False)  # queues once; Workloads come from the watch
    else:
        base.kueue_installed = False
    watcher = ResourceWatcher(cluster, resources)
    watcher.start()
    screen = _Screen(tty)
    positions_read = 0.0
    settling = False
    try:
        while True:
            workflows = watcher.objects("workflow")
            if not workflows:
                raise PluginError(f'workflow "{name}" was deleted from namespace "{namespace}"')
            snapshot = _snapshot(base, workflows[0], watcher, kueue_version)
            if kueue_version and time.monotonic() - positions_read > POSITION_REFRESH_SECONDS:
                cluster.add_positions(snapshot, snapshot.pods)
                base.pending_workloads = snapshot.pending_workloads
                positions_read = time.monotonic()
            if _completed(workflows[0]) and not settling:
                settling = True  # let the pod and Workload streams deliver their last events first
                _settle(watcher)
                continue
            screen.show(render(build_status_report(snapshot, session.now())))
            if settling:
                return
            watcher.changed.wait(TTY_REFRESH_SECONDS if tty else None)
            watcher.changed.clear()
    finally:
        watcher.stop()


def watch_overview(session, namespace, selector, render, *, tty):
    """render(objects) -> text, redrawn on every change of workflows, pods or Workloads."""
    from kubectl_kueue_argo.sources.overview import OverviewObjects

    cluster = session.live()
    cluster.require_argo()
    kueue_version = cluster.discovery().kueue_version
    scope = f"/namespaces/{namespace}" if namespace else ""
    resources = [
        WatchedResource("workflows", cluster.argo_path("workflows", namespace), label_selector=selector),
        WatchedResource("pods", f"/api/v1{scope}/pods", label_selector=WORKFLOW_LABEL),
    ]
    if kueue_version:
        resources.append(WatchedResource("workloads", cluster.kueue_path("workloads", namespace)))
    watcher = ResourceWatcher(cluster, resources)
    watcher.start()
    screen = _Screen(tty)
    try:
        while True:
            objects = OverviewObjects(watcher.objects("workflows"), watcher.objects("pods"),
                                      watcher.objects("workloads") if kueue_version else None, None,
                                      bool(kueue_version))
            screen.show(render(objects))
            watcher.changed.wait(TTY_REFRESH_SECONDS if tty else None)
            watcher.changed.clear()
    finally:
        watcher.stop()


def _settle(watcher, quiet=0.3, limit=2.0):
    """Wait until no event came for `quiet` seconds (at most `limit`)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        watcher.changed.clear()
        if not watcher.changed.wait(quiet):
            return


def _snapshot(base, workflow, watcher, kueue_version):
    return Snapshot(
        namespace=base.namespace, workflow=workflow, pods=watcher.objects("pods"),
        workloads=watcher.objects("workloads") if kueue_version else [], local_queues=base.local_queues,
        cluster_queues=base.cluster_queues, pending_workloads=dict(base.pending_workloads),
        kueue_api_version=base.kueue_api_version, kueue_installed=base.kueue_installed,
        notes=list(base.notes), source="live")


def _completed(workflow):
    status = workflow.get("status") or {}
    return status.get("phase") in DONE_PHASES or bool(status.get("finishedAt"))
