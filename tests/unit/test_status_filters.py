"""Step filters (--state/--cause/--queue/--waiting) on real scenario reports, and argo's filtered tree."""
from datetime import datetime, timezone

import pytest

from kubectl_kueue_argo.interpret.status.correlate import build_status_report
from kubectl_kueue_argo.interpret.status.filters import (FilteredStatusReport, FilterValueError, StepFilter,
                                                        filter_report, is_waiting, step_filter)
from kubectl_kueue_argo.model import CAUSES, KUEUE_STATES
from kubectl_kueue_argo.render.status import render_status
from kubectl_kueue_argo.render.structured import status_document
from kubectl_kueue_argo.sources.files import FileCluster
from tests.support.scenarios import load_scenario

NOW = datetime(2026, 8, 24, 10, 0, 48, tzinfo=timezone.utc)


def scenario_report(name="queue-per-template"):
    scenario = load_scenario(name)
    snapshot = FileCluster(scenario.objects).snapshot_for_workflow(scenario.expected["workflow"],
                                                                   scenario.expected["namespace"])
    return build_status_report(snapshot, NOW)


def names(report):
    return [step.display_name for step in report.steps]


def test_no_filter_is_the_report_itself():
    report = scenario_report()
    assert filter_report(report, StepFilter()) is report
    assert filter_report(report, None) is report


def test_state_filter_keeps_matching_steps_and_counts_every_step_in_the_summary():
    report = scenario_report()
    filtered = filter_report(report, step_filter(states=["Pending"]))
    assert isinstance(filtered, FilteredStatusReport)
    assert names(filtered) == ["hello2b"]
    assert filtered.summary == report.summary and sum(filtered.summary.values()) == 3
    assert filtered.total_steps == 3


def test_values_of_one_flag_are_alternatives_and_flags_combine():
    report = scenario_report()
    assert names(filter_report(report, step_filter(states=["Pending,Finished"]))) == ["hello1", "hello2b"]
    assert names(filter_report(report, step_filter(states=["Pending", "Admitted"]))) == ["hello2a", "hello2b"]
    assert names(filter_report(report, step_filter(states=["Pending,Admitted"], queues=["user-queue"]))) == [
        "hello2a"]


def test_queue_filter():
    report = scenario_report()
    assert names(filter_report(report, step_filter(queues=["user-queue"]))) == ["hello1", "hello2a"]
    assert names(filter_report(report, step_filter(queues=["user-queue-2"]))) == ["hello2b"]
    assert names(filter_report(report, step_filter(queues=["elsewhere"]))) == []


def test_waiting_keeps_unfinished_steps_that_are_not_running():
    report = scenario_report()
    assert names(filter_report(report, step_filter(waiting=True))) == ["hello2b"]
    by_name = {step.display_name: step for step in report.steps}
    assert not is_waiting(by_name["hello1"])   # finished
    assert not is_waiting(by_name["hello2a"])  # running
    assert is_waiting(by_name["hello2b"])      # gated by Kueue


def test_a_step_never_created_is_waiting():
    report = scenario_report("never-created")
    assert [(step.kueue_state, step.pod_name) for step in report.steps] == [("NoPod", None), ("NoPod", None)]
    assert names(filter_report(report, step_filter(waiting=True))) == ["locked", "quota-blocked"]


def test_cause_filter_on_the_cause_field():
    report = scenario_report()
    by_name = {step.display_name: step for step in report.steps}
    by_name["hello2b"].cause = "WaitingForQuota"
    by_name["hello2a"].cause = "Running"
    assert names(filter_report(report, step_filter(causes=["WaitingForQuota"]))) == ["hello2b"]
    assert names(filter_report(report, step_filter(causes=["waitingforquota,running"]))) == ["hello2a", "hello2b"]
    assert names(filter_report(report, step_filter(causes=["NeverFits"]))) == []


@pytest.mark.parametrize("flag, keyword, known", [("--state", "states", "Pending"),
                                                   ("--cause", "causes", "WaitingForQuota")])
def test_unknown_values_name_the_flag_and_the_allowed_values(flag, keyword, known):
    with pytest.raises(FilterValueError) as raised:
        step_filter(**{keyword: [f"{known},Bogus"]})
    allowed = KUEUE_STATES if keyword == "states" else CAUSES
    assert str(raised.value) == f'invalid value "Bogus" for {flag}: allowed values are {", ".join(allowed)}'


def test_values_are_matched_case_insensitively_to_their_canonical_spelling():
    assert step_filter(states=["inadmissible", "PENDING"]).states == ("Inadmissible", "Pending")
    assert step_filter(causes=["nevERfits"]).causes == ("NeverFits",)


def test_the_tree_keeps_argo_get_shape_hidden_nodes_children_take_their_place():
    report = scenario_report()
    lines = filter_report(report, step_filter(states=["Pending"])).lines
    # argo get --status: the workflow and the step groups are filtered out, hello2b keeps its branch.
    assert [(line.node.get("displayName"), "".join(line.glyphs)) for line in lines] == [("hello2b", " └─")]
    lines = filter_report(report, step_filter(queues=["user-queue"])).lines
    assert [(line.node.get("displayName"), "".join(line.glyphs)) for line in lines] == [
        ("hello1", " ──"), ("hello2a", " ┬─")]


def test_findings_about_hidden_steps_are_hidden_too():
    report = scenario_report("gate-not-removed")
    step_findings = [finding for finding in report.findings if finding.node_id]
    assert step_findings
    hidden = filter_report(report, step_filter(states=["Finished"]))
    assert all(finding.node_id in {step.node_id for step in hidden.steps} for finding in hidden.findings
               if finding.node_id)


