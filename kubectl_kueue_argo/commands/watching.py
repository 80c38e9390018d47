"""`status -w`: follow a workflow (or the overview) with the watch API and redraw when it changes.

Watched (no polling): the workflow, its pods and their Workloads (a namespace-wide Workload watch,
kept down to the Workloads of those pods and trimmed as the one-shot LISTs trim them). Polled every
`--interval`: the queue positions, which the visibility API cannot watch. Redraws are coalesced:
one at most every max(0.25 s, 8 times what the last one cost), and always one after the last change.
"""
import gc
import sys
import time

from kubectl_kueue_argo.commands.screen import PipedScreen, StopSignals, TerminalScreen
from kubectl_kueue_argo.errors import PluginError
from kubectl_kueue_argo.model import Snapshot
from kubectl_kueue_argo.sources.live import slim_pod, slim_workload
from kubectl_kueue_argo.sources.watch import PodOwnedWorkloads, ResourceWatcher, WatchedResource
from kubectl_kueue_argo.timeutil import format_time

WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
DEFAULT_INTERVAL = 2.0
MIN_REDRAW_SPACING = 0.25
REDRAW_COST_FACTOR = 8
SIGNAL_CHECK_SECONDS = 0.1   # how soon Ctrl-C, SIGTERM or a resize is acted on


def watch_workflow(session, name, render, *, tty, interval=DEFAULT_INTERVAL, stream=None):
    """render(report) -> text. Returns when the workflow completes; Ctrl-C ends it too."""
    from kubectl_kueue_argo.interpret.kueue.workloads import WorkloadIndex
    from kubectl_kueue_argo.interpret.status.correlate import build_status_report
    from kubectl_kueue_argo.interpret.status.overview import workflow_completed

    cluster = session.live()
    namespace = session.namespace()
    cluster.workflow(namespace, name)  # a clear error now if it does not exist
    base = Snapshot(namespace=namespace, source="live")
    kueue_version = cluster.discovery().kueue_version
    pods_path = f"/api/v1/namespaces/{namespace}/pods"
    resources = [
        WatchedResource("workflow", cluster.argo_path("workflows", namespace), field_selector=f"metadata.name={name}"),
        WatchedResource("pods", pods_path, label_selector=f"{WORKFLOW_LABEL}={name}", slim=slim_pod),
    ]
    watcher = ResourceWatcher(cluster, resources)
    if kueue_version:
        _watch_workloads_of_pods(watcher, cluster, namespace)
        cluster.add_kueue_objects(base, [], with_cluster_config=False)  # queues once; Workloads come from the watch
    else:
        base.kueue_installed = False
    watcher.start()
    previous_index = [None]

    def poll_positions():
        if not kueue_version:
            return False
        snapshot = Snapshot(namespace=namespace, local_queues=base.local_queues, source="live")
        cluster.add_positions(snapshot, watcher.objects("pods"))
        if snapshot.pending_workloads == base.pending_workloads:
            return False
        base.pending_workloads = snapshot.pending_workloads
        return True

    def current():
        workflows = watcher.objects("workflow")
        if not workflows:
            raise PluginError(f'workflow "{name}" was deleted from namespace "{namespace}"')
        return workflows[0]

    def draw():
        snapshot = _snapshot(base, current(), watcher, kueue_version)
        index = WorkloadIndex(snapshot.workloads, previous=previous_index[0])
        previous_index[0] = index
        return render(build_status_report(snapshot, session.now(), workload_index=index))

    def finished():
        if not workflow_completed(current()):
            return False
        watcher.resync(skip=("workflow",))   # the last pod and Workload states, read after completion
        return True

    title = f"status {name} -n {namespace}"
    _follow(watcher, _screen(tty, stream), draw, poll=poll_positions, finished=finished, interval=interval,
            clock=lambda: _clock_line(title, interval, session.now()))


