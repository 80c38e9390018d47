"""`status WF --state/--cause/--queue/--waiting`: the flags, and their values checked as kubectl checks its own."""
import click

from kubectl_kueue_argo.errors import UsageError
from kubectl_kueue_argo.interpret.status.filters import FilterValueError, step_filter
from kubectl_kueue_argo.model import KUEUE_STATES


def filter_options(function):
    """--state/--cause/--queue/--waiting: which steps of a WORKFLOW to show (comma-separated, repeatable)."""
    decorators = [
        click.option("--state", multiple=True, metavar="STATE[,STATE]",
                     help=f"Only steps in these Kueue states: {', '.join(KUEUE_STATES)}."),
        click.option("--cause", multiple=True, metavar="CAUSE[,CAUSE]",
                     help="Only steps with these causes (as `explain` names them, e.g. WaitingForQuota, NeverFits)."),
        click.option("--queue", multiple=True, metavar="NAME[,NAME]", help="Only steps queued to these LocalQueues."),
        click.option("--waiting", is_flag=True, help="Only unfinished steps that are not running."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def parse_step_filter(state, cause, queue, waiting):
    try:
        return step_filter(state, cause, queue, waiting)
    except FilterValueError as err:
        raise UsageError(str(err), hint="See 'kubectl kueue-argo status -h' for help and examples.") from None
