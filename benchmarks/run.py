"""Benchmark harness for `kubectl kueue-argo`: one command runs everything.

    /tmp/venv/bin/python benchmarks/run.py            # full run (N up to 20,000, M up to 30,000)
    /tmp/venv/bin/python benchmarks/run.py --quick    # smoke run, about half a minute

What it measures (see benchmarks/README.md):

1. live commands against the in-process fake API server (tests/support/fakeapi.py), each in a
   subprocess `python -m kubectl_kueue_argo ...`: `status WF -o json`, `status WF` (table) and
   `explain WF` (n/a until kubectl_kueue_argo/interpret/diagnose/diagnosis.py exists): wall time, peak RSS
   (os.wait4 rusage of that child), HTTP requests and bytes (the server's records);
2. the floor: the very same GETs (paths + queries from the server's log) replayed with the
   kubernetes client and json.loads only (benchmarks/floor.py, also a subprocess);
3. start-up: `kubectl-kueue_argo --help` and offline `explain -f` of one manifest, and whether
   either imports `kubernetes` (python -X importtime);
4. in-process interpretation and rendering (build_status_report, render_status, status_document)
   at growing N, to show linear growth.

It prints every figure, the plugin/floor ratios, the growth with N and M and the targets, and can
write the results as JSON (--json) for benchmarks/RESULTS.md.
"""
import argparse
import gc
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from urllib.parse import urlencode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks import cluster  # noqa: E402
from tests.support.fakeapi import FakeApiServer  # noqa: E402
from tests.support.kubeconfig import write_kubeconfig  # noqa: E402
from tests.support.live import load_into  # noqa: E402

FLOOR_SCRIPT = os.path.join(ROOT, "benchmarks", "floor.py")
MANIFEST = "/work/shared/reference/kueue-site-examples/workflow-single-queue.yaml"
FALLBACK_MANIFEST = os.path.join(ROOT, "examples")
STARTUP_LIMIT = 0.25
RSS_LIMIT_MB = 300
RATIO_LIMIT = 1.5
TARGET = (5000, 30000)

# repeat: runs per figure at the first latency (median wall, max RSS); other latencies and N >= 20,000
# run once, to keep a full run under ten minutes on two cores.
FULL = {"sizes": [100, 1000, 5000, 20000], "unrelated_at": 1000, "unrelated": [0, 30000],
        "extra": [], "latencies": [0.0, 0.02], "repeat": 3, "interp": [1000, 5000, 20000]}
QUICK = {"sizes": [100, 1000], "unrelated_at": 100, "unrelated": [0, 1000], "extra": [],
         "latencies": [0.0, 0.02], "repeat": 1, "interp": [200, 1000]}
SINGLE_RUN_FROM = 20000
PLUGIN_ROOT = ROOT   # --plugin-root: the tree of the plugin measured (another commit's, for "before")


# ------------------------------------------------------------------------------------------------
# processes

MEASURE_SCRIPT = os.path.join(ROOT, "benchmarks", "measure.py")


def run_measured(argv, env=None, cwd=ROOT, timeout=600, rss=True):
    """Run `python ARGV...` (argv without the interpreter); wall seconds, peak RSS (MB) of that
    process alone (benchmarks/measure.py), exit code, stdout, stderr."""
    environment = dict(os.environ)
    environment.update(env or {})
    rss_file = tempfile.NamedTemporaryFile(prefix="rss-", delete=False)
    rss_file.close()
    command = [sys.executable] + ([MEASURE_SCRIPT, rss_file.name] if rss else []) + list(argv)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=environment,
                                   cwd=cwd)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    try:
        with open(rss_file.name, encoding="ascii") as handle:
            rss_kb = int(handle.read() or 0)
    except (OSError, ValueError):
        rss_kb = 0
    os.unlink(rss_file.name)
    return {"wall": wall, "rss_mb": rss_kb / 1024.0, "rc": process.returncode, "stdout": stdout,
            "stderr": stderr.decode("utf-8", "replace")}


class CommandFailed(RuntimeError):
    pass


def cli_argv(*args):
    return ["-m", "kubectl_kueue_argo", *args]


def explain_available():
    return importlib.util.find_spec("kubectl_kueue_argo.interpret.diagnose.diagnosis") is not None


# ------------------------------------------------------------------------------------------------
# live commands against the fake API server

