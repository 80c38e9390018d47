"""The `kubectl kueue-argo` command line: commands, and the one place errors become exit codes."""
import atexit
import gc
import os
import sys

import click

from kubectl_kueue_argo import __version__
from kubectl_kueue_argo.commands.completion import complete_command, completion_command
from kubectl_kueue_argo.commands.explain import explain_command
from kubectl_kueue_argo.commands.options import common_options, kubectl_verbosity_args
from kubectl_kueue_argo.commands.session import release_kept
from kubectl_kueue_argo.commands.status import status_command
from kubectl_kueue_argo.commands.version import version_command
from kubectl_kueue_argo.errors import EXIT_ERROR, EXIT_USAGE, PluginError, UsageError
from kubectl_kueue_argo.render.text import escape_terminal

PROG_NAME = "kubectl kueue-argo"
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


@click.group(context_settings=CONTEXT_SETTINGS)
@common_options
@click.version_option(__version__, "--version", prog_name=PROG_NAME, message="%(prog)s %(version)s")
def cli():
    """See why Argo Workflow steps wait in Kueue, for which queue, behind whom, and which steps
    Kueue will never manage. Read-only: it never writes to the cluster."""


for command in (status_command, explain_command, version_command, completion_command, complete_command):
    cli.add_command(command)


def main(argv=None, *, fast_exit=None):
    """Entry point: run the CLI and turn every failure into `error: ...` and an exit code.

    The cyclic garbage collector stays off for the whole command: decoded JSON has no reference
    cycles, and each pass re-traverses every object read so far (watch turns it back on). As the
    program's entry point (`fast_exit`, by default when argv is None), a successful run ends with
    os._exit after flushing and running the atexit handlers (the kubernetes client deletes its
    temporary certificate files there), so that freeing a large snapshot one object at a time is
    not paid for at exit."""
    args = kubectl_verbosity_args(sys.argv[1:] if argv is None else argv)
    fast_exit = argv is None if fast_exit is None else fast_exit
    collector_was_on = gc.isenabled()
    gc.disable()
    try:
        code = cli.main(args=args, prog_name=PROG_NAME, standalone_mode=False)
        if isinstance(code, int) and code:  # ctx.exit(n) returns n when not in standalone mode
            _flush_stdout()
            sys.exit(code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.exceptions.Abort:
        sys.exit(130)
    except _NO_ARGS_IS_HELP as err:  # click >= 8.2: a bare group asks for its help
        click.echo(err.ctx.get_help())
        sys.exit(0)
    except click.ClickException as err:
        context = getattr(err, "ctx", None)
        command_path = context.command_path if context is not None else PROG_NAME
        _print_error(err.format_message(), f"See '{command_path} -h' for help and examples.")
        sys.exit(EXIT_USAGE if isinstance(err, click.UsageError) else err.exit_code)
    except PluginError as err:
        _print_error(err.message, err.hint)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        if fast_exit:   # the watch threads may sit in a socket read: do not wait for them at shutdown
            _exit_now(130)
        sys.exit(130)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0)
    except Exception as err:  # never a traceback for users; KUEUE_ARGO_DEBUG=1 shows it
        if os.environ.get("KUEUE_ARGO_DEBUG"):
            raise
        _print_error(f"internal error: {type(err).__name__}: {err}",
                     "This is a bug in kubectl-kueue_argo; set KUEUE_ARGO_DEBUG=1 for details.")
        sys.exit(EXIT_ERROR)
    finally:
        if collector_was_on:
            gc.enable()
        if not fast_exit:
            release_kept()
    _flush_stdout()
    if fast_exit:
        _exit_now()


def complete_main():
    """`kubectl_complete-kueue_argo ARGS... WORD`: kubectl (>= 1.26) runs it for `kubectl kueue-argo <TAB>`.
    pip installs it next to `kubectl-kueue_argo`; the release archive ships a shell wrapper instead."""
    main(["__complete", *sys.argv[1:]])


_MAX_ERROR_CHARS = 2000


def _print_error(message, hint=None):
    message = escape_terminal(message)
    if len(message) > _MAX_ERROR_CHARS:  # a server can send a 100 KB Status message
        message = f"{message[:_MAX_ERROR_CHARS]}... ({len(message) - _MAX_ERROR_CHARS} more characters)"
    click.echo(f"error: {message}", err=True)
    if hint:
        click.echo(escape_terminal(hint), err=True)


def _flush_stdout():
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _exit_now(code=0):
    """Exit at once: output flushed, atexit handlers run, no teardown of the heap."""
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    atexit._run_exitfuncs()
    _flush_stdout()
    os._exit(code)


def _silence_stdout():
    """After a closed pipe (`| head`), stop Python from complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


__all__ = ["cli", "main", "complete_main", "UsageError"]
