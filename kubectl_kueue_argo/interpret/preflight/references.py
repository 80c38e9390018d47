"""How templates refer to each other across (Cluster)WorkflowTemplates: templateRef cycles (pure).

Argo runs recursion (a template that calls itself until a `when` condition stops it), so a cycle is
not rejected on submission; through templateRef it is seldom meant, and without a condition that
ends it the workflow never finishes (or fails at the controller's maximum depth).
"""
from kubectl_kueue_argo.interpret.argo.spec import holder_scope, scope_label, template_calls
from kubectl_kueue_argo.interpret.dicts import mapping, sequence
from kubectl_kueue_argo.model import Finding


def template_ref_cycles(documents):
    """A warning for every cycle of calls between the templates of (Cluster)WorkflowTemplates
    that goes through at least one templateRef."""
    graph, by_ref = _call_graph(documents)
    findings = []
    for cycle in _cycles(graph):
        edges = list(zip(cycle, cycle[1:] + cycle[:1]))
        if not any(edge in by_ref for edge in edges):
            continue  # plain recursion inside one template holder
        path = " → ".join(f"{scope_label(scope)}/{name}" for scope, name in cycle + cycle[:1])
        stopped = any(_has_condition(graph, edge) for edge in edges)
        findings.append(Finding(
            code="TemplateRefCycle", severity="warning", template=f"{scope_label(cycle[0][0])}/{cycle[0][1]}",
            message=(f"templateRef cycle: {path}. Argo accepts it as recursion, but unless a `when` "
                     f"condition on the way stops it, the workflow never finishes"
                     + (" (a step on the way has a `when` condition)." if stopped else
                        " (no step on the way has a `when` condition).")),
            remedy="Check that the cycle is meant; otherwise point the templateRef at the right template."))
    return findings


def _call_graph(documents):
    """(scope, template) -> {(scope, template): condition?}, and the set of edges made by templateRef."""
    graph, by_ref = {}, set()
    for document in documents:
        scope = holder_scope(document)
        if scope is None:
            continue
        for template in sequence(mapping(document.get("spec")).get("templates")):
            if not isinstance(template, dict) or not isinstance(template.get("name"), str):
                continue
            source = (scope, template["name"])
            calls = graph.setdefault(source, {})
            conditions = _conditions(template)
            for call_scope, name, ref in template_calls(template, scope):
                target = (call_scope, name)
                calls[target] = calls.get(target, False) or conditions.get((call_scope, name, ref), False)
                if ref:
                    by_ref.add((source, target))
    return graph, by_ref


def _conditions(template):
    """(scope, name, by_ref) -> True when the calling step or task has a `when` condition."""
    conditions = {}
    steps = [step for group in sequence(template.get("steps"))
             for step in (group if isinstance(group, list) else [group]) if isinstance(step, dict)]
    steps += [task for task in sequence(mapping(template.get("dag")).get("tasks")) if isinstance(task, dict)]
    for step in steps:
        if step.get("when"):
            ref = mapping(step.get("templateRef"))
            if ref.get("name") and ref.get("template"):
                key = (("cluster" if ref.get("clusterScope") else "namespaced", ref["name"]), ref["template"], True)
                conditions[key] = True
    return conditions


def _has_condition(graph, edge):
    source, target = edge
    return bool(graph.get(source, {}).get(target))


def _cycles(graph):
    """One cycle (a list of nodes) per strongly connected component that has one (Tarjan)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(root):
        work = [(root, iter(sorted(graph.get(root, {}))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, {}):
                    cycles.append(_a_cycle(graph, set(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def _a_cycle(graph, component):
    """The shortest cycle through the component's first node, inside the component (breadth first)."""
    start = min(component)
    previous = {}
    queue = [start]
    for node in queue:
        for target in sorted(graph.get(node, {})):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            if target in component and target not in previous:
                previous[target] = node
                queue.append(target)
    return [start]