COMMANDS = (
    ("status -o json", ("status", cluster.WORKFLOW, "-o", "json")),
    ("status (table)", ("status", cluster.WORKFLOW)),
    ("explain", ("explain", cluster.WORKFLOW)),
)


def serve(objects, latency):
    server = FakeApiServer(latency=latency)
    load_into(server, objects)
    server.warm()
    return server


def traffic(server):
    records = server.requests
    return {
        "requests": len(records),
        "bytes": sum(record.bytes_sent for record in records),
        "lists": sum(1 for r in records if r.verb == "list"),
        "gets": sum(1 for r in records if r.verb == "get"),
        "per_object_gets": sum(1 for r in records if r.verb == "get" and r.resource in ("pods", "workloads")),
        "by_resource": _count_by(records),
        "log": [[r.path, dict(r.query)] for r in records],
        "statuses": sorted({r.status for r in records if r.status is not None}),
    }


def _count_by(records):
    out = {}
    for record in records:
        key = record.resource or "discovery"
        out[key] = out.get(key, 0) + 1
    return out


def unrelated_fetched(server, log, related):
    """Items the plugin's LISTs returned that do not belong to the workflow (re-fetched here)."""
    count = 0
    for path, query in log:
        url = server.url + path + ("?" + urlencode(query) if query else "")
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                document = json.loads(response.read())
        except Exception:  # noqa: BLE001 - errors (404 of optional reads) return no items
            continue
        for item in document.get("items") or []:
            meta = item.get("metadata") or {}
            kind = document.get("kind", "")
            if kind in ("PodList", "WorkloadList") and meta.get("name") not in related:
                count += 1
    server.clear_requests()
    return count


