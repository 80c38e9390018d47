"""Who is ahead of a step in its LocalQueue, and why (pure).

The visibility API lists the LocalQueue's pending Workloads in ClusterQueue order, each with its owner
references, priority and creation time (facts kueue §7, pkg/visibility/storage/utils.go). A pod Workload
is owned by its pod; the pod's Argo labels name the workflow and the step. BestEffortFIFO and StrictFIFO
order by priority first, then by creation time (pkg/cache/queue: queueOrdering).
"""
from kubectl_kueue_argo.interpret.argo.workflow import NODE_NAME_ANNOTATION, WORKFLOW_LABEL
from kubectl_kueue_argo.interpret.dicts import mapping, sequence, text
from kubectl_kueue_argo.interpret.kueue.queues import queue_index
from kubectl_kueue_argo.timeutil import parse_time

NAMED = 4      # others named in the sentence


class QueueAhead:
    """One LocalQueue's pending items in order with their owners, and running counts, built once per
    queue: explaining 2,000 queued steps must not walk the queue 2,000 times."""

    def __init__(self, items, ctx):
        self.ordered, self.index = queue_index(items or [])
        self.owners = [owner_of(item, ctx) for item in self.ordered]
        self.own_before = [0]
        for name, _ in self.owners:
            self.own_before.append(self.own_before[-1] + (1 if name else 0))
        self._higher = {}

    def position_of(self, workload_name):
        return self.index.get(workload_name)

    def higher_before(self, position, priority):
        """How many of the first `position` items have a priority above `priority`."""
        if priority not in self._higher:
            counts = [0]
            for item in self.ordered:
                counts.append(counts[-1] + (1 if _priority(item.get("priority")) > priority else 0))
            self._higher[priority] = counts
        return self._higher[priority][position]


def queue_ahead(step, ctx):
    """(QueueAhead, the step's index in it), or (None, None) when its place is unknown."""
    if step.workload is None or not step.local_queue:
        return None, None
    cache = ctx.cache.setdefault("ahead", {})
    if step.local_queue not in cache:
        items = ctx.pending_items(step.local_queue)
        cache[step.local_queue] = QueueAhead(items, ctx) if items is not None else None
    queue = cache[step.local_queue]
    position = queue.position_of(step.workload_name) if queue is not None else None
    return (queue, position) if position is not None else (None, None)


def owner_of(item, ctx):
    """(this workflow's step display name or None, the owner in words)."""
    meta = mapping(item.get("metadata"))
    namespace = meta.get("namespace") or ctx.namespace
    refs = [ref for ref in sequence(meta.get("ownerReferences")) if isinstance(ref, dict)]
    pod_ref = next((ref for ref in refs if ref.get("kind") == "Pod"), None)
    if pod_ref is None:
        ref = refs[0] if refs else {}
        return None, f"{ref.get('kind') or 'Workload'} {namespace}/{ref.get('name') or meta.get('name') or '?'}"
    pod_name = text(pod_ref.get("name")) or "?"
    own = ctx.steps_by_pod.get(pod_name)
    if own is not None:
        return own.display_name, f"step {own.display_name}"
    return None, _pod_owner(pod_name, namespace, ctx.related_pods.get(pod_name))


def _pod_owner(name, namespace, pod):
    if pod is None:
        return f"Pod {namespace}/{name}"
    metadata = mapping(pod.get("metadata"))
    labels, annotations = mapping(metadata.get("labels")), mapping(metadata.get("annotations"))
    workflow = labels.get(WORKFLOW_LABEL)
    if workflow:
        node = annotations.get(NODE_NAME_ANNOTATION) or name
        return f"workflow {namespace}/{workflow} step {node.rsplit('.', 1)[-1]}"
    controller = next((ref for ref in sequence(metadata.get("ownerReferences"))
                       if isinstance(ref, dict) and ref.get("controller")), None)
    if controller:
        return f"Pod {namespace}/{name} of {controller.get('kind')} {controller.get('name')}"
    return f"Pod {namespace}/{name}"


def why_ahead(item, workload):
    """"higher priority" or "created earlier" (or "queued earlier" when neither explains it)."""
    theirs, ours = _priority(item.get("priority")), _priority(workload.priority)
    if theirs > ours:
        return "higher priority"
    created, own_created = parse_time(mapping(item.get("metadata")).get("creationTimestamp")), parse_time(workload.created)
    if theirs == ours and created and own_created and created <= own_created:
        return "created earlier"
    return "queued earlier"


def _priority(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def ahead_sentence(step, ctx):
    queue, position = queue_ahead(step, ctx)
    if not position:
        return None
    own_count = queue.own_before[position]
    text = f"Ahead of it: {position} Workload{'s' if position != 1 else ''}"
    if own_count:
        own = [name for name, _ in _first(queue.owners[:position], lambda owner: owner[0], NAMED)]
        text += f", {own_count} of them this workflow's own steps ({_named(own, own_count)})"
    else:
        text += ", none of them this workflow's steps"
    if own_count < position:
        others = [(item, words) for item, (name, words) in
                  _first(zip(queue.ordered[:position], queue.owners[:position]), lambda pair: not pair[1][0], NAMED)]
        named = [f"{words} ({why_ahead(item, step.workload)})" for item, words in others]
        text += f"; {'others' if own_count else 'they are'}: {_named(named, position - own_count)}"
    higher = queue.higher_before(position, _priority(step.workload.priority))
    if higher:
        text += f". {higher} of them {'has' if higher == 1 else 'have'} a higher priority"
    return text + "."


def _first(pairs, wanted, limit):
    found = []
    for pair in pairs:
        if wanted(pair):
            found.append(pair)
            if len(found) == limit:
                break
    return found


def _named(names, total):
    return ", ".join(names) + (f" and {total - len(names)} more" if total > len(names) else "")


def ahead_evidence(step, ctx):
    queue, position = queue_ahead(step, ctx)
    if not position:
        return None
    first = queue.ordered[0]
    meta = mapping(first.get("metadata"))
    return (f"LocalQueue {ctx.namespace}/{step.local_queue} pendingworkloads (visibility API): {position} "
            f"item(s) before {step.workload_name}, the first {meta.get('name')} (priority "
            f"{_priority(first.get('priority'))}, created {meta.get('creationTimestamp')})")
