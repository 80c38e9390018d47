"""Shell completion: `completion bash|zsh|fish` and the hidden `__complete` command.

One engine (click's shell completion, with the value completers below) serves two protocols:

* `__complete ARGS... WORD` prints Cobra-style candidates, one `value<TAB>description` per line,
  and a last `:<directive>` line. kubectl >= 1.26 runs `kubectl_complete-kueue_argo` with the
  plugin's args plus the word being completed (`""` when starting a new word), and that wrapper
  execs `kubectl-kueue_argo __complete "$@"` (facts: kubectl-plugin-ecosystem.md §1.3).
* With `_KUBECTL_KUEUE_ARGO_COMPLETE={bash,zsh,fish}_complete` in the environment, `__complete`
  answers click's bash/zsh/fish protocol instead (COMP_WORDS/COMP_CWORD); the scripts printed by
  `completion SHELL` call it that way, for users who run `kubectl-kueue_argo` directly.

Live lookups (namespaces, workflow names) use a 2 s budget and fail silently: completion must
never print an error or hang the shell. Kubeconfig names (contexts, clusters, users) are read
from the files only, with no network.
"""
import os
import sys

import click
from click.shell_completion import BashComplete, CompletionItem, FishComplete, ShellComplete, ZshComplete

from kubectl_kueue_argo.commands.options import current_options

PROG_NAME = "kubectl-kueue_argo"
COMPLETE_VAR = "_KUBECTL_KUEUE_ARGO_COMPLETE"
LOOKUP_TIMEOUT = 2
MAX_LISTED = 500

# Cobra ShellCompDirective bits.
DIRECTIVE_DEFAULT = 0
DIRECTIVE_ERROR = 1
DIRECTIVE_NO_SPACE = 2
DIRECTIVE_NO_FILE_COMP = 4
DIRECTIVE_FILTER_FILE_EXT = 8
DIRECTIVE_FILTER_DIRS = 16
DIRECTIVE_KEEP_ORDER = 32


# -- value completers (click `shell_complete=` callbacks) ---------------------------------------

def complete_files(ctx, param, incomplete):
    """Let the shell complete file names."""
    return [CompletionItem(incomplete, type="file")]


def _kubeconfig_names(ctx, section):
    from kubectl_kueue_argo.sources.kubeconfig import kubeconfig_paths, merge_kubeconfigs

    options = current_options(ctx)
    try:
        merged = merge_kubeconfigs(kubeconfig_paths(options.kubeconfig)) or {}
    except Exception:  # unreadable or invalid kubeconfig: no candidates, no noise
        return []
    names = []
    for entry in merged.get(section) or []:
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and name and name not in names:
            names.append(name)
    return names, merged


def _name_items(names, incomplete, describe=None):
    return [CompletionItem(name, help=describe(name) if describe else None)
            for name in names if name.startswith(incomplete)]


def complete_contexts(ctx, param, incomplete):
    found = _kubeconfig_names(ctx, "contexts")
    if not found:
        return []
    names, merged = found
    details = {entry.get("name"): entry.get("context") or {} for entry in merged.get("contexts") or []
               if isinstance(entry, dict)}

    def describe(name):
        context = details.get(name) if isinstance(details.get(name), dict) else {}
        parts = [f"cluster {context['cluster']}" if context.get("cluster") else None,
                 f"namespace {context['namespace']}" if context.get("namespace") else None]
        text = ", ".join(part for part in parts if part)
        if name == merged.get("current-context"):
            text = "current" + (f": {text}" if text else "")
        return text or None

    return _name_items(names, incomplete, describe)


def complete_clusters(ctx, param, incomplete):
    found = _kubeconfig_names(ctx, "clusters")
    return _name_items(found[0], incomplete) if found else []


def complete_users(ctx, param, incomplete):
    found = _kubeconfig_names(ctx, "users")
    return _name_items(found[0], incomplete) if found else []


def _live_cluster(ctx):
    """A LiveCluster on the kubeconfig/flags typed so far, with the short completion timeout."""
    from kubectl_kueue_argo.commands.session import Session
    from kubectl_kueue_argo.sources.kubeconfig import new_api_client
    from kubectl_kueue_argo.sources.live import LiveCluster
    from kubectl_kueue_argo.sources.transport import Transport

    session = Session(current_options(ctx))
    api_client = new_api_client(session.resolved(), session.connection())
    return session, LiveCluster(Transport(api_client, request_timeout=LOOKUP_TIMEOUT, log=lambda line: None))


def _quietly(lookup):
    try:
        return lookup()
    except Exception:  # unreachable, forbidden, no kubeconfig, bad flags: complete nothing
        if os.environ.get("KUEUE_ARGO_DEBUG"):
            import traceback
            traceback.print_exc(file=sys.stderr)
        return []


def complete_namespaces(ctx, param, incomplete):
    def lookup():
        _, live = _live_cluster(ctx)
        document = live.transport.get_json("/api/v1/namespaces", {"limit": MAX_LISTED})
        names = [(item.get("metadata") or {}).get("name") for item in document.get("items") or []]
        return _name_items(sorted(name for name in names if name), incomplete)
    return _quietly(lookup)


