"""What a forecast says, and what it rests on, in words (pure)."""
from dataclasses import dataclass, field
from typing import List, Optional

from kubectl_kueue_argo.interpret.forecast import inputs
from kubectl_kueue_argo.interpret.forecast import simulate as sim
from kubectl_kueue_argo.quantity import format_quantity
from kubectl_kueue_argo.wording import prose_duration

ASSUMPTIONS = "assumes nothing else arrives, nothing is preempted and the expected ends hold"
SOURCE_WORDS = {
    inputs.ARGO_ESTIMATE: "node startedAt + estimatedDuration",
    inputs.MAX_EXECUTION_TIME: "Workload spec.maximumExecutionTimeSeconds",
    inputs.ACTIVE_DEADLINE: "pod spec.activeDeadlineSeconds",
}


@dataclass
class StartForecast:
    """When a waiting step's Workload is expected to be admitted (StepStatus.forecast)."""
    start_in_seconds: Optional[float]          # 0: fits now; None: unknown
    basis: List[str] = field(default_factory=list)
    sentence: str = ""
    cluster_queue: Optional[str] = None


def unknown(reason, basis=(), cluster_queue=None):
    return StartForecast(None, [reason] + list(basis), f"no start time can be forecast: {reason}", cluster_queue)


def start_forecast(model, outcome, target, notes):
    """The StartForecast of queue key `target` from its simulated Outcome; `notes`: basis lines
    about the reads (missing namespaces, ClusterQueue visibility)."""
    basis = _model_basis(model) + list(notes)
    ahead = model.unknown_ahead.get(target, 0)
    if ahead:
        return unknown(f"{_count(ahead, 'Workload')} ahead of it in ClusterQueue {model.name} could not be read",
                       basis, model.name)
    if outcome.admitted is None:
        return unknown(_blocked_reason(model, outcome), basis, model.name)
    behind = model.unknown_pending
    if outcome.admitted > 0 and behind and model.capacity.strategy != sim.STRICT_FIFO:
        return unknown(f"BestEffortFIFO: {_count(behind, 'Workload')} of ClusterQueue {model.name} that could "
                       f"not be read may be admitted before it", basis, model.name)
    enabler = _main_enabler(model, outcome, target)
    if outcome.admitted <= 0 and enabler is None:
        decisive = f"fits in the unused nominal quota of ClusterQueue {model.name} now"
        sentence = f"expected to start now: it fits in the unused quota of ClusterQueue {model.name}"
    else:
        subject = describe(model, enabler, target)
        if outcome.admitted <= 0:
            decisive = f"fits once {subject} ends; that end is past, so any moment now"
            sentence = f"expected to start any moment now, when {subject} ends"
        else:
            decisive = f"fits once {subject} ends"
            sentence = f"expected to start in about {prose_duration(outcome.admitted)}, when {subject} ends"
    return StartForecast(seconds(outcome.admitted), [decisive] + basis, sentence, model.name)


def seconds(value):
    """Seconds for documents: whole numbers as int, others to the millisecond; never negative."""
    value = round(max(0.0, float(value)), 3)
    return int(value) if value.is_integer() else value


def describe(model, key, target=None):
    """"step A of workflow etl-a (4 cpu, Argo estimate)" or "Workload ns/name (...)"."""
    item = model.items.get(key)
    if item is None:
        return "a Workload that could not be read"
    target_item = model.items.get(target) if target else None
    where = item.workflow if target_item is None or target_item.namespace == item.namespace \
        else f"{item.namespace}/{item.workflow}"
    who = (f"step {item.step} of workflow {where}" if item.step and item.workflow
           else f"Workload {item.namespace}/{item.name}")
    details = [amounts_text(item.usage_or_requests), item.time_source or "end unknown"]
    if item.overdue:
        details.append("overdue")
    queued = "queued ahead of it; " if model.queued(key) else ""
    return f"{who} ({queued}{', '.join(d for d in details if d)})"


def amounts_text(amounts):
    """The amounts that matter in a sentence: accelerators and cpu; memory only when alone."""
    shown = [(name, amount) for name, amount in sorted(amounts.items()) if amount and name != "memory"]
    if not shown and amounts.get("memory"):
        shown = [("memory", amounts["memory"])]
    return ", ".join(f"{format_quantity(amount, name)} {name}" for name, amount in shown)


def _main_enabler(model, outcome, target):
    keys = [key for key in outcome.enabled_by if key in model.items or key.startswith("?")]
    if not keys:
        return None
    wanted = model.items[target].usage_or_requests if target in model.items else {}

    def overlap(key):
        item = model.items.get(key)
        amounts = item.usage_or_requests if item else {}
        return sum(float(amounts.get(name, 0) / amount) for name, amount in wanted.items() if amount)
    return max(keys, key=overlap)


