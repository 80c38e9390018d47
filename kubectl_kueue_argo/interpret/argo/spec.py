"""Workflow-spec facts shared by `explain` and the live status view (pure).

What this answers for any template of a Workflow-like document: its type, which pod runs it
(its own pod, the shared agent pod, or none) and the labels that pod would carry, following
Argo's precedence (facts/argo-workflows.md §2.2, §2.3, §4.1):

    controller base labels < merged spec.podMetadata < template metadata

where the Workflow's spec is merged over the spec of its workflowTemplateRef, spec.templateDefaults
is merged under every template, and (Argo >= 3.7) a templateRef'd (Cluster)WorkflowTemplate's own
spec.podMetadata is folded into the referenced template's metadata.
"""
import copy
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

from kubectl_kueue_argo.interpret.dicts import deep_merge, mapping as _dict, sequence as _list

QUEUE_LABEL = "kueue.x-k8s.io/queue-name"
LABEL_WORKFLOW = "workflows.argoproj.io/workflow"
LABEL_COMPLETED = "workflows.argoproj.io/completed"
LABEL_COMPONENT = "workflows.argoproj.io/component"

# The order Argo's Template.GetType() checks the type fields in.
_TYPE_FIELDS = ("container", "containerSet", "steps", "dag", "script", "resource", "data",
                "suspend", "http", "plugin")
_OWN_POD_TYPES = frozenset(("container", "script", "resource", "data", "containerSet"))
_AGENT_TYPES = frozenset(("http", "plugin"))
TEMPLATE_HOLDER_KINDS = ("WorkflowTemplate", "ClusterWorkflowTemplate")
DEFAULT_ARGO_VERSION = (3, 7)
_SCOPE_OF_KIND = {"WorkflowTemplate": "namespaced", "ClusterWorkflowTemplate": "cluster"}
_KIND_OF_SCOPE = {"namespaced": "WorkflowTemplate", "cluster": "ClusterWorkflowTemplate"}


def template_type(template):
    """container, script, resource, data, containerSet, http, plugin, suspend, steps, dag or unknown."""
    if not isinstance(template, dict):
        return "unknown"
    for name in _TYPE_FIELDS:
        if template.get(name) is not None:
            return name
    return "unknown"


def pod_kind(kind_of_template):
    """"own" (the template gets its own pod), "agent" (the shared agent pod) or "none"."""
    if kind_of_template in _OWN_POD_TYPES:
        return "own"
    if kind_of_template in _AGENT_TYPES:
        return "agent"
    return "none"


def workflow_spec(document):
    """The spec a Workflow would run with: CronWorkflows carry it in spec.workflowSpec."""
    spec = _dict(document.get("spec")) if isinstance(document, dict) else {}
    if isinstance(document, dict) and document.get("kind") == "CronWorkflow":
        return _dict(spec.get("workflowSpec"))
    return spec


def document_label(document):
    """"<Kind>/<name or generateName>", the way findings and rows name a document."""
    meta = _dict(document.get("metadata"))
    name = meta.get("name") or meta.get("generateName") or "(unnamed)"
    return f"{document.get('kind') or 'Workflow'}/{name}"


def pod_metadata_labels(spec):
    return {str(k): str(v) for k, v in _dict(_dict(spec.get("podMetadata")).get("labels")).items()}


def template_metadata_labels(template):
    return {str(k): str(v) for k, v in _dict(_dict(template.get("metadata")).get("labels")).items()}


def merge_specs(base, override):
    """Workflow spec over a WorkflowTemplate spec: maps merge key by key, templates by name,
    other lists are replaced (Argo's strategic merge in JoinWorkflowSpec)."""
    merged = deep_merge(base, {k: v for k, v in override.items() if k != "templates"})
    by_name = {}
    for template in list(_list(base.get("templates"))) + list(_list(override.get("templates"))):
        if isinstance(template, dict):
            by_name[template.get("name")] = template
    if by_name:
        merged["templates"] = list(by_name.values())
    return merged


def apply_template_defaults(template, defaults):
    """spec.templateDefaults under a template, the template winning; the type stays the template's."""
    if not defaults:
        return template
    kind = template_type(template)
    defaults = {k: v for k, v in defaults.items() if k not in _TYPE_FIELDS or k == kind}
    return deep_merge(defaults, template)


@dataclass
class ResolvedTemplate:
    name: str
    type: str
    pod: str
    labels: Dict[str, str]
    queue_name: Optional[str]
    origin: str
    template: dict = field(default_factory=dict)   # effective template (templateDefaults merged)
    unresolved_reason: Optional[str] = None


