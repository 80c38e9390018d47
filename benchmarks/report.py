"""Render the JSON of a benchmark run (benchmarks/run.py --json PATH) as Markdown tables.

    python benchmarks/report.py benchmarks/results.json > /tmp/tables.md
"""
import json
import sys


def _mb(value):
    return f"{value / 1e6:.1f}"


def _latency(value):
    return f"{value * 1000:.0f} ms"


def live_tables(results):
    rows = [r for r in results["live"] if r.get("available")]
    out = ["| N | M | latency | command | wall (s) | floor (s) | wall ratio | peak RSS (MB) | floor RSS (MB) | "
           "requests | MB sent | runs |",
           "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(rows, key=lambda r: (r["latency"], r["N"], r["M"])):
        out.append(f"| {r['N']:,} | {r['M']:,} | {_latency(r['latency'])} | `{r['command']}` | {r['wall']:.2f} | "
                   f"{r['floor_wall']:.2f} | {r['wall_ratio']:.2f} | {r['rss_mb']:.0f} | {r['floor_rss_mb']:.0f} | "
                   f"{r['requests']} | {_mb(r['bytes'])} | {r.get('runs', 1)} |")
    missing = [r for r in results["live"] if not r.get("available")]
    if missing:
        out.append("")
        out.append(f"Not measured: {len(missing)} command runs (" + "; ".join(
            sorted({r.get('error', 'explain not available')[:120] for r in missing})) + ").")
    return "\n".join(out)


def request_table(results):
    rows = [r for r in results["live"] if r.get("available") and r["latency"] == 0.0]
    out = ["| N | M | command | requests | LIST | GET | pod + Workload LIST pages | other | per-object GETs | "
           "unrelated items fetched | MB sent |",
           "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(rows, key=lambda r: (r["N"], r["M"], r["command"])):
        out.append(f"| {r['N']:,} | {r['M']:,} | `{r['command']}` | {r['requests']} | {r['lists']} | {r['gets']} | "
                   f"{r['pages']} | {r['requests'] - r['pages']} | {r['per_object_gets']} | "
                   f"{r.get('unrelated_items', '')} | {_mb(r['bytes'])} |")
    return "\n".join(out)


def growth_table(results, axis, fixed):
    other = "M" if axis == "N" else "N"
    rows = sorted((r for r in results["live"] if r.get("available") and r["latency"] == 0.0
                   and r[other] == fixed and r["command"] == "status -o json"), key=lambda r: r[axis])
    out = [f"| {axis} | wall (s) | floor (s) | peak RSS (MB) | requests | MB sent | MB sent per 1,000 steps |",
           "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r[axis]:,} | {r['wall']:.2f} | {r['floor_wall']:.2f} | {r['rss_mb']:.0f} | {r['requests']} | "
                   f"{_mb(r['bytes'])} | {r['bytes'] / 1e6 / max(1, r['N']) * 1000:.1f} |")
    return "\n".join(out)


def interpretation_table(results):
    out = ["| N | steps | build_status_report (s) | µs/step | render_status table (s) | µs/step | "
           "status_document + JSON (s) | µs/step |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results["interpretation"]:
        out.append(f"| {r['N']:,} | {r['steps']:,} | {r['report']:.3f} | {r['report_us_per_step']:.0f} | "
                   f"{r['table']:.3f} | {r['table_us_per_step']:.0f} | {r['json']:.3f} | {r['json_us_per_step']:.0f} |")
    return "\n".join(out)


def startup_table(results):
    out = ["| command | median wall (ms) | runs (ms) | modules imported | imports kubernetes |",
           "|---|---:|---|---:|---|"]
    for r in results["startup"]:
        runs = ", ".join(f"{w * 1000:.0f}" for w in r["walls"])
        out.append(f"| `kubectl-kueue_argo {r['command']}` | {r['wall'] * 1000:.0f} | {runs} | {r['modules']} | "
                   f"{'yes' if r['imports_kubernetes'] else 'no'} |")
    return "\n".join(out)


def targets_table(results):
    out = ["| target | met | measured |", "|---|---|---|"]
    for t in results["targets"]:
        out.append(f"| {t['target']} | {'**yes**' if t['met'] else '**NO**'} | {t['detail']} |")
    return "\n".join(out)


def main(path):
    with open(path, encoding="utf-8") as handle:
        results = json.load(handle)
    plan = results["plan"]
    sections = [
        ("Targets", targets_table(results)),
        ("Live commands against the fake API server, and the floor", live_tables(results)),
        ("Requests", request_table(results)),
        (f"Growth with N (status -o json, M={plan['unrelated_at']:,}, no latency)",
         growth_table(results, "N", plan["unrelated_at"])),
        ("Growth with M (status -o json, N=5,000, no latency)", growth_table(results, "M", 5000)),
        ("Interpretation and rendering in-process (M=0)", interpretation_table(results)),
        ("Start-up", startup_table(results)),
    ]
    for title, table in sections:
        print(f"### {title}\n\n{table}\n")


if __name__ == "__main__":
    main(sys.argv[1])
