"""`status [WF]`: one row per step with its Kueue state, or one row per workflow."""
import shutil
import sys

import click

from kubectl_kueue_argo.commands.options import (clock_pinned, common_options, current_options, output_option,
                                                 parse_interval, terminal_width, use_utf8)
from kubectl_kueue_argo.commands.session import Session, keep_until_exit
from kubectl_kueue_argo.commands.step_filters import filter_options, parse_step_filter
from kubectl_kueue_argo.errors import UsageError
from kubectl_kueue_argo.interpret.status.correlate import build_status_report
from kubectl_kueue_argo.interpret.status.filters import filter_report
from kubectl_kueue_argo.render.status import render_status
from kubectl_kueue_argo.render.structured import dump, status_document, write
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
  # Only the steps that wait, or the inadmissible ones of one queue (the header still counts all)
  kubectl kueue-argo status my-wf --waiting
  kubectl kueue-argo status my-wf --state Inadmissible --queue gpu-queue
\b
  # Keep it up to date until the workflow completes (watch API, no polling)
  kubectl kueue-argo status my-wf -w
\b
  # Where did the time go: a Gantt chart of queued versus running
  kubectl kueue-argo status my-wf --timeline
\b
  # All workflows of the namespace (or -A), the one waiting longest first
  kubectl kueue-argo status -A -l team=ml
\b
  # When will each waiting step start? (simulates the ClusterQueue forward)
  kubectl kueue-argo status my-wf --forecast
\b
  # Machine-readable, for scripts
  kubectl kueue-argo status my-wf -o json | jq '.steps[] | select(.kueueState=="Pending")'
\b
  # Analyse a support bundle offline (kubectl get -o yaml dumps)
  kubectl kueue-argo status my-wf --from-file bundle/