def watch_overview(session, namespace, selector, render, *, tty, interval=DEFAULT_INTERVAL, stream=None):
    """render(objects) -> text, redrawn when workflows, the pods of running ones or their Workloads change."""
    from kubectl_kueue_argo.interpret.status.overview import workflow_completed
    from kubectl_kueue_argo.sources.overview import OverviewObjects, running_pods, slim_finished_workflow

    cluster = session.live()
    cluster.require_argo()
    kueue_version = cluster.discovery().kueue_version
    scope = f"/namespaces/{namespace}" if namespace else ""
    resources = [WatchedResource("workflows", cluster.argo_path("workflows", namespace), label_selector=selector,
                                 slim=slim_finished_workflow)]
    watcher = ResourceWatcher(cluster, resources)

    running_of = [None, frozenset()]   # (workflows generation, keys of the running ones)

    def running_keys():
        generation = watcher.generations["workflows"]
        if running_of[0] != generation:
            running_of[:] = [generation, frozenset(_namespaced_name(wf) for wf in watcher.objects("workflows")
                                                   if not workflow_completed(wf))]
        return running_of[1]

    def list_pods():
        running = [wf for wf in watcher.objects("workflows") if not workflow_completed(wf)]
        return running_pods(cluster, namespace, running), watcher.version("workflows")

    def pod_of_running_workflow(pod):
        metadata = pod.get("metadata") or {}
        return (metadata.get("namespace"), (metadata.get("labels") or {}).get(WORKFLOW_LABEL)) in running_keys()

    watcher.add(WatchedResource("pods", f"/api/v1{scope}/pods", label_selector=WORKFLOW_LABEL, slim=slim_pod,
                                accept=pod_of_running_workflow, lister=list_pods, depends_on="workflows",
                                recheck_on_change=True))
    if kueue_version:
        _watch_workloads_of_pods(watcher, cluster, namespace)
    watcher.start()

    def draw():
        objects = OverviewObjects(watcher.objects("workflows"), watcher.objects("pods"),
                                  watcher.objects("workloads") if kueue_version else None, None, bool(kueue_version))
        return render(objects)

    title = f"status {'-A' if namespace is None else '-n ' + namespace}"
    _follow(watcher, _screen(tty, stream), draw, poll=lambda: False, finished=lambda: False, interval=interval,
            clock=lambda: _clock_line(title, None, session.now()))


def _watch_workloads_of_pods(watcher, cluster, namespace):
    """Watch the namespace's Workloads, keeping those of the watched pods: listed by job-uid as the
    one-shot views list them, then followed from that LIST's resourceVersion."""
    def list_workloads():
        items, version = cluster.workloads_for_pods_with_version(namespace, watcher.objects("pods"))
        return items, version or watcher.version("pods")

    watcher.add(WatchedResource("workloads", cluster.kueue_path("workloads", namespace), slim=slim_workload,
                                accept=PodOwnedWorkloads(watcher), lister=list_workloads, depends_on="pods"))


def _screen(tty, stream):
    stream = stream or sys.stdout
    return TerminalScreen(stream) if tty else PipedScreen(stream)


def _follow(watcher, screen, draw, *, poll, finished, interval, clock):
    """Redraw after changes (coalesced), poll every `interval`, end when finished() says so."""
    gc.freeze()   # what the first LISTs read is never traversed by the collector (it has no cycles) ...
    gc.enable()   # ... which a long-running view needs back on (the CLI turns it off for one-shot reads)
    drawn_generation, dirty, last_draw, cost, text = None, True, 0.0, 0.0, None
    next_poll = time.monotonic()   # positions before the first frame
    try:
        with screen, StopSignals() as stop:
            while True:
                stop.check()
                now = time.monotonic()
                if now >= next_poll:
                    dirty = poll() or dirty
                    next_poll = now + interval
                    if text is not None and not dirty:
                        screen.show(clock(), text)   # the clock line moves: only that line is rewritten
                if screen.reader_gone():
                    raise BrokenPipeError()
                done = watcher.generation != drawn_generation and finished()
                if done or dirty or screen.resized or watcher.generation != drawn_generation:
                    wait = 0.0 if done or screen.resized else last_draw + max(MIN_REDRAW_SPACING,
                                                                              REDRAW_COST_FACTOR * cost) - now
                    if wait <= 0:
                        generation = watcher.generation
                        started = time.thread_time()   # this thread's work, not the watch threads'
                        text = draw()
                        screen.show(clock(), text)
                        cost = time.thread_time() - started
                        last_draw, drawn_generation, dirty = time.monotonic(), generation, False
                        if done:
                            return
                        continue
                else:
                    wait = next_poll - now
                watcher.changed.wait(max(0.0, min(wait, next_poll - now, SIGNAL_CHECK_SECONDS)))
                watcher.changed.clear()
    finally:
        watcher.stop()


def _clock_line(title, polled_every, now):
    """The line on top of each frame: what is shown, how it is kept up to date, and the time."""
    how = f"watching; positions every {polled_every:g}s" if polled_every else "watching"
    return f"{title}   ({how})   {format_time(now)}"


def _namespaced_name(obj):
    metadata = obj.get("metadata") or {}
    return metadata.get("namespace"), metadata.get("name")


def _snapshot(base, workflow, watcher, kueue_version):
    return Snapshot(
        namespace=base.namespace, workflow=workflow, pods=watcher.objects("pods"),
        workloads=watcher.objects("workloads") if kueue_version else [], local_queues=base.local_queues,
        cluster_queues=base.cluster_queues, pending_workloads=dict(base.pending_workloads),
        kueue_api_version=base.kueue_api_version, kueue_installed=base.kueue_installed,
        notes=list(base.notes), source="live")
