"""The namespace overview table: the workflow that waits longest comes first."""
from kubectl_kueue_argo.render.table import format_table
from kubectl_kueue_argo.render.text import escape_terminal, human_duration

HEADERS = ["NAME", "PHASE", "STEPS", "WAITING", "INADMISSIBLE", "ADMITTED", "UNMANAGED", "ERRORS", "LONGEST-WAIT",
           "AGE"]


def render_overview(overview, *, no_headers=False, namespace=None):
    if not overview.rows:
        return ""
    headers = (["NAMESPACE"] if overview.all_namespaces else []) + HEADERS
    rows = []
    for row in overview.rows:
        summary = row.summary
        wait = ""
        if row.longest_wait:
            queue = f" ({row.longest_wait.queue})" if row.longest_wait.queue else ""
            wait = f"{human_duration(row.longest_wait.seconds)}{queue}"
        phase = row.phase + (" (Suspended)" if row.suspended else "")
        cells = [escape_terminal(row.name), phase, escape_terminal(row.steps_text), str(row.waiting_steps),
                 str(summary.get("Inadmissible", 0)),
                 str(summary.get("Admitted", 0) + summary.get("QuotaReserved", 0)),
                 str(summary.get("Unmanaged", 0)), str(row.errors), escape_terminal(wait),
                 human_duration(row.age_seconds)]
        rows.append(([escape_terminal(row.namespace)] if overview.all_namespaces else []) + cells)
    return format_table(headers, rows, no_headers=no_headers) + "\n"


def empty_message(namespace, all_namespaces):
    if all_namespaces:
        return "No workflows found."
    return f"No workflows found in {escape_terminal(namespace)} namespace."