class SpecResolver:
    """Answers template questions for one Workflow, WorkflowTemplate, ClusterWorkflowTemplate or
    CronWorkflow, using `available_templates` ((Cluster)WorkflowTemplate documents) for references.

    A live Workflow's status.storedTemplates and status.storedWorkflowTemplateSpec are used first:
    they are what the controller actually resolved.

    `argo_version` (major, minor) switches the templateRef podMetadata fold (3.7+).
    `podmetadata_overrides_template` models Argo 3.7.x as released (argo-workflows#15870): the
    holder's podMetadata is copied over template metadata for every lookup, so it wins conflicts.
    """

    def __init__(self, workflow_like, available_templates=(), *, argo_version=DEFAULT_ARGO_VERSION,
                 podmetadata_overrides_template=False):
        self._doc = workflow_like if isinstance(workflow_like, dict) else {}
        self._kind = self._doc.get("kind") or "Workflow"
        self._label = document_label(self._doc)
        self._fold = tuple(argo_version) >= (3, 7)
        self._overwrite = bool(podmetadata_overrides_template) and self._fold
        self._holders = _index_holders(available_templates)
        status = _dict(self._doc.get("status"))
        self._stored = {k: v for k, v in _dict(status.get("storedTemplates")).items() if isinstance(v, dict)}
        self._unresolved = []
        self._resolved_cache = {}
        self.missing_workflow_template = None   # "WorkflowTemplate/x": the workflowTemplateRef not found
        self._spec, self._spec_origin = self._exec_spec(_dict(status.get("storedWorkflowTemplateSpec")))

    # -- public -------------------------------------------------------------------------------

    @property
    def spec(self):
        """The merged spec the controller would execute (Workflow over its workflowTemplateRef)."""
        return self._spec

    @property
    def label(self):
        return self._label

    def pod_metadata_labels(self):
        return pod_metadata_labels(self._spec)

    def base_labels(self):
        """Labels the controller writes on every pod before podMetadata (§2.2)."""
        labels = {LABEL_COMPLETED: "false"}
        name = _dict(self._doc.get("metadata")).get("name")
        if name and self._kind == "Workflow":
            labels[LABEL_WORKFLOW] = name
        return labels

    def agent_labels(self):
        """The agent pod gets spec.podMetadata only; http/plugin template metadata never reaches it."""
        labels = self.base_labels()
        labels.update(self.pod_metadata_labels())
        labels[LABEL_COMPONENT] = "agent"
        return labels

    def templates(self):
        """(template dict, origin) for every template of the document, then every template reached
        through templateRef (and, inside a referenced WorkflowTemplate, the templates it calls by
        name), then inline templates of steps and tasks."""
        return [(entry.raw, entry.origin) for entry in self._walk()]

    def resolved_templates(self):
        """ResolvedTemplate for every entry of templates(), in the same order."""
        return [self._resolve_entry(entry) for entry in self._walk()]

    def resolve(self, template_name=None, template_ref=None, template_scope=None):
        """Predict the pod of a template called by name (optionally inside `template_scope`,
        as in a node's templateScope "namespaced/<wft>") or by templateRef.

        Returns None when neither name nor ref is given or a local name does not exist. An
        unresolvable templateRef gives a ResolvedTemplate with `unresolved_reason` and the labels
        known anyway (base + podMetadata)."""
        ref = template_ref if isinstance(template_ref, dict) else {}
        key = (template_name, str(ref.get("name")), str(ref.get("template")), bool(ref.get("clusterScope")),
               template_scope)
        if key not in self._resolved_cache:  # thousands of steps share a few templates
            self._resolved_cache[key] = self._resolve_uncached(template_name, ref, template_scope)
        return self._resolved_cache[key]

    def _resolve_uncached(self, template_name, template_ref, template_scope):
        if template_ref.get("name") and template_ref.get("template"):
            scope = ("cluster" if template_ref.get("clusterScope") else "namespaced", template_ref["name"])
            return self._resolve_in(scope, template_ref["template"], by_ref=True)
        if not template_name:
            return None
        scope = _parse_scope(template_scope)
        return self._resolve_in(scope, template_name, by_ref=False)

    def unresolved_refs(self):
        """"WorkflowTemplate/x" or "ClusterWorkflowTemplate/x/tmpl" references not found so far
        (the workflowTemplateRef, plus any met by templates() or resolve())."""
        return list(self._unresolved)

    # -- internals ------------------------------------------------------------------------------

    def _exec_spec(self, stored_spec):
        own = workflow_spec(self._doc)
        origin = {}
        ref = _dict(own.get("workflowTemplateRef"))
        if not ref.get("name"):
            return own, origin
        scope = ("cluster" if ref.get("clusterScope") else "namespaced", ref["name"])
        base = stored_spec or _dict(_dict(self._holders.get(scope)).get("spec"))
        if not base:
            self.missing_workflow_template = _origin(scope)
            self._note_unresolved(self.missing_workflow_template)
            return own, origin
        own_names = {t.get("name") for t in _list(own.get("templates")) if isinstance(t, dict)}
        for template in _list(base.get("templates")):
            if isinstance(template, dict) and template.get("name") not in own_names:
                origin[template.get("name")] = _origin(scope)
        return merge_specs(base, own), origin

    def _walk(self):
        entries = [_Entry(t, self._spec_origin.get(t.get("name"), self._label), None, False, t.get("name"))
                   for t in _list(self._spec.get("templates")) if isinstance(t, dict) and _named(t)]
        seen = set()
        index = 0
        while index < len(entries):
            entry = entries[index]
            index += 1
            for call_scope, name, by_ref, inline, call_name in _calls(entry.raw, entry.scope):
                if inline is not None:
                    entries.append(_Entry(inline, entry.origin, entry.scope, False,
                                          f"{entry.name}/{call_name}(inline)", inline=True))
                    continue
                if (call_scope, name) in seen or call_scope is None:
                    continue
                seen.add((call_scope, name))
                holder_scope, tmpl = self._lookup(call_scope, name)
                if tmpl is not None:
                    entries.append(_Entry(tmpl, _origin(holder_scope), holder_scope, by_ref,
                                          f"{holder_scope[1]}/{name}"))
        return entries

    def _resolve_entry(self, entry):
        if entry.inline:
            template = self._effective(entry.raw, entry.scope, by_ref=False, already_folded=False)
            return self._resolved(entry.name, template, entry.origin)
        if entry.scope is None:
            return self._resolve_in(None, entry.raw.get("name"), by_ref=False)
        resolved = self._resolve_in(entry.scope, entry.raw.get("name"), by_ref=entry.by_ref)
        resolved.name = entry.name
        return resolved

    def _lookup(self, scope, name):
        """(scope of the holder the template lives in, raw template) or (scope, None)."""
        if scope is None:
            for template in _list(self._spec.get("templates")):
                if isinstance(template, dict) and template.get("name") == name:
                    return None, template
            return None, None
        stored = self._stored.get(f"{scope[0]}/{scope[1]}/{name}")
        if stored is not None:
            return scope, stored
        holder = self._holders.get(scope)
        if holder is None:
            self._note_unresolved(f"{_KIND_OF_SCOPE[scope[0]]}/{scope[1]}")
            return scope, None
        for template in _list(_dict(holder.get("spec")).get("templates")):
            if isinstance(template, dict) and template.get("name") == name:
                return scope, template
        self._note_unresolved(f"{_KIND_OF_SCOPE[scope[0]]}/{scope[1]}/{name}")
        return scope, None

    def _resolve_in(self, scope, name, *, by_ref):
        holder_scope, raw = self._lookup(scope, name)
        if raw is None:
            if scope is None:
                return None
            labels = self.base_labels()
            labels.update(self.pod_metadata_labels())
            return ResolvedTemplate(name=name, type="unknown", pod="none", labels=labels,
                                    queue_name=labels.get(QUEUE_LABEL), origin=_origin(scope),
                                    unresolved_reason=f"{_KIND_OF_SCOPE[scope[0]]} {scope[1]!r} or its "
                                                      f"template {name!r} is not available")
        stored = holder_scope is not None and f"{holder_scope[0]}/{holder_scope[1]}/{name}" in self._stored
        template = self._effective(raw, holder_scope, by_ref=by_ref, already_folded=stored)
        origin = _origin(holder_scope) if holder_scope else self._spec_origin.get(name, self._label)
        return self._resolved(name, template, origin)

    def _resolved(self, name, template, origin):
        kind = template_type(template)
        pod = pod_kind(kind)
        labels = self.agent_labels() if pod == "agent" else self._pod_labels(template)
        return ResolvedTemplate(name=name, type=kind, pod=pod, labels=labels,
                                queue_name=labels.get(QUEUE_LABEL), origin=origin, template=template)

    def effective_template(self, template, origin_scope=None, by_ref=False):
        """A raw template as the controller would use it (fold + templateDefaults)."""
        return self._effective(template, origin_scope, by_ref=by_ref, already_folded=False)

    def pod_labels(self, effective_template):
        """Labels the pod of an (effective) own-pod template would carry."""
        return self._pod_labels(effective_template)

    def _effective(self, raw, holder_scope, *, by_ref, already_folded):
        template = copy.deepcopy(raw)
        if self._fold and not already_folded:
            if self._overwrite:
                holder_spec = self._spec if holder_scope is None else _dict(self._holders.get(holder_scope, {}).get("spec"))
                _fold_pod_metadata(template, pod_metadata_labels(holder_spec), overwrite=True)
            elif by_ref and holder_scope is not None:
                holder_spec = _dict(_dict(self._holders.get(holder_scope)).get("spec"))
                _fold_pod_metadata(template, pod_metadata_labels(holder_spec), overwrite=False)
        return apply_template_defaults(template, _dict(self._spec.get("templateDefaults")))

    def _pod_labels(self, template):
        labels = self.base_labels()
        labels.update(self.pod_metadata_labels())
        labels.update(template_metadata_labels(template))
        return labels

    def _note_unresolved(self, text):
        if text not in self._unresolved:
            self._unresolved.append(text)


