"""`explain limitations`: what Kueue's plain-pod integration cannot do for Argo Workflows (pure).

Each point was checked against the Argo and Kueue sources (reference/facts/kueue.md §1.3, §2.3, §4.3,
§5, §10; reference/facts/argo-workflows.md §2.3, §3, §4.3-§4.5). Evidence names the file or issue;
"kueue" is github.com/kubernetes-sigs/kueue, "argo" is github.com/argoproj/argo-workflows.
"""
import textwrap
from dataclasses import dataclass
from typing import Tuple

from kubectl_kueue_argo.render.text import paint

WIDTH = 100
KUEUE_ARGO_DOC = "kueue site/content/en/docs/tasks/run/external_workloads/argo_workflow.md (Limitations)"


@dataclass(frozen=True)
class Limitation:
    id: str
    title: str
    summary: str
    evidence: Tuple[str, ...]
    remedy: str

    def as_dict(self):
        return {"id": self.id, "title": self.title, "summary": self.summary, "evidence": list(self.evidence),
                "remedy": self.remedy}


LIMITATIONS = (
    Limitation(
        "one-workload-per-pod", "Each pod is admitted on its own: no gang admission",
        "Kueue creates one Workload per pod (pod-<pod name>-<hash>) and admits it alone; nothing ties the pods of "
        "a workflow together. Kueue cannot check that a whole workflow fits before it starts: earlier steps run, "
        "and a later step that lacks quota waits, gated, with the workflow half done.",
        (KUEUE_ARGO_DOC,
         "kueue pkg/controller/jobs/pod/pod_controller.go (one Workload per single pod)",
         "kueue#74 \"Support Argo workflows\" (open)",
         "argo#12363 \"Integration with Kueue\" (open)"),
        "Size the ClusterQueue for the widest step group, not for one step; send all steps of a workflow to the "
        "same LocalQueue; limit how many workflows start at once (Argo semaphores or spec.parallelism) so started "
        "ones can finish. `kubectl kueue-argo explain -f WORKFLOW.yaml` shows what each step will request."),
    Limitation(
        "suspend-not-understood", "Argo suspend is not understood by Kueue",
        "`argo suspend` (spec.suspend: true) only stops Argo from creating new pods: pods already created are left "
        "alone, so running ones keep their quota and gated ones stay queued and can still be admitted. Suspend "
        "templates create no pod, so Kueue never sees them. Kueue, in turn, never suspends a workflow to free quota.",
        ("argo workflow/controller/operator.go operate(): pod reconciliation runs, then it returns before "
         "executing templates when spec.suspend is set",
         "argo workflow/controller/operator.go executeSuspend (no pod)",
         "argo workflow/controller/exec_control.go applyExecutionControl (shutdown deletes Pending pods)",
         KUEUE_ARGO_DOC),
        "To give quota back, stop or terminate the workflow: `argo stop` / `argo terminate` delete its Pending "
        "(gated) pods and stop the running ones. Use suspend templates only as manual approval points: they hold no place in a queue."),
    Limitation(
        "resource-and-agent-pods-queued", "Resource steps and the agent pod are queued too (the Kueue docs say otherwise)",
        "The Kueue docs say suspend, http and resource templates create no pods. Resource templates do: each runs "
        "an argoexec pod that carries spec.podMetadata and the template metadata, so with a queue label it is "
        "gated and counted like any step. HTTP and plugin steps have no pod of their own but share one agent pod "
        "per workflow (<workflow>-1340600742-agent), which gets spec.podMetadata labels (Argo 3.5+); while it is "
        "gated every HTTP/plugin node stays Pending with no message.",
        ("argo workflow/controller/operator.go executeResource -> createWorkflowPod",
         "argo workflow/controller/agent.go createAgentPod; http_template.go, plugin_template.go",
         KUEUE_ARGO_DOC + ", which this corrects"),
        "Leave quota for these small executor pods (and for the `pods` resource if the ClusterQueue counts pods). "
        "To keep the agent pod out of Kueue, put the queue label on templates[].metadata.labels instead of "
        "spec.podMetadata, and avoid a LocalQueue named `default` in the namespace. An object a resource step "
        "creates (a Job, say) is queued only if its own manifest has a queue label."),
    Limitation(
        "preemption-deletes-pods", "Preemption deletes the pod: the step fails unless it retries",
        "When Kueue preempts or evicts a plain pod it deletes it; the pod is not gated again. Argo marks the node "
        "Error (\"pod deleted\"). With a retryStrategy Argo creates a new pod with a new name, so a new Workload "
        "that joins the back of the queue: the time the first pod waited counts for nothing.",
        ("kueue pkg/controller/jobs/pod/pod_controller.go (Stop deletes the pod)",
         "kueue site/content/en/docs/tasks/run/plain_pods.md (\"the Pod will be terminated and deleted\")",
         "argo docs/tolerating-pod-deletion.md (retryPolicy OnError retries deleted pods)",
         "kueue#74 (preemption is dangerous for pipeline-style work)"),
        "Give steps that may be preempted a retryStrategy with retryPolicy: OnError or Always (the default "
        "OnFailure does not retry a deleted pod), and make them safe to rerun. Where reruns are costly, run "
        "them in a ClusterQueue or priority class that is not preempted."),
    Limitation(
        "executor-containers-count", "Argo's init and wait containers count toward the request",
        "Kueue counts the whole pod the way the scheduler does: every container, init and sidecar containers and "
        "overhead, with limits standing in for missing requests. Argo adds a `wait` container to every step and an "
        "`init` container when there are artifacts, so each step asks for more than its main container.",
        ("kueue pkg/workload/resources.go (k8s.io/component-helpers resource.PodRequests)",
         "argo workflow/controller/workflowpod.go (init and wait containers, executor resources)"),
        "Set small explicit executor requests (workflow-controller ConfigMap `executor.resources`) and size quota "
        "with them; `kubectl kueue-argo explain -f WORKFLOW.yaml` shows each step's request with the executor."),
    Limitation(
        "finalizer-blocks-deletion", "Pod deletion depends on the Kueue controller",
        "Kueue puts the finalizer kueue.x-k8s.io/managed on every pod it manages and removes it when the pod ends "
        "or is deleted. While the Kueue controller is down, or after the pod integration is turned off, Argo pod "
        "GC and workflow deletion leave those pods Terminating.",
        ("kueue pkg/controller/jobs/pod/constants/constants.go (PodFinalizer)",
         "kueue pkg/controller/jobs/pod/pod_controller.go (finalize removes it)"),
        "Keep kueue-controller-manager running while managed workflows exist. If Kueue is removed first, remove "
        "the kueue.x-k8s.io/managed finalizer from the leftover pods by hand (kubectl patch)."),
    Limitation(
        "gated-pods-hold-argo-slots", "Waiting pods hold Argo parallelism slots, and their timeouts keep running",
        "To Argo a gated pod is an ordinary Pending pod: it takes a spec.parallelism slot (and a template "
        "parallelism slot), so a workflow can fill its parallelism with steps waiting for quota while others that "
        "would fit cannot start. Argo knows nothing of scheduling gates, so the node shows Pending with no message. "
        "The wait counts against pendingTimeout (Argo 4.1+) and timeout, which delete the pod and fail the node, "
        "and against the workflow's activeDeadlineSeconds.",
        ("argo workflow/controller/node_counters.go (Pending pods count toward parallelism)",
         "argo workflow/controller/operator.go checkTemplateTimeouts, getPendingReason",
         "argo workflow/controller/exec_control.go applyExecutionControl (deadline)"),
        "Allow for queueing time in timeouts and deadlines, or pair them with a retryStrategy; keep parallelism "
        "in line with the quota; `kubectl kueue-argo status WORKFLOW` shows which Pending steps wait for Kueue."),
    Limitation(
        "pod-groups-sequential", "Pod groups do not fit sequential steps",
        "A Kueue pod group (label kueue.x-k8s.io/pod-group-name plus annotation "
        "kueue.x-k8s.io/pod-group-total-count) gets its Workload only when all N pods exist. Argo creates a step's "
        "pods only after the steps before it finish, so a group that spans sequential steps never reaches N and "
        "never runs.",
        ("kueue pkg/controller/jobs/pod/pod_controller.go (ConstructComposableWorkload; ErrWorkloadCompose "
         "\"group has fewer runnable pods than expected\")",
         "kueue site/content/en/docs/tasks/run/plain_pods.md (pod groups)",
         "inference from Argo's step ordering; no document states it"),
        "Do not put pod-group labels in spec.podMetadata. If at all, use them only for a fixed-size fan-out that "
        "Argo creates at once (one step group, no parallelism limit)."),
    Limitation(
        "queue-label-while-gated", "The queue label can change only while the pod is gated",
        "Kueue lets kueue.x-k8s.io/queue-name change while the pod is still gated (the Workload follows); once the "
        "pod is admitted the label is immutable, and in a namespace with a `default` LocalQueue it cannot be "
        "removed. Argo does not re-apply metadata to pods it already created, so editing the workflow's labels "
        "moves only the pods created afterwards.",
        ("kueue pkg/controller/jobframework/validation.go validateUpdateForQueueName",
         "kueue pkg/controller/jobframework/reconciler.go (QueueNameChange)"),
        "To move a waiting step to another queue, relabel its gated pod "
        "(kubectl label pod POD kueue.x-k8s.io/queue-name=QUEUE --overwrite); for later steps, change "
        "spec.podMetadata or the template metadata."),
)


def limitations_document():
    return {"limitations": [limitation.as_dict() for limitation in LIMITATIONS]}


def render_limitations_text(*, color=False):
    lines = [paint(f"Limitations of Argo Workflows under Kueue's pod integration ({len(LIMITATIONS)}):", "bold", color)]
    for number, limitation in enumerate(LIMITATIONS, 1):
        lines += ["", paint(f"{number}. {limitation.title}", "bold", color)]
        lines += wrap(limitation.summary, "   ")
        lines += wrap(limitation.remedy, "   ", label="What to do: ", label_color="green", color=color)
        lines.append("   " + paint("Evidence:", "dim", color))
        for item in limitation.evidence:
            lines += wrap(item, "       ", first_indent="     - ")
    return "\n".join(lines) + "\n"


def wrap(text, indent, *, first_indent=None, label="", label_color=None, color=False):
    """Lines of `text` wrapped at WIDTH under `indent`; `label` starts the first line, painted."""
    first = (indent if first_indent is None else first_indent) + label
    lines = textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=indent,
                          break_long_words=False, break_on_hyphens=False) or [first.rstrip()]
    if label:
        lines[0] = first[:len(first) - len(label)] + paint(label, label_color, color) + lines[0][len(first):]
    return lines
