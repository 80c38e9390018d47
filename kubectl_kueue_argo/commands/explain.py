"""`explain`: why steps wait (a workflow), what Kueue will do (manifests), and the known limits."""
import shutil
import sys

import click

from kubectl_kueue_argo.commands.options import common_options, current_options, output_option
from kubectl_kueue_argo.commands.session import Session
from kubectl_kueue_argo.errors import EXIT_FINDINGS, ConfigError, NotFoundError, UsageError
from kubectl_kueue_argo.render.structured import dump
from kubectl_kueue_argo.render.text import color_allowed

EXPLAIN_EXAMPLES = """
\b
Examples:
  # Why does each unfinished step of a running workflow wait, and what to do about it
  kubectl kueue-argo explain my-wf -n ml-team
  kubectl kueue-argo explain my-wf --step train      # one step only
  kubectl kueue-argo explain my-wf --all             # every step, nothing grouped
\b
  # Pre-flight check of a manifest before it is submitted (exit code 3 on errors: use it in CI)
  kubectl kueue-argo explain -f workflow.yaml
  cat workflow.yaml | kubectl kueue-argo explain -f - --offline -o json
\b
  # The limitations of running Argo under Kueue's pod integration, and how to set Kueue up
  kubectl kueue-argo explain limitations
  kubectl kueue-argo explain setup
"""


class ExplainGroup(click.Group):
    """`explain WF` and `explain -f FILE` run the group itself; known words run subcommands."""

    def parse_args(self, ctx, args):
        args = self._subcommand_first(args)
        if args and args[0] in self.commands:
            # Dispatch to the subcommand: the group's own WORKFLOW argument must not take its name.
            click.Command.parse_args(self, ctx, [])
            ctx._protected_args, ctx.args = args[:1], args[1:]
            return ctx.args
        ctx.meta["kueue_argo.explain_target"] = True
        ctx.allow_interspersed_args = True  # `explain my-wf -n ns -o json`, as kubectl users type it
        return click.Command.parse_args(self, ctx, args)

    def _subcommand_first(self, args):
        """`explain --kubeconfig x setup` means `explain setup --kubeconfig x`."""
        takes_value = {name for param in self.params if isinstance(param, click.Option)
                       and not param.is_flag and not param.count for name in param.opts}
        index = 0
        while index < len(args):
            token = args[index]
            if token == "--":
                return args
            if not token.startswith("-") or token == "-":
                if token in self.commands and index:
                    return [token] + args[:index] + args[index + 1:]
                return args
            index += 2 if token in takes_value else 1
        return args

    def invoke(self, ctx):
        if ctx.meta.get("kueue_argo.explain_target"):
            return click.Command.invoke(self, ctx)
        return super().invoke(ctx)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, "[WORKFLOW | -f FILE... | limitations | setup] [OPTIONS]")


class _TargetArgument(click.Argument):
    """WORKFLOW is optional and shown in the group's own usage line; it must not appear in the
    command path of `explain limitations` / `explain setup`."""

    def get_usage_pieces(self, ctx):
        return []


@click.group("explain", cls=ExplainGroup, invoke_without_command=True, epilog=EXPLAIN_EXAMPLES,
             short_help="Explain why steps wait, pre-flight check manifests, list limitations.")
@click.argument("workflow", metavar="WORKFLOW", required=False, cls=_TargetArgument)
@click.option("-f", "--filename", "filenames", multiple=True, metavar="FILE",
              help="Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow manifest(s) to check: "
                   "files, directories, or - for stdin (repeatable).")
@click.option("--offline", is_flag=True, help="With -f: do not contact a cluster, even if a kubeconfig exists.")
@click.option("--executor-cpu", metavar="QTY", help="With -f: cpu request of Argo's init/wait containers (default 10m).")
@click.option("--executor-memory", metavar="QTY", help="With -f: memory request of Argo's init/wait containers (default 64Mi).")
@click.option("--step", "step_name", metavar="NAME", help="With WORKFLOW: explain this one step (its name or node ID).")
@click.option("--all", "show_all", is_flag=True,
              help="With WORKFLOW: one block per step, nothing grouped or left out (-o json always has every step).")