def _fold_pod_metadata(template, labels, *, overwrite):
    if not labels:
        return
    if not isinstance(template.get("metadata"), dict):
        template["metadata"] = {}
    if not isinstance(template["metadata"].get("labels"), dict):
        template["metadata"]["labels"] = {}
    own = template["metadata"]["labels"]
    for key, value in labels.items():
        if overwrite or key not in own:
            own[key] = value


def holder_scope(document):
    """("namespaced" | "cluster", name) of a WorkflowTemplate or ClusterWorkflowTemplate, else None."""
    if not isinstance(document, dict) or document.get("kind") not in TEMPLATE_HOLDER_KINDS:
        return None
    name = _dict(document.get("metadata")).get("name")
    return (_SCOPE_OF_KIND[document["kind"]], name) if name else None


def scope_label(scope):
    """"WorkflowTemplate/x" or "ClusterWorkflowTemplate/x" for a holder scope."""
    return _origin(scope)


def template_calls(template, scope):
    """(scope, template name, by templateRef?) of every template a steps/dag template inside the
    holder `scope` calls by name or by templateRef (inline templates are not calls)."""
    return [(call_scope, name, by_ref) for call_scope, name, by_ref, inline, _ in _calls(template, scope)
            if inline is None and call_scope is not None]


def _calls(template, scope):
    """What a steps/dag template calls: (scope, name, by_ref, inline template, step name).
    Local calls (scope None) are skipped: every local template is listed anyway."""
    steps = []
    for group in _list(template.get("steps")):
        steps.extend(s for s in (group if isinstance(group, list) else [group]) if isinstance(s, dict))
    steps.extend(t for t in _list(_dict(template.get("dag")).get("tasks")) if isinstance(t, dict))
    for step in list(steps):
        steps.extend(h for h in _dict(step.get("hooks")).values() if isinstance(h, dict))
    result = []
    for step in steps:
        ref = _dict(step.get("templateRef"))
        if isinstance(step.get("inline"), dict):
            result.append((None, None, False, step["inline"], step.get("name") or "step"))
        elif ref.get("name") and ref.get("template"):
            ref_scope = ("cluster" if ref.get("clusterScope") else "namespaced", ref["name"])
            result.append((ref_scope, ref["template"], True, None, None))
        elif isinstance(step.get("template"), str) and scope is not None:
            result.append((scope, step["template"], False, None, None))
    return result


