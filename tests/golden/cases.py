"""The golden cases: every text renderer, through the real CLI, on a few scenarios and the bundled
example, at 80 and 200 columns, with the clock pinned (KUEUE_ARGO_NOW)."""
from dataclasses import dataclass
from typing import Tuple

import yaml

from tests.support.paths import EXAMPLES, FIXTURES

WIDTHS = (80, 200)
EXAMPLE = EXAMPLES / "queue-per-template"
EXAMPLE_NOW = "2026-08-24T10:00:48Z"   # the snapshot time the README shows
LATER = "2026-08-24T10:10:00Z"         # after every scenario's snapshot: every wait is positive
# Each brings something the others do not: a steps tree with a fork, a DAG with queue positions,
# the agent pod, retries, pods deleted by pod GC, unmanaged pods, quotas that never fit,
# offloaded and compressed node status, a held parallelism slot.
SCENARIOS = ("quota-wait", "dag-fanout-positions", "http-agent-gated", "retry-preempted", "finished-podgc",
             "unlabelled-pods", "never-fits", "offloaded-nodes", "compressed-nodes", "parallelism-slot")


@dataclass(frozen=True)
class Case:
    name: str                 # the golden file is expected/<name>.txt
    args: Tuple[str, ...]
    now: str
    columns: int


def _scenario(name):
    expected = yaml.safe_load((FIXTURES / "scenarios" / name / "expected.yaml").read_text())
    return expected["workflow"], expected["namespace"], expected["now"], FIXTURES / "scenarios" / name / "objects.yaml"


def _views(source, workflow, namespace, now, files):
    """status (table, wide, ASCII), timeline (UTF-8, ASCII) and explain, at every width."""
    base = ("-n", namespace, *(arg for path in files for arg in ("--from-file", str(path))))
    views = {"status": ("status", workflow), "wide": ("status", workflow, "-o", "wide"),
             "ascii": ("status", workflow, "--no-utf8"), "timeline": ("status", workflow, "--timeline"),
             "timeline-ascii": ("status", workflow, "--timeline", "--no-utf8"), "explain": ("explain", workflow)}
    return [Case(f"{source}.{view}.{columns}", (*args, *base), now, columns)
            for view, args in views.items() for columns in WIDTHS]


def all_cases():
    cases = _views("example", "steps-x7k2p", "ml-team", EXAMPLE_NOW, [EXAMPLE])
    scenario_files = []
    for name in SCENARIOS:
        workflow, namespace, now, objects = _scenario(name)
        scenario_files.append(objects)
        cases += _views(name, workflow, namespace, now, [objects])
    every_file = tuple(arg for path in [EXAMPLE, *scenario_files] for arg in ("--from-file", str(path)))
    never_fits = FIXTURES / "scenarios" / "never-fits" / "objects.yaml"
    with_config = FIXTURES / "scenarios" / "awaiting-workload" / "objects.yaml"   # has the manager ConfigMap
    for columns in WIDTHS:
        cases += [
            Case(f"overview.{columns}", ("status", "-n", "ml-team", *every_file), LATER, columns),
            Case(f"overview-all-namespaces.{columns}", ("status", "-A", *every_file), LATER, columns),
            Case(f"preflight-offline.{columns}", ("explain", "-f", str(EXAMPLE / "workflow.yaml"), "--offline"),
                 EXAMPLE_NOW, columns),
            Case(f"preflight-snapshot.{columns}", ("explain", "-f", str(never_fits), "--from-file", str(never_fits),
                                                   "-n", "ml-team"), EXAMPLE_NOW, columns),
            Case(f"setup.{columns}", ("explain", "setup", "-n", "ml-team", "--from-file", str(with_config)),
                 LATER, columns),
            Case(f"limitations.{columns}", ("explain", "limitations"), EXAMPLE_NOW, columns),
        ]
    return cases