def _workflow_items(ctx, incomplete):
    options = current_options(ctx)
    if options.from_files:
        session_workflows = _file_workflows(ctx)
    else:
        def lookup():
            session, live = _live_cluster(ctx)
            namespace = session.namespace()
            path = live.argo_path("workflows", namespace)
            document = live.transport.get_json(path, {"limit": MAX_LISTED})
            return document.get("items") or []
        session_workflows = _quietly(lookup)
    items = []
    for workflow in session_workflows:
        name = (workflow.get("metadata") or {}).get("name") if isinstance(workflow, dict) else None
        if isinstance(name, str) and name.startswith(incomplete):
            phase = (workflow.get("status") or {}).get("phase") or "Pending"
            items.append(CompletionItem(name, help=f"Workflow, {phase}"))
    return sorted(items, key=lambda item: item.value)


def _file_workflows(ctx):
    def lookup():
        from kubectl_kueue_argo.commands.session import Session

        options = current_options(ctx)
        if "-" in options.from_files:
            return []  # never read stdin while completing
        session = Session(options)
        return session.files().objects("Workflow", options.namespace)
    return _quietly(lookup)


def complete_workflows(ctx, param, incomplete):
    """Workflow names (live, or from --from-file); for `explain`, also its subcommands."""
    items = []
    command = ctx.command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden and name.startswith(incomplete):
                items.append(CompletionItem(name, help=sub.get_short_help_str(limit=80)))
    return items + _workflow_items(ctx, incomplete)


COMPLETERS = {
    "namespace": complete_namespaces,
    "context": complete_contexts,
    "cluster": complete_clusters,
    "user": complete_users,
    "workflow": complete_workflows,
    "kubeconfig": complete_files,
    "from_files": complete_files,
    "filenames": complete_files,
    "certificate_authority": complete_files,
}


def install_completers(command, seen=None):
    """Give params without their own `shell_complete=` the completer for their name.

    The shared options are declared elsewhere (commands/options.py); attaching the completers
    here, right before completing, keeps every shell on the same values.
    """
    seen = set() if seen is None else seen
    if id(command) in seen:
        return
    seen.add(id(command))
    for param in command.params:
        completer = COMPLETERS.get(param.name)
        if completer and getattr(param, "_custom_shell_complete", None) is None:
            param._custom_shell_complete = completer
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            install_completers(sub, seen)


# -- the Cobra protocol ----------------------------------------------------------------------------

def cobra_completions(cli, args, incomplete):
    """(items, directive) for `__complete ARGS... INCOMPLETE`."""
    install_completers(cli)
    engine = ShellComplete(cli, {}, PROG_NAME, COMPLETE_VAR)
    items = [item for item in engine.get_completions(list(args), incomplete) if not _hidden_name(item)]
    kinds = {item.type for item in items}
    if "file" in kinds:
        return [], DIRECTIVE_DEFAULT
    if "dir" in kinds:
        return [], DIRECTIVE_FILTER_DIRS
    return items, DIRECTIVE_NO_FILE_COMP


def _hidden_name(item):
    return str(item.value).startswith("__")


def format_cobra(items, directive):
    lines = []
    for item in items:
        value = str(item.value)
        help_text = _one_line(item.help)
        lines.append(f"{value}\t{help_text}" if help_text else value)
    lines.append(f":{directive}")
    return "\n".join(lines) + "\n"


def _one_line(text):
    if not text:
        return ""
    line = " ".join(str(text).split())
    return line if len(line) <= 100 else line[:97] + "..."


# -- bash / zsh / fish scripts -------------------------------------------------------------------

_SOURCE_BASH = """\
# bash completion for %(prog_name)s (bash >= 4.4). Load with:
#   source <(%(prog_name)s completion bash)
%(complete_func)s() {
    local IFS=$'\\n'
    local response

    response=$(env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \\
%(complete_var)s=bash_complete $1 __complete 2>/dev/null)

    for completion in $response; do
        IFS=',' read type value <<< "$completion"

        if [[ $type == 'dir' ]]; then
            COMPREPLY=()
            compopt -o dirnames
        elif [[ $type == 'file' ]]; then
            COMPREPLY=()
            compopt -o default
        elif [[ $type == 'plain' ]]; then
            COMPREPLY+=($value)
        fi
    done

    return 0
}

%(complete_func)s_setup() {
    complete -o nosort -F %(complete_func)s %(prog_name)s
}

%(complete_func)s_setup;
"""

_SOURCE_ZSH = """\
#compdef %(prog_name)s
# zsh completion for %(prog_name)s. Load with:
#   source <(%(prog_name)s completion zsh)

%(complete_func)s() {
    local -a completions
    local -a completions_with_descriptions
    local -a response
    (( ! $+commands[%(prog_name)s] )) && return 1

    response=("${(@f)$(env COMP_WORDS="${words[*]}" COMP_CWORD=$((CURRENT-1)) \\
%(complete_var)s=zsh_complete %(prog_name)s __complete 2>/dev/null)}")

    for type key descr in ${response}; do
        if [[ "$type" == "plain" ]]; then
            if [[ "$descr" == "_" ]]; then
                completions+=("$key")
            else
                completions_with_descriptions+=("$key":"$descr")
            fi
        elif [[ "$type" == "dir" ]]; then
            _path_files -/
        elif [[ "$type" == "file" ]]; then
            _path_files -f
        fi
    done

    if [ -n "$completions_with_descriptions" ]; then
        _describe -V unsorted completions_with_descriptions -U
    fi

    if [ -n "$completions" ]; then
        compadd -U -V unsorted -a completions
    fi
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    %(complete_func)s "$@"
else
    compdef %(complete_func)s %(prog_name)s
fi
"""

