"""`status WF`: one row per step with its Kueue state."""
import click

from kubectl_kueue_argo.commands.options import common_options, current_options, output_option, use_utf8
from kubectl_kueue_argo.commands.session import Session
from kubectl_kueue_argo.interpret.correlate import build_status_report
from kubectl_kueue_argo.render.status import render_status
from kubectl_kueue_argo.render.structured import dump, status_document
from kubectl_kueue_argo.render.text import color_allowed

STATUS_EXAMPLES = """
\b
Examples:
  # Show every step of a workflow with its queue, Kueue state, wait and reason
  kubectl kueue-argo status my-wf -n ml-team
\b
  # More columns: Workload, ClusterQueue, flavors, queue positions, node
  kubectl kueue-argo status my-wf -o wide
\b
  # Machine-readable, for scripts
  kubectl kueue-argo status my-wf -o json | jq '.steps[] | select(.kueueState=="Pending")'
\b
  # Analyse a support bundle offline (kubectl get -o yaml dumps)
  kubectl kueue-argo status my-wf --from-file bundle/
"""


@click.command("status", epilog=STATUS_EXAMPLES, short_help="Show the Kueue queueing state of each workflow step.")
@click.argument("workflow", metavar="WORKFLOW")
@output_option(["table", "wide", "json", "yaml"], "table")
@click.option("--no-headers", is_flag=True, help="Print the table without the header block and column names.")
@click.option("--no-utf8", is_flag=True, help="Draw the tree with ASCII characters only.")
@common_options
@click.pass_context
def status_command(ctx, workflow, output, no_headers, no_utf8):
    """Show, for each step of WORKFLOW, whether Kueue queues its pod, in which queue, at which
    position, for how long, and why it waits.

    Steps are listed in the order and tree shape of `argo get`. A step whose pod was deleted by
    Argo's pod GC is still shown, from the workflow's node status."""
    session = Session(current_options(ctx))
    snapshot = session.status_snapshot(workflow)
    report = build_status_report(snapshot, session.now())
    if output in ("json", "yaml"):
        click.echo(dump(status_document(report), output), nl=False)
        return
    text = render_status(report, wide=output == "wide", no_headers=no_headers,
                         color=color_allowed(click.get_text_stream("stdout")),
                         utf8=not no_utf8 and use_utf8())
    click.echo(text, nl=False)
