"""Machine-readable documents (-o json / -o yaml). The `status` document is a public contract.

Non-ASCII is escaped in both formats, so hostile text cannot reach a terminal raw."""
import json

import yaml

from kubectl_kueue_argo.quantity import format_quantity
from kubectl_kueue_argo.render.forecast import forecast_document


def status_document(report):
    workflow = report.workflow
    return {
        "workflow": {
            "name": workflow.get("name"),
            "namespace": workflow.get("namespace"),
            "phase": workflow.get("phase"),
            "suspended": bool(workflow.get("suspended")),
            "nodeStatus": workflow.get("nodeStatus"),
            "createdAt": workflow.get("created"),
            "startedAt": workflow.get("startedAt"),
            "finishedAt": workflow.get("finishedAt"),
        },
        "steps": [step_document(step) for step in report.steps],
        "summary": dict(report.summary),
        "findings": [finding.as_dict() for finding in report.findings],
    }


def step_document(step):
    workload = step.workload
    return {
        "nodeId": step.node_id,
        "name": step.name,
        "displayName": step.display_name,
        "type": step.type,
        "templateName": step.template_name,
        "phase": step.phase,
        "podName": step.pod_name,
        "queueName": step.queue_name,
        "gated": step.gated,
        "workload": step.workload_name,
        "kueueState": step.kueue_state,
        "cause": step.cause,
        "reason": step.reason,
        "message": step.message,
        "localQueue": step.local_queue,
        "clusterQueue": step.cluster_queue,
        "position": step.position.as_dict() if step.position else None,
        "flavors": step.flavors,
        "waitedSeconds": round(step.waited_seconds, 3) if step.waited_seconds is not None else None,
        "stillWaiting": step.still_waiting,
        "podPhase": step.pod_phase,
        "schedulingGates": list(step.scheduling_gates),
        "nodeMessage": step.node_message,
        "hostNodeName": step.host_node,
        "startedAt": step.started_at,
        "finishedAt": step.finished_at,
        "requests": {name: format_quantity(amount, name) for name, amount in sorted((workload.requests if workload else {}).items())},
        "forecast": forecast_document(step.forecast),   # status --forecast, explain: Pending steps only
    }


def dump(document, output):
    if output == "yaml":
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=False, default_flow_style=False)
    return json.dumps(document, indent=2) + "\n"


def write(document, output, stream, chunk_chars=1 << 16):
    """dump() straight to a stream: a large document is never held as one string (nor as the
    million small pieces json.dumps joins when it indents)."""
    if output == "yaml":
        stream.write(dump(document, output))
        return
    pieces, size = [], 0
    for piece in json.JSONEncoder(indent=2).iterencode(document):
        pieces.append(piece)
        size += len(piece)
        if size >= chunk_chars:
            stream.write("".join(pieces))
            pieces, size = [], 0
    pieces.append("\n")
    stream.write("".join(pieces))