def bench_live(n_steps, m_unrelated, latencies, repeat, state, log=print):
    objects, counts = state
    related = {obj["metadata"]["name"] for obj in objects
               if obj.get("kind") in ("Pod", "Workload") and _belongs(obj)}
    results = []
    started = time.perf_counter()
    server = serve(objects, latencies[0])
    log(f"  served and pre-encoded in {time.perf_counter() - started:.1f}s")
    try:
        kubeconfig_dir = tempfile.mkdtemp(prefix="kueue-argo-bench-")
        kubeconfig = write_kubeconfig(os.path.join(kubeconfig_dir, "kubeconfig"), server.url,
                                      namespace=cluster.NAMESPACE)
        env = {"KUEUE_ARGO_NOW": cluster.NOW, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
        for latency in latencies:
            server.latency = latency
            if latency != latencies[0] and n_steps >= SINGLE_RUN_FROM:
                continue    # the transfer dominates there; keeps a full run under ten minutes
            for label, args in COMMANDS:
                if label == "explain" and not explain_available():
                    results.append({"N": n_steps, "M": m_unrelated, "latency": latency, "command": label,
                                    "available": False})
                    continue
                runs = repeat if latency == latencies[0] and n_steps < SINGLE_RUN_FROM else 1
                try:
                    row = _bench_command(server, kubeconfig, env, args, runs, counts)
                except CommandFailed as err:
                    if label != "explain":
                        raise
                    # explain is being written: report it, measure the rest
                    log(f"  explain: n/a ({err})")
                    results.append({"N": n_steps, "M": m_unrelated, "latency": latency, "command": label,
                                    "available": False, "error": str(err)[:300]})
                    continue
                row.update({"N": n_steps, "M": m_unrelated, "latency": latency, "command": label,
                            "available": True})
                if latency == latencies[0]:
                    row["unrelated_items"] = unrelated_fetched(server, row.pop("log"), related)
                else:
                    row.pop("log")
                results.append(row)
                log(_live_line(row))
    finally:
        server.close()
    return results


def _belongs(obj):
    meta = obj.get("metadata") or {}
    if obj["kind"] == "Pod":
        return (meta.get("labels") or {}).get("workflows.argoproj.io/workflow") == cluster.WORKFLOW
    return any(ref.get("name", "").startswith(cluster.WORKFLOW) for ref in meta.get("ownerReferences") or [])


def _bench_command(server, kubeconfig, env, args, repeat, counts):
    # Connection flags before the command: `explain WF --kubeconfig K` does not see the flag (reported).
    argv = cli_argv("--kubeconfig", kubeconfig, *args)
    walls, rsses, floor_walls, floor_rsses = [], [], [], []
    row = {}
    for attempt in range(repeat):
        server.clear_requests()
        run = run_measured(argv, dict(env, PYTHONPATH=PLUGIN_ROOT), cwd=PLUGIN_ROOT)
        if run["rc"] not in (0, 3):
            raise CommandFailed(f"{' '.join(args)} failed with exit code {run['rc']}: {run['stderr'][-2000:]}")
        walls.append(run["wall"])
        rsses.append(run["rss_mb"])
        if attempt == 0:
            row.update(traffic(server))
            row["stdout_bytes"] = len(run["stdout"])
            if "-o" in args and "json" in args:
                document = json.loads(run["stdout"])
                row["steps"] = len(document["steps"])
                if row["steps"] != counts["podSteps"]:
                    raise RuntimeError(f"status listed {row['steps']} steps, expected {counts['podSteps']}")
                row["summary"] = {k: v for k, v in document["summary"].items() if v}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(row["log"], handle)
            requests_file = handle.name
        server.clear_requests()
        floor = run_measured([FLOOR_SCRIPT, kubeconfig, requests_file], env)
        os.unlink(requests_file)
        if floor["rc"] != 0:
            raise RuntimeError(f"floor failed: {floor['stderr'][-2000:]}")
        if attempt == 0:
            row["floor_bytes"] = server.bytes_sent
            row["floor_requests"] = len(server.requests)
        floor_walls.append(floor["wall"])
        floor_rsses.append(floor["rss_mb"])
    row.update({"runs": repeat, "wall": statistics.median(walls), "walls": walls, "rss_mb": max(rsses),
                "floor_wall": statistics.median(floor_walls), "floor_walls": floor_walls,
                "floor_rss_mb": max(floor_rsses)})
    row["wall_ratio"] = row["wall"] / row["floor_wall"]
    row["rss_ratio"] = row["rss_mb"] / row["floor_rss_mb"]
    return row


def _live_line(row):
    return (f"  N={row['N']:>6} M={row['M']:>6} lat={row['latency'] * 1000:>3.0f}ms {row['command']:<15} "
            f"wall {row['wall']:7.2f}s (floor {row['floor_wall']:6.2f}s, x{row['wall_ratio']:.2f})  "
            f"RSS {row['rss_mb']:6.0f}MB (floor {row['floor_rss_mb']:5.0f}MB, x{row['rss_ratio']:.2f})  "
            f"{row['requests']:>3} req {row['bytes'] / 1e6:7.1f}MB")


# ------------------------------------------------------------------------------------------------
# start-up

def bench_startup(repeat=7):
    script = os.path.join(os.path.dirname(sys.executable), "kubectl-kueue_argo")
    entry = [script] if os.path.exists(script) else cli_argv()  # the installed console script
    manifest = MANIFEST if os.path.exists(MANIFEST) else _example_manifest()
    cases = [("--help", entry + ["--help"]),
             ("explain -f --offline", entry + ["explain", "-f", manifest, "--offline"])]
    rows = []
    for label, argv in cases:
        walls = []
        for _ in range(repeat):
            run = run_measured(argv, {"NO_COLOR": "1"}, rss=False)
            if run["rc"] not in (0, 3):
                raise RuntimeError(f"{label} failed: {run['stderr'][-2000:]}")
            walls.append(run["wall"])
        traced = run_measured(argv, {"NO_COLOR": "1", "PYTHONPROFILEIMPORTTIME": "1"}, rss=False)
        modules = [line.split("|")[-1].strip() for line in traced["stderr"].splitlines()
                   if line.startswith("import time:") and "|" in line]
        imported_kubernetes = any(m == "kubernetes" or m.startswith("kubernetes.") for m in modules)
        rows.append({"command": label, "wall": statistics.median(walls), "walls": walls,
                     "modules": len(modules), "imports_kubernetes": imported_kubernetes,
                     "manifest": manifest if "explain" in label else None})
        print(f"  {label:<22} {statistics.median(walls) * 1000:6.0f} ms (median of {repeat}), "
              f"{len(modules)} modules imported, kubernetes imported: {imported_kubernetes}")
    return rows


def _example_manifest():
    for folder, _, files in os.walk(FALLBACK_MANIFEST):
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                return os.path.join(folder, name)
    raise RuntimeError("no manifest to check")


# ------------------------------------------------------------------------------------------------
# in-process interpretation and rendering

def bench_interpretation(sizes, repeat=3):
    from kubectl_kueue_argo.interpret.status.correlate import build_status_report
    from kubectl_kueue_argo.render.status import render_status
    from kubectl_kueue_argo.render.structured import dump, status_document
    from kubectl_kueue_argo.sources.files import FileCluster
    from kubectl_kueue_argo.timeutil import parse_time

    now = parse_time(cluster.NOW)
    rows = []
    for n_steps in sizes:
        objects, counts = cluster.build_state(n_steps, 0)
        documents = json.loads(json.dumps(objects))   # as decoded from the wire: nothing shared
        del objects
        snapshot = FileCluster(documents).snapshot_for_workflow(cluster.WORKFLOW, cluster.NAMESPACE)
        timings = {"report": [], "table": [], "json": []}
        for _ in range(repeat):
            gc.collect()
            started = time.perf_counter()
            report = build_status_report(snapshot, now)
            timings["report"].append(time.perf_counter() - started)
            started = time.perf_counter()
            render_status(report, wide=False, color=False, utf8=True)
            timings["table"].append(time.perf_counter() - started)
            started = time.perf_counter()
            dump(status_document(report), "json")
            timings["json"].append(time.perf_counter() - started)
        row = {"N": n_steps, "steps": len(report.steps)}
        for key, values in timings.items():
            row[key] = min(values)
            row[key + "_us_per_step"] = min(values) / max(1, len(report.steps)) * 1e6
        rows.append(row)
        print(f"  N={n_steps:>6}: report {row['report']:.3f}s ({row['report_us_per_step']:.0f} µs/step)  "
              f"table {row['table']:.3f}s ({row['table_us_per_step']:.0f} µs/step)  "
              f"json {row['json']:.3f}s ({row['json_us_per_step']:.0f} µs/step)")
        del snapshot, documents, report
    return rows


# ------------------------------------------------------------------------------------------------
# growth and targets

def growth(rows, key, axis, fixed):
    """[(axis value, figure)] for one command at latency 0, the other axis fixed."""
    other = "M" if axis == "N" else "N"
    points = sorted((r[axis], r[key]) for r in rows if r.get("available") and r["latency"] == 0.0
                    and r[other] == fixed and r["command"] == "status -o json")
    return points


def check_targets(live, startup, interp, quick):
    checks = []
    status_rows = [r for r in live if r.get("available") and r["command"].startswith("status")]
    all_rows = [r for r in live if r.get("available")]
    # requests: no per-object GETs; LIST count explained by pages of >= 500
    per_object = sum(r["per_object_gets"] for r in all_rows)
    checks.append(("no GET per pod/Workload", per_object == 0, f"{per_object} per-object GETs"))
    by_n = {}
    for r in all_rows:
        if r["latency"] == 0.0:
            by_n.setdefault((r["command"], r["M"]), []).append((r["N"], r["requests"], r["pages"], r["min_pages"]))
    growth_ok, detail = True, []
    for (command, m), points in sorted(by_n.items()):
        points.sort()
        extra = [req - pages for _, req, pages, _ in points]
        if len(set(extra)) > 1 or any(pages > min_pages for _, _, pages, min_pages in points):
            growth_ok = False
        if command == "status -o json":
            detail.append(f"M={m}: " + ", ".join(f"N={n}: {req} = {req - pages} + {pages} pages (pods, Workloads, positions)"
                                                 for n, req, pages, _ in points))
    checks.append(("request count constant in N apart from pages of >= 500 (every command)", growth_ok,
                   "status -o json " + "; ".join(detail)))
    # explain forecasts: it reads the other Workloads of the ClusterQueue on purpose (their quota and ends).
    unrelated = max((r.get("unrelated_items", 0) for r in status_rows), default=0)
    checks.append(("unrelated pods/Workloads not fetched", unrelated == 0,
                   f"at most {unrelated} unrelated items fetched by one status command"))
    target = [r for r in status_rows if (r["N"], r["M"]) == TARGET]
    for r in target:
        checks.append((f"{r['command']} N=5000 M=30000 latency {r['latency'] * 1000:.0f}ms: wall <= 1.5x floor",
                       r["wall_ratio"] <= RATIO_LIMIT, f"{r['wall']:.2f}s vs floor {r['floor_wall']:.2f}s "
                                                      f"(x{r['wall_ratio']:.2f})"))
        checks.append((f"{r['command']} N=5000 M=30000 latency {r['latency'] * 1000:.0f}ms: peak RSS < 300 MB",
                       r["rss_mb"] < RSS_LIMIT_MB, f"{r['rss_mb']:.0f} MB"))
    if len(interp) >= 2:
        first, last = interp[0], interp[-1]
        for key in ("report", "table", "json"):
            slope = last[key + "_us_per_step"] / max(1e-9, first[key + "_us_per_step"])
            checks.append((f"{key} time linear in N", slope < 1.5,
                           f"{first[key + '_us_per_step']:.0f} µs/step at N={first['N']}, "
                           f"{last[key + '_us_per_step']:.0f} µs/step at N={last['N']} (x{slope:.2f})"))
    for row in startup:
        checks.append((f"{row['command']} < 0.25 s without importing kubernetes",
                       row["wall"] < STARTUP_LIMIT and not row["imports_kubernetes"],
                       f"{row['wall'] * 1000:.0f} ms, kubernetes imported: {row['imports_kubernetes']}"))
    return checks


def _pages(count, page_size=500):
    return max(1, -(-count // page_size))


# ------------------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition (smoke run)")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        help="N values (workflow Pod steps), comma-separated")
    parser.add_argument("--unrelated", type=lambda s: [int(x) for x in s.split(",")],
                        help="M values (unrelated pods + Workloads) measured at N=5000 (or the largest N)")
    parser.add_argument("--unrelated-at", type=int, help="M used for the N series")
    parser.add_argument("--latencies", type=lambda s: [float(x) for x in s.split(",")],
                        help="per-request server latencies in seconds, e.g. 0,0.02")
    parser.add_argument("--repeat", type=int, help="runs per measurement (median wall, max RSS)")
    parser.add_argument("--interp", type=lambda s: [int(x) for x in s.split(",")],
                        help="N values of the in-process interpretation benchmark")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measurements")
    parser.add_argument("--startup-repeat", type=int, help="runs per start-up figure (default 7, --quick 3)")
    parser.add_argument("--json", metavar="PATH", help="write every figure as JSON to PATH")
    parser.add_argument("--serve", metavar="N,M", help="only build the state N,M, serve it and print a kubeconfig "
                                                      "(for profiling a command by hand); Ctrl-C stops")
    parser.add_argument("--latency", type=float, default=0.0, help="with --serve: per-request latency")
    parser.add_argument("--plugin-root", help="measure the plugin of another tree (e.g. an older commit's)")
    return parser.parse_args(argv)


def plan(args):
    base = dict(QUICK if args.quick else FULL)
    for key in ("sizes", "unrelated", "latencies", "repeat", "interp"):
        if getattr(args, key) is not None:
            base[key] = getattr(args, key)
    if args.unrelated_at is not None:
        base["unrelated_at"] = args.unrelated_at
    if args.sizes is not None and args.unrelated is None:
        base["unrelated"] = []
    if args.sizes is not None:
        base["extra"] = []
    m_series_n = 5000 if 5000 in base["sizes"] else max(base["sizes"])
    configs = [(n, base["unrelated_at"]) for n in base["sizes"]]
    configs += [(m_series_n, m) for m in base["unrelated"]]
    configs += list(base["extra"])
    seen, ordered = set(), []
    for config in configs:
        if config not in seen:
            seen.add(config)
            ordered.append(config)
    return base, sorted(ordered), m_series_n


def machine():
    info = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    try:
        info["lscpu"] = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        info["lscpu"] = ""
    try:
        import kubernetes
        info["kubernetes_client"] = kubernetes.__version__
    except ImportError:
        pass
    return info


def serve_forever(spec, latency):
    n_steps, m_unrelated = (int(x) for x in spec.split(","))
    objects, counts = cluster.build_state(n_steps, m_unrelated)
    server = serve(objects, latency)
    del objects
    path = write_kubeconfig(os.path.join(tempfile.mkdtemp(prefix="kueue-argo-bench-"), "kubeconfig"), server.url,
                            namespace=cluster.NAMESPACE)
    print(f"serving N={n_steps} M={m_unrelated} {counts} at {server.url}\n"
          f"KUBECONFIG={path} KUEUE_ARGO_NOW={cluster.NOW} kubectl-kueue_argo status {cluster.WORKFLOW}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.close()


def main(argv=None):
    global PLUGIN_ROOT
    args = parse_args(sys.argv[1:] if argv is None else argv)
    PLUGIN_ROOT = os.path.abspath(args.plugin_root) if args.plugin_root else ROOT
    if args.serve:
        return serve_forever(args.serve, args.latency)
    base, configs, m_series_n = plan(args)
    started = time.perf_counter()
    results = {"machine": machine(), "plan": {"configs": configs, **{k: v for k, v in base.items()}},
               "explain_available": explain_available()}
    print(f"kubectl kueue-argo benchmarks — python {results['machine']['python']}, {os.cpu_count()} cpus")
    if not args.no_startup:
        print("\nStart-up")
        results["startup"] = bench_startup(repeat=args.startup_repeat or (3 if args.quick else 7))
    else:
        results["startup"] = []

    print("\nLive commands (subprocess) vs the floor (same GETs, kubernetes client + json.loads only)")
    live, workflow_parts, unrelated_parts = [], {}, {}
    for index, (n_steps, m_unrelated) in enumerate(configs):
        build_started = time.perf_counter()
        later = configs[index:]
        for parts, key, axis, build in ((workflow_parts, n_steps, 0, cluster.build_workflow),
                                        (unrelated_parts, m_unrelated, 1, cluster.build_unrelated)):
            for old in [k for k in parts if all(config[axis] != k for config in later)]:
                del parts[old]          # not needed by any later configuration
            if key not in parts:
                parts[key] = build(key)
        state = cluster.build_state(n_steps, m_unrelated, workflow_part=workflow_parts[n_steps],
                                    unrelated_part=unrelated_parts[m_unrelated])
        print(f" N={n_steps} M={m_unrelated}: {len(state[0])} objects built in "
              f"{time.perf_counter() - build_started:.1f}s ({state[1]})")
        rows = bench_live(n_steps, m_unrelated, base["latencies"], base["repeat"], state)
        for row in rows:
            if row.get("available"):
                row["counts"] = state[1]
                # Visibility pages (1,000 positions each) are pagination too: one LocalQueue here.
                visibility = row["by_resource"].get("localqueues/pendingworkloads", 0)
                row["pages"] = row["by_resource"].get("pods", 0) + row["by_resource"].get("workloads", 0) + visibility
                row["min_pages"] = _pages(state[1]["pods"]) + _pages(state[1]["pods"]) + _pages(state[1]["pending"], 1000)
                if row["command"] == "explain":      # its forecast: every Workload, the ClusterQueue's queue
                    row["pages"] += row["by_resource"].get("clusterqueues/pendingworkloads", 0)
                    row["min_pages"] += _pages(sum(1 for o in state[0] if o.get("kind") == "Workload")) + _pages(
                        cluster.queue_length(state[0]), 1000)
        live.extend(rows)
        del state
        gc.collect()
    if not results["explain_available"]:
        print("  explain: n/a (kubectl_kueue_argo/interpret/diagnose/diagnosis.py is not there yet)")
    results["live"] = live

    print("\nIn-process interpretation and rendering (M=0)")
    workflow_parts.clear()
    unrelated_parts.clear()
    gc.collect()
    results["interpretation"] = bench_interpretation(base["interp"], repeat=1 if args.quick else 3)

    print("\nGrowth (status -o json, no latency)")
    for axis, fixed in (("N", base["unrelated_at"]), ("M", m_series_n)):
        for key, unit in (("wall", "s"), ("rss_mb", "MB"), ("requests", ""), ("bytes", "B")):
            points = growth(live, key, axis, fixed)
            if len(points) > 1:
                text = ", ".join(f"{axis}={x}: {_fmt(y, unit)}" for x, y in points)
                print(f"  {key:<8} by {axis} (other={fixed}): {text}")

    print("\nTargets")
    checks = check_targets(live, results["startup"], results["interpretation"], args.quick)
    results["targets"] = [{"target": name, "met": ok, "detail": detail} for name, ok, detail in checks]
    for name, ok, detail in checks:
        print(f"  [{'met' if ok else 'MISSED'}] {name}: {detail}")
    results["elapsed"] = time.perf_counter() - started
    print(f"\nDone in {results['elapsed']:.0f}s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1, default=str)
    return results


def _fmt(value, unit):
    if unit == "B":
        return f"{value / 1e6:.1f}MB"
    if unit == "s":
        return f"{value:.2f}s"
    if unit == "MB":
        return f"{value:.0f}MB"
    return str(value)


if __name__ == "__main__":
    main()
