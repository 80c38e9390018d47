"""Findings about one document's templates, from the manifest alone (pure).

Codes are a contract with the renderers and users' scripts; see interpret/preflight/analysis.py for the plan.
Cluster-dependent findings live in cluster_rules.py.
"""
import yaml

from kubectl_kueue_argo import yamlio
from kubectl_kueue_argo.interpret.preflight import cluster_rules as preflight_cluster_rules
from kubectl_kueue_argo.interpret.argo.spec import QUEUE_LABEL, template_metadata_labels
from kubectl_kueue_argo.interpret.kueue.queues import closest_name
from kubectl_kueue_argo.interpret.kueue.resources import container_requests
from kubectl_kueue_argo.model import Finding
from kubectl_kueue_argo.quantity import format_quantity

_CREATING_ACTIONS = ("create", "apply", "replace")


def document_findings(plan, cluster, options):
    findings = []
    findings += _unresolved(plan, cluster)
    findings += _entrypoint(plan)
    findings += _queueing_coverage(plan)
    findings += _agent(plan)
    findings += _label_conflicts(plan, options)
    findings += [f for step in plan.steps for f in _resource_step(plan, step)]
    findings += _suspend(plan)
    findings += [f for step in plan.steps for f in _no_requests(plan, step)]
    findings += _patches(plan)
    if cluster is not None:
        findings += preflight_cluster_rules.document_findings(plan, cluster)
    return findings


def queue_findings(plans, cluster):
    return preflight_cluster_rules.queue_demand(plans, cluster)


def format_requests(requests):
    """"cpu 1010m, memory 128Mi" (sorted, zero amounts left out)."""
    parts = [f"{name} {format_quantity(amount, name)}" for name, amount in sorted(requests.items()) if amount]
    return ", ".join(parts) if parts else "nothing"


def _pod_steps(plan, kind="own"):
    return [s for s in plan.steps if s.row.pod == kind]


def _names(steps):
    return ", ".join(s.row.name for s in steps)


def _unresolved(plan, cluster):
    findings = []
    where = "the input files" + (" or the cluster" if cluster is not None else "")
    asked_cluster = cluster is not None and cluster.templates_from_cluster
    for ref in plan.resolver.unresolved_refs():
        if ref == plan.resolver.missing_workflow_template and asked_cluster:
            kind, _, name = ref.partition("/")
            findings.append(Finding(
                code="UnresolvedTemplateRef", severity="error", template=None,
                message=(f"{plan.label} runs {ref} (spec.workflowTemplateRef), which is neither in the input "
                         f"files nor in the cluster, so Argo rejects it ({kind.lower()}s.argoproj.io "
                         f"\"{name}\" not found)."),
                remedy=f"Create {ref} first, or correct spec.workflowTemplateRef."))
            continue
        findings.append(Finding(
            code="UnresolvedTemplateRef", severity="warning", template=None,
            message=(f"{plan.label} refers to {ref}, which is not in {where}. The pods, labels and "
                     f"requests of the templates it provides are unknown, so this check is incomplete."),
            remedy=f"Pass the file that defines {ref} with another -f, or run the check against the cluster."))
    return findings


_RUNNABLE_KINDS = ("Workflow", "CronWorkflow")


def _entrypoint(plan):
    """Argo rejects a workflow whose entrypoint (or onExit) names no template (validate.go:
    "spec.entrypoint template '%s' undefined"); a Workflow must have an entrypoint."""
    if plan.resolver.missing_workflow_template:
        return []  # the templates (and maybe the entrypoint) are in a WorkflowTemplate we cannot see
    spec = plan.spec
    names = sorted(t["name"] for t in spec.get("templates") or () if isinstance(t, dict)
                   and isinstance(t.get("name"), str))
    findings = []
    kind = str(plan.document.get("kind") or "Workflow")
    if not spec.get("entrypoint") and kind in _RUNNABLE_KINDS:
        findings.append(Finding(
            code="EntrypointNotFound", severity="error", template=None,
            message=f"{plan.label} has no spec.entrypoint, so Argo rejects it (spec.entrypoint is required).",
            remedy=f"Set spec.entrypoint to the template to start with{_one_of(names)}."))
    for field in ("entrypoint", "onExit"):
        name = spec.get(field)
        if isinstance(name, str) and name and name not in names:
            close = closest_name(name, names)
            findings.append(Finding(
                code="EntrypointNotFound", severity="error", template=None,
                message=(f"{plan.label}: spec.{field} names template {name!r}, which does not exist, so Argo "
                         f"rejects it (spec.{field} template '{name}' undefined)."),
                remedy=(f"Did you mean {close!r}? " if close else "") + f"Set spec.{field} to one of the "
                       f"templates{_one_of(names)}."))
    return findings


def _one_of(names):
    return f": {', '.join(names)}" if names and len(names) <= 10 else ""


