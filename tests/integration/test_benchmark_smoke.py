"""The benchmark harness (benchmarks/run.py) at N=100, M=100, so it cannot rot. Timings are not checked."""
from benchmarks import run


def test_benchmark_harness_runs_at_small_size(capsys):
    results = run.main(["--sizes", "100", "--unrelated-at", "100", "--latencies", "0", "--repeat", "1",
                        "--interp", "100", "--startup-repeat", "1"])
    capsys.readouterr()
    status = [row for row in results["live"] if row["command"] == "status -o json"]
    assert status and status[0]["steps"] == 100
    for row in results["live"]:
        if not row.get("available"):
            continue
        assert row["requests"] == row["floor_requests"] > 0
        assert row["bytes"] == row["floor_bytes"] > 0
        assert row["wall"] > 0 and row["floor_wall"] > 0 and row["rss_mb"] > 0 and row["floor_rss_mb"] > 0
        assert row["per_object_gets"] == 0
        if row["command"].startswith("status"):      # explain's forecast reads the ClusterQueue's others
            assert row["unrelated_items"] == 0
    assert [row["command"] for row in results["startup"]] == ["--help", "explain -f --offline"]
    assert not any(row["imports_kubernetes"] for row in results["startup"])
    assert results["interpretation"][0]["steps"] == 100
    targets = {target["target"]: target["met"] for target in results["targets"]}
    assert targets["no GET per pod/Workload"] and targets["unrelated pods/Workloads not fetched"]


def test_scale_benchmarks_run_at_small_size(capsys):
    from benchmarks import scale

    overview = scale.bench_overview(scale.ROOT, finished=2, pods_per=3, big=20)
    assert [row["args"] for row in overview] == ["status -o json", "status"]
    assert all(row["requests"] > 0 and row["wall"] > 0 and row["floor_wall"] > 0 for row in overview)
    watch = scale.bench_watch(scale.ROOT, unrelated=[20], n_steps=60, n_events=12, seconds=1.0,
                               warmup=0.5)[0]
    assert watch["events"] == 12 and watch["shown"] == watch["admitted"] > 0 and watch["cpu_seconds"] > 0
    assert watch["rss_mb"] > 0 and watch["one_shot_rss_mb"] > 0
    offline = scale.bench_offline(scale.ROOT, n_steps=60, m_unrelated=20, repeat=1)[0]
    assert offline["offline_wall"] > 0 and offline["live_wall"] > 0
    bundle = scale.bench_bundle(scale.ROOT, megabytes=0.2)[0]
    assert bundle["rc"] in (0, 3) and bundle["objects"] > 1
    capsys.readouterr()