_SOURCE_FISH = """\
# fish completion for %(prog_name)s. Load with:
#   %(prog_name)s completion fish | source
function %(complete_func)s;
    set -l response (env %(complete_var)s=fish_complete COMP_WORDS=(commandline -cp) \\
COMP_CWORD=(commandline -t) %(prog_name)s __complete 2>/dev/null);

    for completion in $response;
        set -l metadata (string split "," $completion);

        if test $metadata[1] = "dir";
            __fish_complete_directories $metadata[2];
        else if test $metadata[1] = "file";
            __fish_complete_path $metadata[2];
        else if test $metadata[1] = "plain";
            echo $metadata[2];
        end;
    end;
end;

complete --no-files --command %(prog_name)s --arguments \\
"(%(complete_func)s)";
"""


class _Completer:
    """Our own scripts (they call `__complete`), and the hidden names kept out of the candidates."""

    def source(self):
        return self.source_template % self.source_vars()

    def get_completions(self, args, incomplete):
        install_completers(self.cli)
        return [item for item in super().get_completions(args, incomplete) if not _hidden_name(item)]

    def format_completion(self, item):
        if item.help:
            item = CompletionItem(item.value, type=item.type, help=_one_line(item.help))
        return super().format_completion(item)


class BashCompleter(_Completer, BashComplete):
    source_template = _SOURCE_BASH


class ZshCompleter(_Completer, ZshComplete):
    source_template = _SOURCE_ZSH


class FishCompleter(_Completer, FishComplete):
    source_template = _SOURCE_FISH


SHELLS = {"bash": BashCompleter, "zsh": ZshCompleter, "fish": FishCompleter}

COMPLETION_EXAMPLES = """
\b
Examples:
  # bash (>= 4.4): this session, then every session
  source <(kubectl-kueue_argo completion bash)
  kubectl-kueue_argo completion bash > ~/.local/share/bash-completion/completions/kubectl-kueue_argo
\b
  # zsh
  kubectl-kueue_argo completion zsh > "${fpath[1]}/_kubectl-kueue_argo"
\b
  # fish
  kubectl-kueue_argo completion fish > ~/.config/fish/completions/kubectl-kueue_argo.fish
\b
  # `kubectl kueue-argo <TAB>` (kubectl >= 1.26) with krew: copy the wrapper onto PATH once
  # (pip install already puts kubectl_complete-kueue_argo next to kubectl-kueue_argo)
  cp ~/.krew/store/kueue-argo/v*/kubectl_complete-kueue_argo ~/.krew/bin/
"""


@click.command("completion", epilog=COMPLETION_EXAMPLES, short_help="Print a shell completion script (bash, zsh, fish).")
@click.argument("shell", type=click.Choice(sorted(SHELLS)))
@click.pass_context
def completion_command(ctx, shell):
    """Print the completion script for SHELL, for the `kubectl-kueue_argo` executable.

    `kubectl kueue-argo <TAB>` is completed by kubectl itself (>= 1.26) through the
    `kubectl_complete-kueue_argo` executable shipped with the plugin; see the examples."""
    completer = SHELLS[shell](ctx.find_root().command, {}, PROG_NAME, COMPLETE_VAR)
    click.echo(completer.source(), nl=False)


@click.command("__complete", hidden=True, add_help_option=False,
               context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                 "allow_interspersed_args": False})
@click.argument("words", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def complete_command(ctx, words):
    """Completion protocol entry point (kubectl plugin completion, and the shell scripts)."""
    cli = ctx.find_root().command
    instruction = os.environ.get(COMPLETE_VAR, "")
    shell = instruction.partition("_")[0]
    if shell in SHELLS:
        try:
            output = SHELLS[shell](cli, {}, PROG_NAME, COMPLETE_VAR).complete()
        except Exception:
            output = ""
        if output:
            click.echo(output)
        return
    words = list(words) + ctx.args
    args, incomplete = (words[:-1], words[-1]) if words else ([], "")
    try:
        items, directive = cobra_completions(cli, args, incomplete)
    except Exception:
        if os.environ.get("KUEUE_ARGO_DEBUG"):
            raise
        items, directive = [], DIRECTIVE_ERROR
    click.echo(format_cobra(items, directive), nl=False)


__all__ = ["completion_command", "complete_command", "cobra_completions", "format_cobra", "install_completers",
           "complete_namespaces", "complete_contexts", "complete_clusters", "complete_users", "complete_workflows",
           "complete_files", "COMPLETE_VAR", "PROG_NAME"]
