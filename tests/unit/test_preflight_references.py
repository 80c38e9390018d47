"""templateRef cycles and entrypoints in the pre-flight, on plain dicts."""
from kubectl_kueue_argo.interpret.preflight.analysis import analyze
from kubectl_kueue_argo.interpret.preflight.references import template_ref_cycles


def holder(name, *templates, kind="WorkflowTemplate"):
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": kind, "metadata": {"name": name},
            "spec": {"templates": list(templates)}}


def steps(name, *calls):
    return {"name": name, "steps": [[dict(call, name=f"s{index}") for index, call in enumerate(calls)]]}


def ref(holder_name, template, cluster=False, **extra):
    reference = {"name": holder_name, "template": template}
    if cluster:
        reference["clusterScope"] = True
    return {"templateRef": reference, **extra}


def test_a_three_holder_cycle_is_found_once():
    documents = [holder("a", steps("x", ref("b", "y"))), holder("b", steps("y", ref("c", "z"))),
                 holder("c", steps("z", ref("a", "x")))]
    findings = template_ref_cycles(documents)
    assert [(f.code, f.severity, f.template, f.message) for f in findings] == [(
        "TemplateRefCycle", "warning", "WorkflowTemplate/a/x",
        "templateRef cycle: WorkflowTemplate/a/x → WorkflowTemplate/b/y → WorkflowTemplate/c/z → "
        "WorkflowTemplate/a/x. Argo accepts it as recursion, but unless a `when` condition on the way stops it, "
        "the workflow never finishes (no step on the way has a `when` condition).")]


def test_a_cycle_with_a_when_condition_on_the_way_says_so():
    stopped = [holder("a", steps("x", ref("b", "y", when="{{inputs.parameters.depth}} > 0"))),
               holder("b", steps("y", ref("a", "x")))]
    [finding] = template_ref_cycles(stopped)
    assert finding.message.endswith("the workflow never finishes (a step on the way has a `when` condition).")
    # a second call of the same template without a condition does not take the condition away
    twice = [holder("a", steps("x", ref("b", "y", when="{{x}}"), ref("b", "y"))), holder("b", steps("y", ref("a", "x")))]
    assert template_ref_cycles(twice)[0].message.endswith("(a step on the way has a `when` condition).")


def test_a_template_ref_to_itself_is_a_cycle():
    findings = template_ref_cycles([holder("a", steps("x", ref("a", "x")))])
    assert len(findings) == 1 and "WorkflowTemplate/a/x → WorkflowTemplate/a/x" in findings[0].message


def test_a_cycle_through_a_local_call_and_a_cluster_template():
    documents = [holder("a", steps("x", {"template": "helper"}), steps("helper", ref("shared", "t", cluster=True))),
                 holder("shared", steps("t", ref("a", "x")), kind="ClusterWorkflowTemplate")]
    findings = template_ref_cycles(documents)
    assert len(findings) == 1
    assert "ClusterWorkflowTemplate/shared/t" in findings[0].message and "WorkflowTemplate/a/helper" in \
        findings[0].message


def test_no_cycle_no_finding():
    documents = [holder("a", steps("x", ref("b", "y"))), holder("b", {"name": "y", "container": {"image": "x"}})]
    assert template_ref_cycles(documents) == []


def test_local_recursion_is_not_a_template_ref_cycle():
    assert template_ref_cycles([holder("a", steps("x", {"template": "x", "when": "{{x}}"}))]) == []


def test_analyze_reports_cycles_once_for_all_documents():
    documents = [holder("a", steps("x", ref("b", "y"))), holder("b", steps("y", ref("a", "x")))]
    report = analyze(documents)
    assert [f.code for f in report.findings].count("TemplateRefCycle") == 1
    assert report.documents == ["WorkflowTemplate/a", "WorkflowTemplate/b"]