def _queueing_coverage(plan):
    own = _pod_steps(plan)
    agent = _pod_steps(plan, "agent")
    queued = [s for s in own if s.label_queue]
    unqueued = [s for s in own if not s.label_queue]
    if own and queued and unqueued:
        listed = ", ".join(f"{s.row.name} ({s.label_queue})" for s in queued)
        return [Finding(
            code="MixedQueueing", severity="warning", template=None,
            message=(f"{plan.label}: {len(queued)} of {len(own)} pod templates carry the "
                     f"{QUEUE_LABEL} label ({listed}) and {len(unqueued)} do not ({_names(unqueued)}). "
                     f"Kueue holds back only the labelled pods; the others start at once and use "
                     f"cluster capacity outside any quota."),
            remedy=(f"Set {QUEUE_LABEL} in spec.podMetadata.labels to queue every pod, or add it to "
                    f"metadata.labels of {_names(unqueued)}."))]
    if (own or agent) and not queued and not any(s.label_queue for s in agent):
        return [Finding(
            code="Unqueued", severity="info", template=None,
            message=(f"{plan.label}: no pod template carries the {QUEUE_LABEL} label, so Kueue manages "
                     f"none of its pods, unless the namespace has a LocalQueue named 'default' "
                     f"(Kueue then labels every pod with it)."),
            remedy=f"To queue the workflow, set {QUEUE_LABEL}: <LocalQueue> in spec.podMetadata.labels.")]
    return []


def _agent(plan):
    findings = []
    agent_steps = _pod_steps(plan, "agent")
    for step in agent_steps:
        own_label = template_metadata_labels(step.raw).get(QUEUE_LABEL)
        if own_label:
            findings.append(Finding(
                code="QueueLabelOnAgentTemplate", severity="warning", template=step.row.name,
                message=(f"Template {step.row.name} ({step.row.type}) sets {QUEUE_LABEL}={own_label} in its "
                         f"metadata, but {step.row.type} steps run in the workflow's shared agent pod, which "
                         f"receives only spec.podMetadata labels. The label has no effect."),
                remedy=("Remove the label from the template. The agent pod is queued only through "
                        "spec.podMetadata, which holds back every HTTP/Plugin step (see AgentPodQueued).")))
    queue = plan.resolver.pod_metadata_labels().get(QUEUE_LABEL)
    if agent_steps and queue:
        requests = format_requests(agent_steps[0].row.requests)
        findings.append(Finding(
            code="AgentPodQueued", severity="warning", template=None,
            message=(f"{plan.label} sets {QUEUE_LABEL}={queue} in spec.podMetadata and has HTTP/Plugin "
                     f"templates ({_names(agent_steps)}). Argo runs them all in one agent pod "
                     f"(<workflow>-1340600742-agent), which gets that label too: it waits for admission "
                     f"in {queue} ({requests}), and until then every HTTP/Plugin step stays Pending "
                     f"with no message."),
            remedy=(f"Accept the wait, or move {QUEUE_LABEL} from spec.podMetadata to metadata.labels "
                    f"of the container/script templates so the agent pod runs unqueued.")))
    return findings


def _label_conflicts(plan, options):
    """Argo 3.7.x as released copies spec.podMetadata over template metadata (argo-workflows#15870)."""
    wide = plan.resolver.pod_metadata_labels().get(QUEUE_LABEL)
    if not wide or options.podmetadata_overrides_template or tuple(options.argo_version) < (3, 7):
        return []
    findings = []
    for step in _pod_steps(plan):
        own = template_metadata_labels(step.template).get(QUEUE_LABEL)
        if own and own != wide:
            findings.append(Finding(
                code="QueueLabelConflict", severity="warning", template=step.row.name,
                message=(f"Template {step.row.name} sets queue {own} but spec.podMetadata sets {wide}. "
                         f"Argo documents that template metadata wins, but Argo 3.7 releases copy "
                         f"spec.podMetadata over it (argo-workflows#15870), so the pod may go to {wide}."),
                remedy=(f"Do not rely on the override: remove {QUEUE_LABEL} from spec.podMetadata and "
                        f"label each template, or check a created pod's labels.")))
    return findings


def _resource_step(plan, step):
    if step.row.type != "resource" or not step.label_queue:
        return []
    resource = step.template.get("resource") or {}
    action = str(resource.get("action") or "create")
    severity, created = _created_object(resource, action)
    return [Finding(
        code="ResourceStepQueued", severity=severity, template=step.row.name,
        message=(f"Template {step.row.name} is a resource template ({action}). Argo runs it in its own "
                 f"pod (argoexec), which carries queue {step.label_queue}, so Kueue queues that pod and "
                 f"counts {format_requests(step.row.requests)} for it (the Kueue docs say resource "
                 f"templates create no pods; they do). {created}"),
        remedy=("Remove the queue label from this template if the small argoexec pod should not wait; "
                "put the queue label in the created object's manifest to queue the real work."))]


