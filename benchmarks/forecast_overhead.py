"""What `status WF --forecast` costs on top of `status WF`, on the benchmark cluster state.

    python benchmarks/forecast_overhead.py              # N=2,000 steps, M=1,000 unrelated, 5 runs each
    python benchmarks/forecast_overhead.py --steps 5000 --unrelated 30000 --repeat 3

The state is benchmarks/cluster.py's (one namespace, the workflow's pods and Workloads, another
team's pods and 20 other workflows sharing the ClusterQueue), with Argo's estimatedDuration added to
every node so that the forecast has ends to simulate. Both commands run in subprocesses against the
in-process fake API server (benchmarks/run.py's harness), alternately, and the medians are compared.
Target (issue #10): `--forecast` within 1.5x of `status` without it.
"""
import argparse
import os
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks import cluster  # noqa: E402
from benchmarks.run import cli_argv, run_measured, serve, traffic  # noqa: E402
from tests.support.kubeconfig import write_kubeconfig  # noqa: E402

TARGET_RATIO = 1.5


def with_estimates(objects, seconds=900):
    """Every Pod node gets the estimatedDuration Argo would have written from an earlier run."""
    for obj in objects:
        if obj.get("kind") == "Workflow":
            for node in ((obj.get("status") or {}).get("nodes") or {}).values():
                if node.get("type") == "Pod":
                    node["estimatedDuration"] = seconds
    return objects


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--unrelated", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", default="json", choices=("json", "table"))
    args = parser.parse_args(argv)
    objects, counts = cluster.build_state(args.steps, args.unrelated)
    server = serve(with_estimates(objects), 0.0)
    try:
        directory = tempfile.mkdtemp(prefix="kueue-argo-forecast-")
        kubeconfig = write_kubeconfig(os.path.join(directory, "kubeconfig"), server.url, namespace=cluster.NAMESPACE)
        env = {"KUEUE_ARGO_NOW": cluster.NOW, "NO_COLOR": "1"}
        output = ("-o", "json") if args.output == "json" else ()
        commands = {"status": ("status", cluster.WORKFLOW) + output,
                    "status --forecast": ("status", cluster.WORKFLOW, "--forecast") + output}
        walls = {label: [] for label in commands}
        requests = {}
        for _ in range(args.repeat):
            for label, command in commands.items():
                server.clear_requests()
                result = run_measured(cli_argv("--kubeconfig", kubeconfig, *command), env)
                if result["rc"] != 0:
                    raise SystemExit(f"{label} failed: {result['stderr'][-2000:]}")
                walls[label].append(result["wall"])
                requests[label] = traffic(server)
        print(f"N={args.steps} steps ({counts['pods']} pods, {counts['workloads']} Workloads of the workflow), "
              f"M={args.unrelated} unrelated objects; -o {args.output}; {args.repeat} runs each, alternating")
        for label in commands:
            traffic_row = requests[label]
            print(f"  {label:<18} median {statistics.median(walls[label]):6.2f}s  runs "
                  f"{', '.join(f'{w:.2f}' for w in walls[label])}  {traffic_row['requests']} requests, "
                  f"{traffic_row['bytes'] / 1e6:.1f} MB, by resource {traffic_row['by_resource']}")
        ratio = statistics.median(walls["status --forecast"]) / statistics.median(walls["status"])
        print(f"  ratio --forecast / without: x{ratio:.2f} (target <= x{TARGET_RATIO}): "
              f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}")
        return ratio
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(0 if main() <= TARGET_RATIO else 1)