@output_option(["text", "json", "yaml"], "text")
@common_options
@click.pass_context
def explain_command(ctx, workflow, filenames, offline, executor_cpu, executor_memory, step_name, show_all, output):
    """Explain what Kueue does with an Argo workflow.

    WORKFLOW: for every unfinished step of a running workflow, the cause of the wait in plain
    language, the evidence (which object and field) and the remedy.

    -f FILE: a pre-flight check of manifests: which pod runs each template, which queue it would
    get, whether Kueue would manage it and what it would count, then the problems found.

    Exit codes: 0 no error findings, 3 error findings, 1 failure to run, 2 usage error."""
    if ctx.invoked_subcommand:
        return
    if filenames and workflow:
        raise UsageError("give either a WORKFLOW or -f FILE, not both")
    if not filenames and not workflow:
        raise UsageError("explain needs a WORKFLOW name, -f FILE, or one of: limitations, setup")
    if filenames and (step_name or show_all):
        raise UsageError("--step and --all go with a WORKFLOW, not with -f")
    session = Session(current_options(ctx))
    color = color_allowed(sys.stdout)
    if filenames:
        from kubectl_kueue_argo.commands.preflight import run_preflight

        has_errors = run_preflight(session, filenames, offline=offline, output=output, color=color,
                                   executor={"cpu": executor_cpu, "memory": executor_memory})
    else:
        has_errors = _explain_workflow(session, workflow, output=output, color=color, step_name=step_name,
                                       show_all=show_all)
    if has_errors:
        ctx.exit(EXIT_FINDINGS)


def _explain_workflow(session, workflow, *, output, color, step_name=None, show_all=False):
    from kubectl_kueue_argo.interpret.status.correlate import build_status_report
    from kubectl_kueue_argo.interpret.diagnose.diagnosis import diagnose, only_step
    from kubectl_kueue_argo.render.explain import diagnosis_document, render_diagnosis_text

    from kubectl_kueue_argo.commands.forecasting import add_workflow_forecast, forecast_snapshot
    from kubectl_kueue_argo.render.forecast import render_workflow_forecast, workflow_forecast_document

    snapshot, listed = forecast_snapshot(session, workflow, with_cluster_config=True)
    now = session.now()
    report = build_status_report(snapshot, now)
    forecast = add_workflow_forecast(session, snapshot, report, now, listed)   # sets step.forecast too
    diagnosis = diagnose(report, snapshot, now)
    if step_name:
        diagnosis = only_step(diagnosis, step_name)
        if diagnosis is None:
            raise NotFoundError(f'step "{step_name}" not found in workflow "{workflow}"', 404, "NotFound")
    if output in ("json", "yaml"):
        document = diagnosis_document(diagnosis)
        document.update(workflow_forecast_document(forecast, report.steps))
        click.echo(dump(document, output), nl=False)
    else:
        width = shutil.get_terminal_size((100, 24)).columns
        text = render_diagnosis_text(diagnosis, color=color, width=width, show_all=show_all or bool(step_name))
        if not step_name:
            text += "\n" + render_workflow_forecast(forecast, color=color, width=width)
        click.echo(text, nl=False)
    return diagnosis.has_errors()


LIMITATIONS_EXAMPLES = """
\b
Examples:
  # Read them in the terminal
  kubectl kueue-argo explain limitations
\b
  # As data, e.g. to publish in an internal wiki
  kubectl kueue-argo explain limitations -o yaml
"""
SETUP_EXAMPLES = """
\b
Examples:
  # Is Kueue set up for Argo in this namespace? (exit code 3 if not)
  kubectl kueue-argo explain setup -n ml-team
\b
  # Check a saved manager ConfigMap and LocalQueues without a cluster
  kubectl kueue-argo explain setup --from-file kueue-manager-config.yaml --from-file queues.yaml -n ml-team
"""


@explain_command.command("limitations", epilog=LIMITATIONS_EXAMPLES,
                         short_help="The limitations of Argo under Kueue's pod integration.")
@output_option(["text", "json", "yaml"], "text")
@click.pass_context
def limitations_command(ctx, output):
    """The limitations of running Argo Workflows under Kueue's plain-pod integration, as they
    really are (checked against the Argo and Kueue sources), each with its evidence and what to do."""
    from kubectl_kueue_argo.render.limitations import limitations_document, render_limitations_text

    if output in ("json", "yaml"):
        click.echo(dump(limitations_document(), output), nl=False)
    else:
        click.echo(render_limitations_text(color=color_allowed(sys.stdout)), nl=False)


@explain_command.command("setup", epilog=SETUP_EXAMPLES,
                         short_help="How to configure Kueue for Argo, and whether this cluster is.")
@output_option(["text", "json", "yaml"], "text")
@common_options
@click.pass_context
def setup_command(ctx, output):
    """How to configure Kueue for Argo Workflows for the Kueue version in front of you: the `pod`
    framework, podOptions (Kueue <= 0.14) or managedJobsNamespaceSelector (>= 0.15), and the
    `default` LocalQueue pitfall. With a readable cluster it checks this cluster's configuration."""
    from kubectl_kueue_argo.commands.setup import run_setup

    session = Session(current_options(ctx))
    has_errors = run_setup(session, output=output, color=color_allowed(sys.stdout))
    if has_errors:
        ctx.exit(EXIT_FINDINGS)


def stdin_text():
    return sys.stdin.read()


__all__ = ["explain_command", "ConfigError"]