def test_every_format_shows_only_the_matching_steps():
    report = scenario_report()
    filtered = filter_report(report, step_filter(states=["Pending"]))
    text = render_status(filtered)
    assert "hello2b" in text and "hello1" not in text and "hello2a" not in text
    assert "Queueing:            1 step waiting for quota, 1 admitted, 1 finished" in text
    assert "Showing:             1 of 3 steps (state Pending)" in text
    wide = render_status(filtered, wide=True)
    assert "hello2b" in wide and "hello2a" not in wide
    document = status_document(filtered)
    assert [step["name"] for step in document["steps"]] == [filtered.steps[0].name]
    assert sum(document["summary"].values()) == 3


def test_nothing_matches():
    filtered = filter_report(scenario_report(), step_filter(states=["Evicted"]))
    assert "No step matches (state Evicted)." in render_status(filtered)
    assert render_status(filtered, no_headers=True).strip() == ""


def test_a_report_without_its_nodes_keeps_the_matching_lines_as_they_are():
    report = scenario_report()
    report.nodes = {}
    lines = filter_report(report, step_filter(states=["Pending"])).lines
    assert [line.node.get("displayName") for line in lines] == ["hello2b"]
    assert "".join(lines[0].glyphs) == "   └─"


def test_a_dag_hides_its_boundary_and_keeps_the_matching_tasks_in_order():
    report = scenario_report("dag-fanout-positions")
    lines = filter_report(report, step_filter(states=["Admitted", "Finished"])).lines
    assert [line.node.get("displayName") for line in lines] == ["prepare", "shard-0", "shard-1"]
    assert ["".join(line.glyphs) for line in lines] == [" ", " ", " "]


def plain_step(**fields):
    values = dict(kueue_state="Pending", cause=None, local_queue=None, queue_name=None, phase="Pending",
                  still_waiting=False)
    values.update(fields)
    return type("Step", (), values)()


def test_each_flag_alone_makes_a_filter_active_and_is_described():
    assert not StepFilter().active
    assert [StepFilter(**{name: value}).active for name, value in (
        ("states", ("Pending",)), ("causes", ("NeverFits",)), ("queues", ("q",)), ("waiting", True))] == [True] * 4
    assert StepFilter().describe() == ""
    assert StepFilter(states=("Pending", "Inadmissible"), causes=("NeverFits",), queues=("a", "b"),
                      waiting=True).describe() == "state Pending,Inadmissible; cause NeverFits; queue a,b; waiting"
    assert StepFilter(queues=("a",)).describe() == "queue a"
    assert StepFilter(waiting=True).describe() == "waiting"


def test_a_step_matches_its_local_queue_or_the_queue_name_its_pod_asks_for():
    selection = StepFilter(queues=("team",))
    assert selection.matches(plain_step(local_queue="team"))
    assert selection.matches(plain_step(queue_name="team"))
    assert not selection.matches(plain_step(local_queue="other", queue_name="other"))
    assert not selection.matches(plain_step())


def test_every_flag_must_hold():
    selection = StepFilter(states=("Pending",), causes=("WaitingForQuota",), queues=("team",), waiting=True)
    waiting = dict(kueue_state="Pending", cause="WaitingForQuota", local_queue="team", phase="Pending")
    assert selection.matches(plain_step(**waiting))
    for field, value in (("kueue_state", "Admitted"), ("cause", "NeverFits"), ("local_queue", "x"),
                         ("phase", "Running")):
        assert not selection.matches(plain_step(**dict(waiting, **{field: value}))), field


def test_waiting_means_unfinished_and_not_running():
    assert is_waiting(plain_step(phase="Pending"))
    assert is_waiting(plain_step(phase="Running", still_waiting=True))
    assert not is_waiting(plain_step(phase="Running"))
    for phase in ("Succeeded", "Failed", "Error", "Skipped", "Omitted"):
        assert not is_waiting(plain_step(phase=phase, still_waiting=True)), phase


def test_queue_values_are_split_trimmed_and_kept_once_in_order():
    assert step_filter(queues=[" b , a", "b,,c", ""]).queues == ("b", "a", "c")
    assert step_filter(states=["Pending,pending", " Admitted "]).states == ("Pending", "Admitted")
    assert step_filter(waiting=1).waiting is True and step_filter().waiting is False


def test_findings_about_the_workflow_stay_and_those_about_shown_steps_too():
    report = scenario_report("offloaded-nodes")
    assert [(f.code, f.node_id) for f in filter_report(report, step_filter(states=["Pending"])).findings] == [
        ("NodeStatusUnavailable", None)]
    report = scenario_report("gate-not-removed")
    assert [(f.code, f.node_id) for f in filter_report(report, step_filter(states=["Admitted"])).findings] == [
        ("GateNotRemoved", "stuck-g4t3z-3891634668")]
    assert filter_report(report, step_filter(states=["Finished"])).findings == []


def test_predicates_answer_true_or_false():
    assert StepFilter(states=("Admitted",)).matches(plain_step()) is False
    assert StepFilter(causes=("NeverFits",)).matches(plain_step()) is False
    assert StepFilter(queues=("q",)).matches(plain_step()) is False
    assert StepFilter(waiting=True).matches(plain_step(phase="Running")) is False
    assert StepFilter().matches(plain_step()) is True
    assert is_waiting(plain_step(phase="Failed")) is False
