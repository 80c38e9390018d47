"""Benchmarks of the views that used to fall off cliffs (issue #11), each as ratios from one run.

    python benchmarks/scale.py overview            # 300 workflows, ~32k pods and Workloads
    python benchmarks/scale.py watch               # status -w, 2,000 steps, 1,000 events in 30 s, M=3k and 30k
    python benchmarks/scale.py offline             # status --from-file against live, 2,000 steps
    python benchmarks/scale.py bundle              # explain -f of a 50 MB YAML support bundle
    python benchmarks/scale.py all --json out.json
    ... --plugin-root /tmp/base                    # measure another tree of the plugin (before)

N = 10,000 is measured by benchmarks/run.py (`--sizes 10000 --unrelated-at 30000`).

* overview: the plugin's `status -n NS` (table and -o json) against the floor of its own requests
  (benchmarks/floor.py replays them), peak RSS, requests and bytes read.
* watch: `status WF -w` piped, in a subprocess. After its first frame, 1,000 pod and Workload
  changes are made over 30 s (admissions, ungating, pods running, unrelated Workloads changing).
  Figures: the watcher's CPU time (from /proc) per event, the redraws, the redraw latency (from an
  admission to the first frame that shows it, p50/p90), its peak RSS (VmHWM) against the one-shot
  `status` on the same data.
* offline: `status WF --from-file` of a `kubectl get -o json`-style bundle of the same state,
  against the live `status WF`.
* bundle: `explain -f --offline` of a 50 MB YAML support bundle (`kubectl get -o yaml`).
"""
import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks import cluster  # noqa: E402
from benchmarks.run import FLOOR_SCRIPT, run_measured, serve, traffic  # noqa: E402
from tests.support import builders as b  # noqa: E402
from tests.support.kubeconfig import write_kubeconfig  # noqa: E402

FINISHED_WORKFLOWS = 299
PODS_PER_FINISHED = 100
BIG_STEPS = 2000
WATCH_EVENTS = 1000
WATCH_SECONDS = 30.0


def plugin_env(root):
    return {"KUEUE_ARGO_NOW": cluster.NOW, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "PYTHONPATH": root}


def run_plugin(root, args, timeout=900):
    """`python -m kubectl_kueue_argo ARGS` from the tree at `root` (benchmarks/measure.py records VmHWM)."""
    return run_measured(["-m", "kubectl_kueue_argo", *args], plugin_env(root), cwd=root, timeout=timeout)


# ------------------------------------------------------------------------------------------------
# states

def build_finished_workflow(index, pods_per=PODS_PER_FINISHED):
    """A finished workflow of `pods_per` DAG tasks, its completed pods and Finished Workloads."""
    name = f"nightly-{index:03d}-{b._short_hash('nightly' + str(index))}"
    step = b.container_template("step", image="ghcr.io/acme/etl:3.1", command=["python", "etl.py"],
                                requests={"cpu": "1", "memory": "1Gi"}, queue=cluster.OUR_QUEUE)
    main = b.dag_template("main", [{"name": "t", "template": "step", "withSequence": {"count": str(pods_per)}}])
    tree = b.NodeTree(name)
    root = tree.dag("main", started=0)
    nodes = []
    for i in range(pods_per):
        node = tree.task(root, f"t({i}:{i})", "step", started=10 + i, phase="Pending")
        b.pod_node_done(node, finished=700 + i, host=f"worker-{i % 64}")
        nodes.append(node)
    tree.complete(root, finished=900)
    workflow = b.workflow(name, cluster.NAMESPACE, [main, step], tree, phase="Succeeded", started=0, finished=900)
    objects = [workflow]
    for node in nodes:
        pod = b.argo_pod(workflow, node, step, cluster_queue=cluster.OUR_CQ, node_labels=cluster.FLAVOR_LABELS,
                         finished=b._offset_of(node["finishedAt"]))
        objects.append(pod)
        objects.append(b.workload_for_pod(pod, "finished", cluster.OUR_CQ, flavors=cluster.FLAVORS,
                                          reserved_at=b._offset_of(node["startedAt"]) + 1,
                                          finished_at=b._offset_of(node["finishedAt"])))
    return objects


