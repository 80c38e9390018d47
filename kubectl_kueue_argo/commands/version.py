"""`version`: the plugin's version and, when a cluster answers, what it serves.

The server part is best effort: no kubeconfig or an unreachable cluster prints the client part,
one note on stderr, and exits 0 (a version command must not fail because a cluster is down).
"""
import platform
import sys

import click

from kubectl_kueue_argo import __version__
from kubectl_kueue_argo.commands.options import common_options, current_options, output_option
from kubectl_kueue_argo.commands.session import Session
from kubectl_kueue_argo.errors import PluginError
from kubectl_kueue_argo.render.structured import dump
from kubectl_kueue_argo.render.text import escape_terminal

ARGO_GROUP = "argoproj.io"
KUEUE_GROUP = "kueue.x-k8s.io"
VISIBILITY_GROUP = "visibility.kueue.x-k8s.io"
# Without --request-timeout, `version` gives the cluster this long (retries included): a version
# command should not hang for the 30 s default when the cluster is down.
DEFAULT_VERSION_TIMEOUT = "5s"

VERSION_EXAMPLES = """
\b
Examples:
  # The plugin version only, without contacting a cluster
  kubectl kueue-argo version --client
\b
  # Also the Kubernetes server version and the Kueue and Argo APIs the cluster serves
  kubectl kueue-argo version --context prod -o yaml
"""


def client_version():
    return {
        "version": f"v{__version__}",
        "python": platform.python_version(),
        "platform": f"{sys.platform}/{platform.machine() or 'unknown'}",
    }


def server_document(live):
    """What the cluster serves, from /version and API discovery. Raises PluginError if unreachable."""
    from kubectl_kueue_argo.interpret.kueue.config import kueue_version_hint

    discovery = live.discovery()
    groups = discovery.groups
    server = {}
    try:
        server = live.transport.get_json("/version") or {}
    except PluginError:
        server = {}  # /version can be denied while discovery works; the rest is still useful
    kueue_versions = list(groups.get(KUEUE_GROUP) or [])
    visibility_versions = list(groups.get(VISIBILITY_GROUP) or [])
    argo_versions = list(groups.get(ARGO_GROUP) or [])
    short_names = _workload_short_names(live, discovery.kueue_version) if kueue_versions else None
    return {
        "serverVersion": {key: server[key] for key in ("gitVersion", "major", "minor", "platform") if key in server},
        "kueue": {
            "installed": bool(kueue_versions),
            "apiVersions": kueue_versions,
            "usedVersion": discovery.kueue_version,
            "visibilityVersions": visibility_versions,
            "usedVisibilityVersion": discovery.visibility_version,
            "versionHint": kueue_version_hint(groups, short_names),
        },
        "argo": {
            "installed": bool(argo_versions),
            "apiVersions": argo_versions,
            "supported": discovery.argo_installed,
        },
    }


def _workload_short_names(live, version):
    """Workload short names refine the Kueue version hint (wl -> v0.15, kwl -> v0.16+); optional."""
    if not version:
        return None
    try:
        document = live.transport.get_json(f"/apis/{KUEUE_GROUP}/{version}")
    except PluginError:
        return None
    for resource in document.get("resources") or []:
        if resource.get("name") == "workloads":
            return list(resource.get("shortNames") or [])
    return None


def render_text(document):
    client = document["clientVersion"]
    lines = [f"Client Version: {client['version']}",
             f"Python Version: {client['python']} ({client['platform']})"]
    if "kueue" in document:
        server = document.get("serverVersion") or {}
        kueue = document["kueue"]
        argo = document["argo"]
        lines.append(f"Server Version: {server.get('gitVersion') or 'unknown'}")
        if kueue["installed"]:
            lines.append(f"Kueue APIs: {_versions(KUEUE_GROUP, kueue['apiVersions'], kueue['usedVersion'])}"
                         f" (Kueue {kueue['versionHint']})")
            visibility = kueue["visibilityVersions"]
            lines.append("Kueue Visibility APIs: " + (
                _versions(VISIBILITY_GROUP, visibility, kueue["usedVisibilityVersion"]) if visibility
                else "not served (no queue positions)"))
        else:
            lines.append(f"Kueue APIs: not installed ({KUEUE_GROUP} is not served)")
        if argo["installed"]:
            note = "" if argo["supported"] else " (v1alpha1 is not served: unsupported)"
            lines.append(f"Argo Workflows APIs: {_versions(ARGO_GROUP, argo['apiVersions'], None)}{note}")
        else:
            lines.append(f"Argo Workflows APIs: not installed ({ARGO_GROUP} is not served)")
    return "\n".join(escape_terminal(line) for line in lines) + "\n"


def _versions(group, versions, used):
    """kueue.x-k8s.io/v1beta2 (used), kueue.x-k8s.io/v1beta1: the one this plugin reads is marked."""
    return ", ".join(f"{group}/{version}" + (" (used)" if version == used and len(versions) > 1 else "")
                     for version in versions)


@click.command("version", epilog=VERSION_EXAMPLES,
               short_help="Print the plugin version and the cluster's Kubernetes, Kueue and Argo APIs.")
@click.option("--client", "client_only", is_flag=True, help="Print the plugin version only; do not contact a cluster.")
@output_option(["text", "json", "yaml"], "text")
@common_options
@click.pass_context
def version_command(ctx, client_only, output):
    """Print the plugin version. With a reachable cluster, also print the Kubernetes server
    version, the Kueue API versions it serves (with an estimate of the Kueue release), the Kueue
    visibility API versions and the Argo Workflows API versions.

    An unreachable cluster or a missing kubeconfig is not an error: the client part is printed,
    with a note on stderr. Without --request-timeout the cluster gets 5s to answer."""
    document = {"clientVersion": client_version()}
    options = current_options(ctx)
    if not client_only and not options.from_files:
        if not options.request_timeout:
            options.request_timeout = DEFAULT_VERSION_TIMEOUT
        try:
            document.update(server_document(Session(options).live()))
        except PluginError as err:
            click.echo(f"note: no server information: {escape_terminal(err.message)}", err=True)
    if output in ("json", "yaml"):
        click.echo(dump(document, output), nl=False)
    else:
        click.echo(render_text(document), nl=False)


__all__ = ["version_command"]