"""


@click.command("status", epilog=STATUS_EXAMPLES, short_help="Show the Kueue queueing state of workflow steps.")
@click.argument("workflow", metavar="[WORKFLOW]", required=False)
@output_option(["table", "wide", "json", "yaml"], "table")
@click.option("-A", "--all-namespaces", is_flag=True, help="Without WORKFLOW: list the workflows of all namespaces.")
@click.option("-l", "--selector", metavar="SELECTOR", help="Without WORKFLOW: only workflows with these labels.")
@click.option("-w", "--watch", is_flag=True, help="Keep the view up to date until the workflow completes.")
@click.option("--interval", metavar="DURATION", default="2s", show_default=True,
              help="With --watch: how often queue positions are polled (the visibility API cannot be "
                   "watched; everything else is), e.g. 2s, 500ms, 1m.")
@click.option("--timeline", is_flag=True, help="Show where the time went: queued versus running, per step.")
@click.option("--forecast", is_flag=True,
              help="Forecast when each waiting step starts (STARTS column; `forecast` in -o json).")
@click.option("--no-headers", is_flag=True, help="Print the table without the header block and column names.")
@click.option("--no-utf8", is_flag=True, help="Draw with ASCII characters only.")
@filter_options
@common_options
@click.pass_context
def status_command(ctx, workflow, output, all_namespaces, selector, watch, interval, timeline, forecast, no_headers,
                   no_utf8, state, cause, queue, waiting):
    """Show, for each step of WORKFLOW, whether Kueue queues its pod, in which queue, at which
    position, for how long, and why it waits. Without WORKFLOW, list the workflows of the
    namespace with their steps counted by Kueue state, the longest current wait first.

    Steps are listed in the order and tree shape of `argo get`. A step whose pod was deleted by
    Argo's pod GC is still shown, from the workflow's node status."""
    session = Session(current_options(ctx))
    stdout = sys.stdout
    view = _View(output, no_headers, color_allowed(stdout), not no_utf8 and use_utf8(stdout), forecast)
    view.width = terminal_width(stdout)
    view.clock_pinned = session.offline and clock_pinned()
    view.step_filter = parse_step_filter(state, cause, queue, waiting)
    if forecast and (watch or timeline or workflow is None):
        raise UsageError("--forecast needs a WORKFLOW and cannot be combined with --watch or --timeline")
    if watch and session.offline:
        raise UsageError("--watch needs a cluster; it cannot be combined with --from-file")
    interval = parse_interval(interval)
    if workflow is None:
        if timeline:
            raise UsageError("--timeline needs a WORKFLOW")
        if view.step_filter.active:
            raise UsageError("--state, --cause, --queue and --waiting filter the steps of a WORKFLOW")
        return _overview(session, view, all_namespaces, selector, watch, tty=stdout.isatty(), interval=interval)
    if all_namespaces or selector:
        raise UsageError("-A and -l list workflows; they cannot be combined with a WORKFLOW name")
    render = (lambda report: view.timeline(report)) if timeline else view.report
    if watch:
        from kubectl_kueue_argo.commands.watching import watch_workflow
        return watch_workflow(session, workflow, render, tty=stdout.isatty(), interval=interval)
    if forecast:
        from kubectl_kueue_argo.commands.forecasting import add_start_forecasts, forecast_snapshot
        snapshot, listed = forecast_snapshot(session, workflow)
    else:
        snapshot = session.status_snapshot(workflow)
    report = build_status_report(snapshot, session.now())
    if forecast:
        add_start_forecasts(session, snapshot, report, report.now, listed)
    keep_until_exit(session, snapshot, report)
    if view.structured and not timeline:   # streamed: a 10,000-step document is never one string
        return write(status_document(filter_report(report, view.step_filter)), view.output, sys.stdout)
    click.echo(render(report), nl=False)


class _View:
    def __init__(self, output, no_headers, color, utf8, forecast=False):
        self.output, self.no_headers, self.color, self.utf8 = output, no_headers, color, utf8
        self.width = None            # a terminal's width: fit the table to it; None when piped
        self.clock_pinned = False
        self.step_filter = None
        self.forecast = forecast

    @property
    def structured(self):
        return self.output in ("json", "yaml")

    def report(self, report):
        report = filter_report(report, self.step_filter)
        if self.structured:
            return dump(status_document(report), self.output)
        return render_status(report, wide=self.output == "wide", no_headers=self.no_headers,
                             color=self.color, utf8=self.utf8, width=self.width, clock_pinned=self.clock_pinned,
                             starts=self.forecast)

    def timeline(self, report):
        from kubectl_kueue_argo.interpret.status.timeline import build_timeline, timeline_document
        from kubectl_kueue_argo.render.timeline import render_timeline

        report = filter_report(report, self.step_filter)
        timeline = build_timeline(report)
        if self.structured:
            document = status_document(report)
            document["timeline"] = timeline_document(timeline)
            return dump(document, self.output)
        width = self.width or shutil.get_terminal_size((110, 24)).columns
        return render_timeline(timeline, width=width, utf8=self.utf8, color=self.color, no_headers=self.no_headers,
                               wide=self.output == "wide")


def _overview(session, view, all_namespaces, selector, watch, *, tty, interval):
    from kubectl_kueue_argo.interpret.status.overview import build_overview, overview_document
    from kubectl_kueue_argo.interpret.selectors import selector_matcher
    from kubectl_kueue_argo.render.overview import empty_message, render_overview
    from kubectl_kueue_argo.sources import overview as overview_source

    namespace = None if all_namespaces else session.namespace()

    def render(objects):
        overview = build_overview(objects.workflows, objects.pods, objects.workloads, objects.local_queues,
                                  session.now(), kueue_installed=objects.kueue_installed,
                                  all_namespaces=namespace is None, notes=objects.notes)
        if view.structured:
            return dump(overview_document(overview), view.output)
        if not overview.rows:
            click.echo(empty_message(namespace, namespace is None), err=True)
            return ""
        return render_overview(overview, no_headers=view.no_headers)

    if watch:
        from kubectl_kueue_argo.commands.watching import watch_overview
        return watch_overview(session, namespace, selector, render, tty=tty, interval=interval)
    matcher = selector_matcher(selector)
    if session.offline:
        objects = overview_source.read_files(session.files(), namespace, matcher)
    else:
        objects = overview_source.read_live(session.live(), namespace, selector)
    click.echo(render(objects), nl=False)