@dataclass
class _Entry:
    raw: dict
    origin: str
    scope: Optional[Tuple[str, str]]
    by_ref: bool
    name: str
    inline: bool = False


def _index_holders(documents):
    holders = {}
    for document in documents or ():
        if isinstance(document, dict) and document.get("kind") in TEMPLATE_HOLDER_KINDS:
            name = _dict(document.get("metadata")).get("name")
            if name:
                holders[(_SCOPE_OF_KIND[document["kind"]], name)] = document
    return holders


def _parse_scope(text):
    if not text or not isinstance(text, str):
        return None
    kind, _, name = text.partition("/")
    if kind in _KIND_OF_SCOPE and name:
        return (kind, name)
    return None


def _origin(scope):
    return f"{_KIND_OF_SCOPE[scope[0]]}/{scope[1]}"


def _named(template):
    """Templates are found by name; one whose name is not a string cannot be referred to."""
    return isinstance(template.get("name"), str)


def referenced_templates(documents):
    """Names of the WorkflowTemplates and ClusterWorkflowTemplates that documents refer to, through
    spec.workflowTemplateRef or a step's or task's templateRef: ({names}, {cluster names})."""
    names, cluster_names = set(), set()
    stack = [document for document in documents if isinstance(document, dict)]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, (dict, list)))
            continue
        for key, item in value.items():
            if key in ("templateRef", "workflowTemplateRef") and isinstance(item, dict) and item.get("name"):
                (cluster_names if item.get("clusterScope") else names).add(str(item["name"]))
            elif isinstance(item, (dict, list)):
                stack.append(item)
    return names, cluster_names