def _blocked_reason(model, outcome):
    if outcome.blocked == sim.NEVER_FITS:
        return (f"it needs more than the nominal quota of ClusterQueue {model.name}"
                + (" (borrowing from the cohort is not forecast)" if model.cohort else ""))
    if outcome.blocked == sim.BEHIND_NEVER_FITS:
        return (f"StrictFIFO: {describe(model, outcome.blocked_by)} is ahead of it and never fits the nominal "
                f"quota, so the queue does not move")
    holders = list(model.endless())      # a copy: the model caches its list
    if model.unknown_running:
        holders.append("?unreadable")
    names = [describe(model, key) if not key.startswith("?") else "quota held by Workloads that were not read"
             for key in holders[:3]]
    more = f" and {len(holders) - 3} more" if len(holders) > 3 else ""
    return ("it can only be admitted after a Workload whose end is unknown: "
            + (", ".join(names) + more if names else "a queued Workload without a run time"))


def _model_basis(model):
    lines = []
    order = ("queue order from the visibility API (positionInClusterQueue)" if model.order == inputs.VISIBILITY_ORDER
             else "queue order by priority, creation time and UID (no ClusterQueue visibility list)")
    lines.append(f"ClusterQueue {model.name}: {model.capacity.strategy}, nominal quota; {order}")
    if model.cohort:
        lines.append(f"ClusterQueue {model.name} is in cohort {model.cohort}: forecast on its nominal quota alone, "
                     f"borrowing ignored")
    counted = sum(model.ends.values())
    if counted:
        parts = [f"{count} {SOURCE_WORDS.get(source, source)}" for source, count in sorted(model.ends.items(),
                                                                                        key=lambda pair: -pair[1])]
        lines.append(f"expected ends of {_count(counted, 'running Workload')}: {', '.join(parts)}")
    else:
        lines.append(f"no Workload holds quota in ClusterQueue {model.name}")
    if model.ends.get(inputs.ARGO_ESTIMATE) or any(item.time_source == inputs.ARGO_ESTIMATE
                                                   for item in model.items.values()):
        lines.append("Argo estimates come from the previous successful run and include its queue wait")
    lines.append(ASSUMPTIONS)
    return lines


def _count(number, noun):
    return f"{number} {noun}" + ("" if number == 1 else "s")


def demand_sentence(demand):
    """"40 pods of shard (4 cpu each) want 160 cpu at once; team-cq has 32 cpu: at most 8 run at
    once, in ≥5 waves" for one ClusterQueue's QueueDemand."""
    if not demand.pods:
        return f"no pod of this workflow goes to ClusterQueue {demand.cluster_queue}"
    parts = [f"{count} pods of {template} ({amounts_text(requests)} each)" if count > 1
             else f"step {template} ({amounts_text(requests)})" for template, requests, count in demand.groups[:4]]
    if len(demand.groups) > 4:
        parts.append(f"{len(demand.groups) - 4} more templates")
    groups = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    asked = [name for name, amount in demand.peak.items() if amount]
    has = amounts_text({name: demand.nominal.get(name, 0) for name in asked}) or "no quota for them"
    borrowing = ""
    # None: the cohort lets it borrow without limit; absent: the ClusterQueue does not cover it at all
    unlimited = [name for name in asked if name in demand.with_borrowing and demand.with_borrowing[name] is None]
    if unlimited:
        borrowing = f" nominal (its cohort sets no borrowing limit for {', '.join(unlimited)})"
    elif any(demand.with_borrowing.get(name) != demand.nominal.get(name) for name in asked):
        borrowing = f" nominal, {amounts_text({n: demand.with_borrowing.get(n, 0) for n in asked})} with borrowing"
    verb = "want" if demand.pods != 1 else "wants"
    text = f"{groups} {verb} {amounts_text(demand.peak)} at once; {demand.cluster_queue} has {has}{borrowing}"
    if demand.waves is None:
        text += ": some of them never fit its nominal quota"
    elif demand.waves <= 1 and demand.at_once in (None, demand.pods):
        text += ": all of them fit at once"
    elif demand.at_once is not None:
        text += f": at most {demand.at_once} run at once, in ≥{max(demand.waves, -(-demand.pods // max(1, demand.at_once)))} waves"
    else:
        text += f": they run in ≥{demand.waves} waves"
    return text


BLOCKED_WORDS = {
    sim.NEVER_FITS: "it needs more than the nominal quota",
    sim.BEHIND_NEVER_FITS: "StrictFIFO: it waits behind a Workload that never fits",
    sim.UNKNOWN_END: "it waits for quota held by a Workload whose end is unknown",
    sim.NOT_RELEASED: "it waits for a step whose end is unknown",
    sim.UNKNOWN_QUEUE: "its ClusterQueue is unknown",
}


def starved_sentence(template, requests, fan_out):
    return (f"step {template} ({amounts_text(requests)}) can never run while the fan-out of {fan_out} holds the "
            f"queue: every freed slot goes to the next {fan_out} pod first, so it starts once the fan-out has drained")
