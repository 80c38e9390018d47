"""ClusterQueue quota arithmetic of the pre-flight (interpret/preflight/quota.py), on whole values."""
from fractions import Fraction as F

from kubectl_kueue_argo.interpret.preflight.quota import (
    FitProblem, FlavorQuota, ResourceGroup, dominant_share, never_fits, nominal_summary, resource_groups, uncovered,
)

GI = 2**30


def cq(groups, cohort=None):
    spec = {"resourceGroups": groups}
    if cohort:
        spec["cohortName"] = cohort
    return {"kind": "ClusterQueue", "metadata": {"name": "cq"}, "spec": spec}


def group(covered, *flavors):
    return {"coveredResources": list(covered), "flavors": list(flavors)}


def flavor(name, resources=None, **more):
    """resources: {name: (nominal, borrowingLimit or None)}."""
    return {"name": name, "resources": [
        {"name": resource, "nominalQuota": nominal, **({"borrowingLimit": limit} if limit else {})}
        for resource, (nominal, limit) in {**(resources or {}), **more}.items()]}


TWO_GROUPS = cq([group(["cpu", "memory"], flavor("small", cpu=(4, "2"), memory=("8Gi", None)),
                       flavor("big", cpu=(8, None), memory=("4Gi", "4Gi"))),
                 group(["nvidia.com/gpu"], flavor("gpu", {"nvidia.com/gpu": (2, None)}))], cohort="c")


def test_resource_groups_with_ceilings_in_a_cohort():
    assert resource_groups(TWO_GROUPS) == [
        ResourceGroup(covered=["cpu", "memory"], flavors=[
            FlavorQuota("small", nominal={"cpu": 4, "memory": 8 * GI}, ceiling={"cpu": 6, "memory": None}),
            FlavorQuota("big", nominal={"cpu": 8, "memory": 4 * GI}, ceiling={"cpu": None, "memory": 8 * GI})]),
        ResourceGroup(covered=["nvidia.com/gpu"], flavors=[
            FlavorQuota("gpu", nominal={"nvidia.com/gpu": 2}, ceiling={"nvidia.com/gpu": None})])]


def test_resource_groups_without_cohort_borrow_nothing_and_skip_bad_quantities():
    queue = cq([{"coveredResources": ["cpu"], "flavors": [
        {"name": "f", "resources": [{"name": "cpu", "borrowingLimit": "2"}, {"name": "memory", "nominalQuota": "x"},
                                    {"name": "pods", "nominalQuota": "10", "borrowingLimit": "nonsense"}]},
        {"resources": []}]}])
    assert resource_groups(queue) == [ResourceGroup(covered=["cpu", "pods"], flavors=[
        FlavorQuota("f", nominal={"cpu": 0, "pods": 10}, ceiling={"cpu": 0, "pods": 10}), FlavorQuota("?")])]
    borrowing_nonsense = cq(queue["spec"]["resourceGroups"], cohort="c")
    assert resource_groups(borrowing_nonsense)[0].flavors[0].ceiling == {"cpu": 2, "pods": None}
    assert resource_groups({}) == [] and resource_groups(cq(["junk"])) == [ResourceGroup(covered=[], flavors=[])]


def test_uncovered_lists_nonzero_requests_no_group_covers():
    requests = {"nvidia.com/gpu": 1, "cpu": 2, "example.com/fpga": 1, "ephemeral-storage": 0, "memory": GI}
    assert uncovered(requests, TWO_GROUPS) == ["example.com/fpga"]
    assert uncovered(requests, cq([group(["cpu"], flavor("f", cpu=(1, None)))])) == \
        ["example.com/fpga", "memory", "nvidia.com/gpu"]


def test_never_fits_names_the_flavor_that_comes_closest():
    no_cohort = cq([group(["cpu", "memory"], flavor("a", cpu=(4, None), memory=("1Gi", None)),
                          flavor("b", cpu=(2, None), memory=("64Gi", None)), flavor("c", cpu=(16, None)))])
    requests = {"cpu": 8, "memory": 2 * GI}
    assert never_fits(requests, no_cohort) == [
        FitProblem(resources=["cpu"], best_flavor="b", requested={"cpu": 8}, ceiling={"cpu": 2})]
    assert never_fits({"cpu": 16}, no_cohort) == []                 # c holds it
    # a and b fall short on cpu only, c (no memory quota) on both: the first with the fewest wins
    assert never_fits({"cpu": 17, "memory": 1}, no_cohort) == [
        FitProblem(resources=["cpu"], best_flavor="a", requested={"cpu": 17}, ceiling={"cpu": 4})]


def test_never_fits_with_borrowing_and_per_group():
    assert never_fits({"cpu": 6, "memory": 8 * GI, "nvidia.com/gpu": 100}, TWO_GROUPS) == []   # unbounded
    capped = cq([group(["cpu"], flavor("f", cpu=(4, "2")))], cohort="c")
    assert never_fits({"cpu": 6}, capped) == []
    assert never_fits({"cpu": F(61, 10)}, capped) == [
        FitProblem(resources=["cpu"], best_flavor="f", requested={"cpu": F(61, 10)}, ceiling={"cpu": 6})]
    assert never_fits({"cpu": 0, "memory": 5}, capped) == []            # nothing of this group asked
    assert never_fits({"cpu": 5}, cq([group(["cpu"])])) == []            # a group without flavors


def test_dominant_share_is_the_largest_request_to_best_nominal_ratio():
    assert dominant_share({"cpu": 4, "memory": 6 * GI}, TWO_GROUPS) == 0.75
    assert dominant_share({"cpu": 16}, TWO_GROUPS) == 2.0
    assert dominant_share({"cpu": 0, "example.com/x": 5}, TWO_GROUPS) == 0
    assert dominant_share({"cpu": 1}, cq([group(["cpu"], flavor("f", memory=(1, None)))])) == float("inf")
    assert dominant_share({"cpu": 1}, cq([group(["cpu"])])) == float("inf")


def test_nominal_summary_adds_every_flavor():
    assert nominal_summary(TWO_GROUPS) == {"cpu": 12, "memory": 12 * GI, "nvidia.com/gpu": 2}
    assert nominal_summary(cq([])) == {}


def test_a_resource_the_best_flavor_has_no_quota_for_has_a_ceiling_of_zero():
    cpu_only = cq([group(["cpu", "memory"], flavor("f", cpu=(4, None)))])
    assert never_fits({"cpu": 1, "memory": 1}, cpu_only) == [
        FitProblem(resources=["memory"], best_flavor="f", requested={"memory": 1}, ceiling={"memory": 0})]


def test_a_zero_request_does_not_count_even_against_a_zero_quota():
    queue = cq([group(["cpu", "memory"], flavor("f", cpu=(0, None), memory=(4, None)))])
    assert dominant_share({"cpu": 0, "memory": 1}, queue) == 0.25