def build_overview_state(finished=FINISHED_WORKFLOWS, pods_per=PODS_PER_FINISHED, big=BIG_STEPS):
    b.clear_cache()
    running = cluster.build_workflow(big)
    objects = [running["workflow"]] + running["pods"] + running["workloads"]
    for index in range(finished):
        objects.extend(build_finished_workflow(index, pods_per))
    extra, summaries = cluster.queues_and_config(running["pending"], [])
    objects += extra + summaries
    counts = {kind: sum(1 for obj in objects if obj.get("kind") == kind) for kind in ("Workflow", "Pod", "Workload")}
    return objects, counts


def kubeconfig_for(server):
    return write_kubeconfig(os.path.join(tempfile.mkdtemp(prefix="kueue-argo-scale-"), "kubeconfig"), server.url,
                            namespace=cluster.NAMESPACE)


def measure_with_floor(server, kubeconfig, root, args):
    """One plugin run and one floor run of the same requests: wall, RSS, requests, bytes."""
    server.clear_requests()
    plugin = run_plugin(root, ["--kubeconfig", kubeconfig, *args])
    if plugin["rc"] != 0:
        raise RuntimeError(f"{args} failed: {plugin['stderr'][-2000:]}")
    seen = traffic(server)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(seen["log"], handle)
        requests_file = handle.name
    server.clear_requests()
    floor = run_measured([FLOOR_SCRIPT, kubeconfig, requests_file], plugin_env(ROOT))
    os.unlink(requests_file)
    return {"args": " ".join(args), "wall": plugin["wall"], "rss_mb": plugin["rss_mb"], "floor_wall": floor["wall"],
            "floor_rss_mb": floor["rss_mb"], "wall_ratio": plugin["wall"] / floor["wall"],
            "requests": seen["requests"], "mb_read": seen["bytes"] / 1e6, "stdout_bytes": len(plugin["stdout"])}


# ------------------------------------------------------------------------------------------------
# overview

def bench_overview(root, log=print, **sizes):
    started = time.perf_counter()
    objects, counts = build_overview_state(**sizes)
    server = serve(objects, 0.0)
    del objects
    log(f"overview state: {counts}, built and served in {time.perf_counter() - started:.0f}s")
    rows = []
    try:
        kubeconfig = kubeconfig_for(server)
        for args in (["status", "-o", "json"], ["status"]):
            row = measure_with_floor(server, kubeconfig, root, args)
            row["counts"] = counts
            rows.append(row)
            log(f"  {row['args']:<18} wall {row['wall']:6.2f}s floor {row['floor_wall']:6.2f}s (x{row['wall_ratio']:.2f})"
                f"  RSS {row['rss_mb']:5.0f}MB (floor {row['floor_rss_mb']:4.0f}MB)  {row['requests']} requests,"
                f" {row['mb_read']:.0f} MB read")
    finally:
        server.close()
    return rows


# ------------------------------------------------------------------------------------------------
# watch

