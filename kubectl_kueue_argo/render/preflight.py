"""Render a PreflightReport: a kubectl-style table plus findings, or a plain document (pure)."""
from kubectl_kueue_argo.quantity import format_quantity
from kubectl_kueue_argo.render.table import format_table
from kubectl_kueue_argo.render.text import escape_terminal, paint

HEADERS = ("WORKFLOW", "TEMPLATE", "TYPE", "POD", "QUEUE", "MANAGED", "REQUESTS")
_SEVERITY_ORDER = ("error", "warning", "info")
_SEVERITY_TITLE = {"error": "Errors", "warning": "Warnings", "info": "Info"}
_SEVERITY_COLOR = {"error": "red", "warning": "yellow", "info": "cyan"}


def render_preflight_text(report, *, color=False):
    if not report.documents:
        body = "No Argo Workflow, CronWorkflow or (Cluster)WorkflowTemplate documents found.\n"
    elif not report.templates:
        # Documents whose templates all live elsewhere (an unresolved workflowTemplateRef): say so.
        body = f"No template to check in {', '.join(_cell(label) for label in report.documents)}: see the findings.\n"
    else:
        rows = [[_cell(t.workflow), _cell(t.name), t.type, t.pod, _cell(t.queue_name or "-"),
                 _managed(t), _requests_cell(t.requests)] for t in report.templates]
        body = format_table(HEADERS, rows) + "\n"
    return body + _findings_text(report.findings, color)


def preflight_document(report):
    """The -o json/yaml shape: templates and findings with plain strings."""
    return {
        "templates": [{
            "workflow": t.workflow, "name": t.name, "type": t.type, "pod": t.pod,
            "queueName": t.queue_name, "managed": t.managed, "origin": t.origin,
            "requests": {name: format_quantity(amount, name) for name, amount in sorted(t.requests.items())},
        } for t in report.templates],
        "findings": [{
            "code": f.code, "severity": f.severity, "template": f.template,
            "message": f.message, "remedy": f.remedy,
        } for f in report.findings],
    }


def requests_text(requests):
    """"cpu=110m,memory=96Mi" or "-"."""
    if not requests:
        return "-"
    return ",".join(f"{name}={format_quantity(amount, name)}" for name, amount in sorted(requests.items()))


def _findings_text(findings, color):
    if not findings:
        return "\nNo findings.\n"
    lines = []
    for severity in _SEVERITY_ORDER:
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        title = f"{_SEVERITY_TITLE[severity]} ({len(group)}):"
        lines += ["", paint(title, _SEVERITY_COLOR[severity], color)]
        for finding in group:
            where = f" {_cell(finding.template)}:" if finding.template else ""
            lines.append(f"  {paint(finding.code, 'bold', color)}{where} {_cell(finding.message)}")
            if finding.remedy:
                lines.append(f"    Fix: {_cell(finding.remedy)}")
    return "\n".join(lines) + "\n"


def _requests_cell(requests):
    return requests_text(requests)


def _managed(row):
    if row.pod == "none":
        return "-"
    return {True: "yes", False: "no", None: "?"}[row.managed]


def _cell(text):
    # Names and messages quote the manifest: never let them reach the terminal raw.
    return escape_terminal(text)
