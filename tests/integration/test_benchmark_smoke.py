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