def _proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_peak_rss_mb(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


class _Frames:
    """Reads the piped watch output in the background; records when each pod name's KUEUE state
    first shows as Admitted (-o wide: the POD column)."""

    def __init__(self, stream, watched_pods):
        self.watched = set(watched_pods)
        self.admitted_at = {}
        self.frames = 0
        self.frame_times = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for raw in stream:
            line = raw.decode("utf-8", "replace")
            if line.startswith("Name:"):   # the header block that starts each frame
                self.frames += 1
                self.frame_times.append(time.monotonic())
                continue
            parts = line.split()
            for index, part in enumerate(parts):
                if part in self.watched and "Admitted" in parts[index:]:
                    self.admitted_at.setdefault(part, time.monotonic())
                    break


def _events(server, objects, n_events, pending_pods, unrelated_workloads):
    """Changes as the controllers make them: for each admitted step, its Workload admitted, its pod
    ungated and scheduled, then running (3 events); and unrelated Workloads changing."""
    plan = []
    by_name = {(obj["kind"], obj["metadata"]["name"]): obj for obj in objects if obj["kind"] in ("Pod", "Workload")}
    admissions = min(len(pending_pods), (n_events * 3 // 4) // 3)
    unrelated = n_events - admissions * 3
    workloads_by_pod = {}
    for obj in objects:
        if obj["kind"] == "Workload":
            for ref in obj["metadata"].get("ownerReferences") or []:
                workloads_by_pod[ref["name"]] = obj
    chosen = [pod for pod in pending_pods if pod in workloads_by_pod][:admissions]
    for position, pod_name in enumerate(chosen):
        plan.append(("admit", pod_name, workloads_by_pod[pod_name], by_name[("Pod", pod_name)]))
        plan.append(("ungate", pod_name, None, by_name[("Pod", pod_name)]))
        plan.append(("run", pod_name, None, by_name[("Pod", pod_name)]))
        if position < unrelated:
            plan.append(("unrelated", None, unrelated_workloads[position % len(unrelated_workloads)], None))
    for position in range(len(chosen), unrelated):
        plan.append(("unrelated", None, unrelated_workloads[position % len(unrelated_workloads)], None))
    return plan[:n_events], chosen


def _apply_event(server, kind, workload, pod, moment):
    when = b.ts(moment)
    if kind == "admit":
        current = copy.deepcopy(server.get("Workload", cluster.NAMESPACE, workload["metadata"]["name"]))
        current["status"] = {
            "admission": {"clusterQueue": cluster.OUR_CQ, "podSetAssignments": [
                {"name": "main", "count": 1, "flavors": dict(cluster.FLAVORS),
                 "resourceUsage": {"cpu": "2", "memory": "4Gi"}}]},
            "conditions": [
                {"type": "QuotaReserved", "status": "True", "reason": "QuotaReserved",
                 "message": f"Quota reserved in ClusterQueue {cluster.OUR_CQ}", "lastTransitionTime": when},
                {"type": "Admitted", "status": "True", "reason": "Admitted", "message": "The workload is admitted",
                 "lastTransitionTime": when}]}
        server.update(current)
    elif kind == "ungate":
        current = copy.deepcopy(server.get("Pod", cluster.NAMESPACE, pod["metadata"]["name"]))
        current["spec"].pop("schedulingGates", None)
        current["status"] = {"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": when}]}
        server.update(current)
    elif kind == "run":
        current = copy.deepcopy(server.get("Pod", cluster.NAMESPACE, pod["metadata"]["name"]))
        current["status"]["phase"] = "Running"
        current["status"]["startTime"] = when
        server.update(current)
    else:
        current = copy.deepcopy(server.get("Workload", cluster.NAMESPACE, workload["metadata"]["name"]))
        current["metadata"].setdefault("annotations", {})["bench/touched"] = when
        server.update(current)


def bench_watch(root, unrelated=(3000, 30000), n_steps=BIG_STEPS, log=print, n_events=WATCH_EVENTS,
                seconds=WATCH_SECONDS, warmup=3.0):
    rows = []
    for m_unrelated in unrelated:
        objects, counts = cluster.build_state(n_steps, m_unrelated)
        server = serve(objects, 0.0)
        try:
            kubeconfig = kubeconfig_for(server)
            one_shot = run_plugin(root, ["--kubeconfig", kubeconfig, "status", cluster.WORKFLOW])
            pending_pods = [obj["metadata"]["name"] for obj in objects if obj["kind"] == "Pod"
                            and obj["metadata"]["name"].startswith(cluster.WORKFLOW)
                            and any(g.get("name") == "kueue.x-k8s.io/admission"
                                    for g in obj["spec"].get("schedulingGates") or [])]
            unrelated_workloads = [obj for obj in objects if obj["kind"] == "Workload"
                                   and not obj["metadata"]["name"].startswith("pod-" + cluster.WORKFLOW)][:500]
            plan, chosen = _events(server, objects, n_events, pending_pods, unrelated_workloads)
            del objects
            process = subprocess.Popen([sys.executable, "-m", "kubectl_kueue_argo", "--kubeconfig", kubeconfig,
                                        "status", cluster.WORKFLOW, "-w", "-o", "wide"], cwd=root, env={**os.environ,
                                        **plugin_env(root)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            frames = _Frames(process.stdout, chosen)
            deadline = time.monotonic() + 300
            while frames.frames < 1 and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.05)
            time.sleep(warmup)   # the first positions poll and its frame
            cpu_start, frames_start = _proc_cpu_seconds(process.pid), frames.frames
            started = time.monotonic()
            admitted_sent = {}
            for index, (kind, pod_name, workload, pod) in enumerate(plan):
                target = started + seconds * index / len(plan)
                pause = target - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                _apply_event(server, kind, workload, pod, cluster.NOW_OFFSET + 1)
                if kind == "admit":
                    admitted_sent[pod_name] = time.monotonic()
            sent_all = time.monotonic()
            deadline = sent_all + 120
            while time.monotonic() < deadline and not all(pod in frames.admitted_at for pod in chosen):
                time.sleep(0.1)
            settled = time.monotonic()
            cpu = _proc_cpu_seconds(process.pid) - cpu_start
            rss = _proc_peak_rss_mb(process.pid)
            process.terminate()
            process.wait(timeout=30)
            latencies = sorted(frames.admitted_at[pod] - admitted_sent[pod] for pod in chosen
                               if pod in frames.admitted_at)
            row = {"N": n_steps, "M": m_unrelated, "events": len(plan), "seconds": sent_all - started,
                   "events_per_second": len(plan) / (sent_all - started), "cpu_seconds": cpu,
                   "cpu_ms_per_event": cpu / len(plan) * 1000, "redraws": frames.frames - frames_start,
                   "latency_p50": statistics.median(latencies) if latencies else None,
                   "latency_p90": latencies[int(len(latencies) * 0.9) - 1] if latencies else None,
                   "shown": len(latencies), "admitted": len(chosen), "drain_seconds": settled - sent_all,
                   "rss_mb": rss, "one_shot_rss_mb": one_shot["rss_mb"], "rss_ratio": rss / one_shot["rss_mb"],
                   "counts": counts}
            rows.append(row)
            log(f"  watch N={n_steps} M={m_unrelated}: {row['events']} events in {row['seconds']:.0f}s, "
                f"CPU {row['cpu_ms_per_event']:.1f} ms/event, {row['redraws']} redraws, latency p50 "
                f"{_seconds(row['latency_p50'])} p90 {_seconds(row['latency_p90'])} ({row['shown']}/{row['admitted']} shown), "
                f"RSS {rss:.0f}MB vs one-shot {one_shot['rss_mb']:.0f}MB (x{row['rss_ratio']:.2f})")
        finally:
            server.close()
    return rows


def _seconds(value):
    return "n/a" if value is None else f"{value:.2f}s"


# ------------------------------------------------------------------------------------------------
# offline and the YAML bundle

def bench_offline(root, n_steps=BIG_STEPS, m_unrelated=1000, log=print, repeat=3):
    objects, _ = cluster.build_state(n_steps, m_unrelated)
    server = serve(objects, 0.0)
    try:
        kubeconfig = kubeconfig_for(server)
        live = [run_plugin(root, ["--kubeconfig", kubeconfig, "status", cluster.WORKFLOW]) for _ in range(repeat)]
    finally:
        server.close()
    bundle = os.path.join(tempfile.mkdtemp(prefix="kueue-argo-bundle-"), "bundle.json")
    with open(bundle, "w", encoding="utf-8") as handle:
        json.dump({"apiVersion": "v1", "kind": "List", "items": objects}, handle)
    del objects
    env_unpinned = {k: v for k, v in plugin_env(root).items() if k != "KUEUE_ARGO_NOW"}
    offline = [run_measured(["-m", "kubectl_kueue_argo", "status", cluster.WORKFLOW, "-n", cluster.NAMESPACE,
                             "--from-file", bundle], env_unpinned, cwd=root) for _ in range(repeat)]
    if any(run["rc"] != 0 for run in offline + live):
        raise RuntimeError("offline or live status failed: " + (offline + live)[0]["stderr"][-1000:])
    row = {"N": n_steps, "M": m_unrelated, "bundle_mb": os.path.getsize(bundle) / 1e6,
           "offline_wall": statistics.median(r["wall"] for r in offline), "live_wall": statistics.median(r["wall"] for r in live),
           "offline_rss_mb": max(r["rss_mb"] for r in offline), "live_rss_mb": max(r["rss_mb"] for r in live)}
    row["ratio"] = row["offline_wall"] / row["live_wall"]
    os.unlink(bundle)
    log(f"  offline N={n_steps} M={m_unrelated} ({row['bundle_mb']:.0f} MB JSON): {row['offline_wall']:.2f}s "
        f"{row['offline_rss_mb']:.0f}MB vs live {row['live_wall']:.2f}s {row['live_rss_mb']:.0f}MB (x{row['ratio']:.2f})")
    return [row]


def bench_bundle(root, megabytes=50, log=print):
    """A support bundle as `kubectl get -o yaml` writes it: a `kind: List` of a big workflow, its
    pods and Workloads (and other objects), `megabytes` of YAML; `explain -f` keeps its Workflow."""
    import yaml
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    n_steps = 100
    objects, _ = cluster.build_state(n_steps, 0)
    while True:
        text = yaml.dump({"apiVersion": "v1", "kind": "List", "items": objects}, Dumper=dumper, sort_keys=False)
        if len(text) >= megabytes * 1e6 or n_steps >= 20000:
            break
        n_steps = int(n_steps * megabytes * 1e6 / len(text) * 1.05) + 1
        objects, _ = cluster.build_state(n_steps, 0)
    path = os.path.join(tempfile.mkdtemp(prefix="kueue-argo-yaml-"), "bundle.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    run = run_measured(["-m", "kubectl_kueue_argo", "explain", "-f", path, "--offline", "-o", "json"],
                       plugin_env(root), cwd=root, timeout=900)
    row = {"megabytes": len(text) / 1e6, "objects": len(objects), "wall": run["wall"], "rss_mb": run["rss_mb"],
           "rc": run["rc"]}
    os.unlink(path)
    log(f"  explain -f of a {row['megabytes']:.0f} MB YAML bundle ({len(objects)} objects, one Workflow): "
        f"{row['wall']:.2f}s, RSS {row['rss_mb']:.0f}MB, exit {run['rc']}")
    return [row]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["overview", "watch", "offline", "bundle", "all"])
    parser.add_argument("--plugin-root", default=ROOT, help="the tree of the plugin to measure (default: this one)")
    parser.add_argument("--unrelated", default="3000,30000", help="watch: M values")
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.plugin_root)
    results = {"plugin_root": root}
    print(f"measuring the plugin in {root}")
    if args.what in ("overview", "all"):
        results["overview"] = bench_overview(root)
    if args.what in ("watch", "all"):
        results["watch"] = bench_watch(root, unrelated=[int(m) for m in args.unrelated.split(",")])
    if args.what in ("offline", "all"):
        results["offline"] = bench_offline(root)
    if args.what in ("bundle", "all"):
        results["bundle"] = bench_bundle(root)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1, default=str)
    return results


if __name__ == "__main__":
    main()
