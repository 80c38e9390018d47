"""Are the outputs byte-identical between two trees of the plugin, on every scenario fixture?

    python benchmarks/compare_outputs.py BASE_TREE [--tree .] [--only NAME]

BASE_TREE is a checkout of another commit (e.g. `git archive e60e7fd | tar -x -C /tmp/base`).
Every command runs as a subprocess `python -m kubectl_kueue_argo` from each tree, for every
scenario of tests/fixtures/scenarios:

* offline (--from-file objects.yaml), the clock pinned to the scenario's `now`: `status WF` as
  -o json, the table, -o wide, --timeline and --timeline -o json, and `explain WF` (text and JSON);
* offline with the clock not pinned (waits measured up to the snapshot time): `status WF -o json`;
* live, against the fake API server serving the scenario: `status WF -o json` and the table;
* the namespace overview (`status -o json` and the table), live and offline, one scenario at a time.

It prints each difference and ends with the counts. Differences of the overview are expected
where a change of its columns was meant (see benchmarks/RESULTS.md); everything else must match.
"""
import argparse
import difflib
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.live import serve_scenario  # noqa: E402
from tests.support.scenarios import SCENARIOS_DIR, load_scenario  # noqa: E402


def run(tree, args, env):
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1", "PYTHONPATH": tree,
                   "HOME": tempfile.gettempdir(), "COLUMNS": "200", **env}
    done = subprocess.run([sys.executable, "-m", "kubectl_kueue_argo", *args], cwd=tree, env=environment,
                          capture_output=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


def commands(scenario):
    wf, objects = scenario.expected["workflow"], str(scenario.dir / "objects.yaml")
    pinned = {"KUEUE_ARGO_NOW": scenario.expected["now"]}
    offline = ["--from-file", objects]
    for extra in (["-o", "json"], [], ["-o", "wide"], ["--timeline"], ["--timeline", "-o", "json"]):
        yield "status offline " + " ".join(extra), ["status", wf, *offline, *extra], pinned, False
    for extra in ([], ["-o", "json"]):
        yield "explain offline " + " ".join(extra), ["explain", wf, *offline, *extra], pinned, False
    yield "status offline, clock not pinned -o json", ["status", wf, *offline, "-o", "json"], {}, False
    yield "overview offline -o json", ["status", *offline, "-o", "json", "-A"], pinned, True
    for extra in (["-o", "json"], []):
        yield "status live " + " ".join(extra), ["status", wf, "-n", scenario.expected["namespace"], *extra], pinned, "live"
    yield "overview live", ["status", "-A"], pinned, "live-overview"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base")
    parser.add_argument("--tree", default=ROOT)
    parser.add_argument("--only")
    args = parser.parse_args(argv)
    same, different, expected_differences = 0, [], []
    names = sorted(path.name for path in SCENARIOS_DIR.iterdir() if (path / "expected.yaml").exists())
    for name in names:
        if args.only and name != args.only:
            continue
        scenario = load_scenario(name)
        with tempfile.TemporaryDirectory() as tmp:
            with serve_scenario(scenario, __import__("pathlib").Path(tmp)) as (_, kubeconfig):
                for label, command, env, kind in commands(scenario):
                    if kind in ("live", "live-overview"):
                        command = ["--kubeconfig", str(kubeconfig), *command]
                    outputs = [run(tree, command, env) for tree in (args.base, args.tree)]
                    if outputs[0] == outputs[1]:
                        same += 1
                        continue
                    overview = kind is True or kind == "live-overview"
                    (expected_differences if overview else different).append((name, label))
                    print(f"--- {name}: {label}{' (overview: a meant change)' if overview else ''}")
                    for stream, before, after in (("exit", str(outputs[0][0]).encode(), str(outputs[1][0]).encode()),
                                                  ("stdout", outputs[0][1], outputs[1][1]),
                                                  ("stderr", outputs[0][2], outputs[1][2])):
                        if before != after:
                            diff = difflib.unified_diff(before.decode(errors="replace").splitlines(),
                                                        after.decode(errors="replace").splitlines(), "before",
                                                        "after", lineterm="", n=0)
                            print(f"  [{stream}]\n  " + "\n  ".join(list(diff)[:12]))
    print(f"\n{same} identical, {len(different)} different, {len(expected_differences)} overview outputs changed "
          f"on purpose, over {len(names) if not args.only else 1} scenarios")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