def _created_object(resource, action):
    if action not in _CREATING_ACTIONS:
        return "info", f"It does not create a workload ({action}), so only the argoexec pod is queued."
    manifest = resource.get("manifest")
    if not isinstance(manifest, str) or "{{" in manifest:
        return "info", "Its manifest is not plain text here, so whether the object it creates is queued is unknown."
    try:
        obj = yamlio.safe_load(manifest)
    except yaml.YAMLError:
        obj = None
    if not isinstance(obj, dict):
        return "info", "Its manifest could not be read, so whether the object it creates is queued is unknown."
    kind = obj.get("kind") or "object"
    labels = (obj.get("metadata") or {}).get("labels") or {}
    if kind == "Workflow":
        labels = {**(((obj.get("spec") or {}).get("podMetadata") or {}).get("labels") or {}), **labels}
    own = labels.get(QUEUE_LABEL) if isinstance(labels, dict) else None
    if own:
        return "info", (f"The {kind} it creates carries its own queue label ({own}) and is queued "
                        f"separately, so this step waits for admission twice.")
    return "warning", (f"The {kind} it creates has no queue label, so the work it does is not queued "
                       f"by Kueue (unless a 'default' LocalQueue applies), while the small argoexec pod is.")


def _suspend(plan):
    findings = []
    for step in plan.steps:
        if step.row.type == "suspend":
            findings.append(Finding(
                code="SuspendNotUnderstood", severity="warning", template=step.row.name,
                message=(f"Template {step.row.name} is a suspend template. Kueue does not understand Argo "
                         f"suspend: the step holds no quota while it waits, and the pods after it are "
                         f"queued only when it resumes, so they can wait for quota again."),
                remedy="Expect a second wait after resume; Kueue cannot reserve the later steps' quota in advance."))
    if plan.spec.get("suspend") is True:
        findings.append(Finding(
            code="SuspendNotUnderstood", severity="warning", template=None,
            message=(f"{plan.label} has spec.suspend: true. Argo then creates no new pods, but pods already "
                     f"created are left alone: admitted ones keep their quota and gated ones stay queued. "
                     f"Kueue does not know the workflow is suspended."),
            remedy="Resume it (argo resume), or stop the workflow if its pods should release quota."))
    return findings


def _no_requests(plan, step):
    if step.row.pod != "own" or step.row.type in ("resource", "data") or not step.row.queue_name:
        return []
    if step.template.get("podResources") or plan.spec.get("podResources"):
        return []
    if any(p is not None and p.touches_resources for p in (plan.spec_patch, step.patch)):
        return []
    bare = [c.get("name", "?") for c in _user_containers(step) if not container_requests(c) and not _templated(c)]
    if not bare:
        return []
    return [Finding(
        code="NoResourceRequests", severity="warning", template=step.row.name,
        message=(f"Template {step.row.name}: container(s) {', '.join(bare)} set no resource requests or "
                 f"limits. Kueue counts them as zero, so {step.row.queue_name} admits this pod for only "
                 f"{format_requests(step.row.requests)} (the Argo executor containers) while it may use "
                 f"much more."),
        remedy=f"Set resources.requests (cpu, memory) on {', '.join(bare)} so the quota reflects real use.")]


def _user_containers(step):
    executor_names = {"init", "wait"}
    containers = [c for c in step.pod_spec.get("containers", []) if c.get("name") not in executor_names]
    containers += [c for c in step.pod_spec.get("initContainers", []) if c.get("name") not in executor_names]
    return containers


def _templated(container):
    return "{{" in str((container or {}).get("resources") or "")


def _patches(plan):
    findings = []
    targets = [(None, "spec.podSpecPatch", plan.spec_patch, "every pod of the workflow (and, since Argo "
                                                            "3.6, the agent pod)")]
    targets += [(s.row.name, f"The podSpecPatch of template {s.row.name}", s.patch, "its pod")
                for s in plan.steps if s.patch is not None]
    for template, what, info, scope in targets:
        if info is None:
            continue
        caveat = (" It contains {{...}} expressions, so its effect cannot be evaluated here; the requests "
                  "shown are before the patch." if info.parsed is None else
                  " The requests shown include it.")
        if info.touches_resources:
            findings.append(Finding(
                code="PodSpecPatchChangesResources", severity="warning", template=template,
                message=(f"{what} may change container resources of {scope}. Argo applies it after building "
                         f"the pod, so Kueue counts the patched requests.{caveat}"),
                remedy="Prefer container resources in the template, where the requests are visible before submit."))
        if info.touches_gates:
            findings.append(Finding(
                code="PodSpecPatchSchedulingGates", severity="warning", template=template,
                message=(f"{what} may set spec.schedulingGates on {scope}. Kueue removes only its own "
                         f"kueue.x-k8s.io/admission gate, so any other gate keeps the pod Pending after "
                         f"admission while it holds quota."
                         + (" It contains {{...}} expressions, so it cannot be evaluated here." if info.templated else "")),
                remedy="Remove schedulingGates from the podSpecPatch unless another controller lifts them."))
    return findings
