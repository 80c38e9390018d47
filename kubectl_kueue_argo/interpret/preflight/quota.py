"""Just enough ClusterQueue reading for the pre-flight check (pure).

Quotas come from spec.resourceGroups[].flavors[].resources[] {name, nominalQuota, borrowingLimit}.
A flavor's ceiling for a resource is nominalQuota + borrowingLimit. Without a cohort nothing can
be borrowed; in a cohort, a missing borrowingLimit means "no limit" (facts/kueue.md §6).
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from kubectl_kueue_argo.interpret.dicts import mapping as _dict, sequence as _list
from kubectl_kueue_argo.interpret.kueue.queues import cohort_name
from kubectl_kueue_argo.quantity import try_parse_quantity


@dataclass
class FlavorQuota:
    name: str
    nominal: Dict[str, object] = field(default_factory=dict)    # resource -> Fraction
    ceiling: Dict[str, Optional[object]] = field(default_factory=dict)  # None = unbounded


@dataclass
class ResourceGroup:
    covered: List[str]
    flavors: List[FlavorQuota]


def resource_groups(cluster_queue):
    cohort = cohort_name(cluster_queue)
    groups = []
    for group in _list(_dict(_dict(cluster_queue).get("spec")).get("resourceGroups")):
        group = _dict(group)
        flavors = []
        covered = [str(r) for r in _list(group.get("coveredResources"))]
        for flavor in _list(group.get("flavors")):
            quota = FlavorQuota(name=str(_dict(flavor).get("name", "?")))
            for resource in _list(_dict(flavor).get("resources")):
                resource = _dict(resource)
                name = str(resource.get("name"))
                nominal = try_parse_quantity(resource.get("nominalQuota", 0))
                if nominal is None:
                    continue
                quota.nominal[name] = nominal
                quota.ceiling[name] = _ceiling(nominal, resource.get("borrowingLimit"), cohort)
                if name not in covered:
                    covered.append(name)
            flavors.append(quota)
        groups.append(ResourceGroup(covered=covered, flavors=flavors))
    return groups


def uncovered(requests, cluster_queue):
    """Requested resources (non-zero) that no resource group of the ClusterQueue covers."""
    covered = {name for group in resource_groups(cluster_queue) for name in group.covered}
    return sorted(name for name, amount in requests.items() if amount > 0 and name not in covered)


@dataclass
class FitProblem:
    resources: List[str]           # resources of the group that cannot fit
    best_flavor: Optional[str]
    requested: Dict[str, object]
    ceiling: Dict[str, object]     # the best flavor's nominal + borrowing limit


def never_fits(requests, cluster_queue):
    """A FitProblem per resource group where no flavor can hold the whole request, even by
    borrowing as much as allowed (Kueue puts all of a group's resources in one flavor)."""
    problems = []
    for group in resource_groups(cluster_queue):
        wanted = {n: a for n, a in requests.items() if n in group.covered and a > 0}
        if not wanted or not group.flavors:
            continue
        best = None
        for flavor in group.flavors:
            short = [n for n, a in wanted.items() if not _fits(a, flavor.ceiling.get(n, 0))]
            if not short:
                best = None
                break
            if best is None or len(short) < len(best[1]):
                best = (flavor, short)
        if best is not None:
            flavor, short = best
            problems.append(FitProblem(resources=sorted(short), best_flavor=flavor.name,
                                       requested={n: wanted[n] for n in sorted(short)},
                                       ceiling={n: flavor.ceiling.get(n, 0) for n in sorted(short)}))
    return problems


def dominant_share(requests, cluster_queue):
    """Largest request/nominal-quota ratio over resources and flavors' best case (for ranking)."""
    share = 0
    for group in resource_groups(cluster_queue):
        for name, amount in requests.items():
            if name not in group.covered or amount <= 0:
                continue
            quotas = [f.nominal.get(name, 0) for f in group.flavors]
            best = max(quotas) if quotas else 0
            share = max(share, float(amount / best) if best else float("inf"))
    return share


def nominal_summary(cluster_queue):
    """resource -> total nominal quota over all flavors."""
    total = {}
    for group in resource_groups(cluster_queue):
        for flavor in group.flavors:
            for name, amount in flavor.nominal.items():
                total[name] = total.get(name, 0) + amount
    return total


def _ceiling(nominal, borrowing_limit, cohort):
    if not cohort:
        return nominal
    if borrowing_limit is None:
        return None
    extra = try_parse_quantity(borrowing_limit)
    return None if extra is None else nominal + extra


def _fits(amount, ceiling):
    return ceiling is None or amount <= ceiling
