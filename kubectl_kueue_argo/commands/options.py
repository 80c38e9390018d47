"""Options shared by every command, with kubectl's names and meanings."""
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from typing import Optional, Tuple

import click

from kubectl_kueue_argo.errors import UsageError
from kubectl_kueue_argo.sources.kubeconfig import ConnectionOptions
from kubectl_kueue_argo.timeutil import parse_time, utc_now

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_KEY = "kueue_argo.options"


def duration_seconds(value):
    """A bare number of seconds or a Go duration ("30s", "1m30s", "500ms") in seconds; None if neither."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def parse_request_timeout(value):
    """kubectl's --request-timeout: a bare number is seconds, else a Go duration; 0 means none."""
    if value is None or value == "":
        return None
    seconds = duration_seconds(value)
    if seconds is None:
        raise UsageError(f'invalid --request-timeout "{value}": use a number of seconds or a duration like 30s, 1m')
    return seconds or None


def parse_interval(value):
    """--interval (watch polling): a duration of at least 100ms."""
    seconds = duration_seconds(value)
    if seconds is None or seconds < 0.1:
        raise UsageError(f'invalid --interval "{value}": use a duration of at least 100ms, like 2s or 500ms')
    return seconds


@dataclass
class CommonOptions(ConnectionOptions):
    """The connection flags plus what every command shares."""

    request_timeout: Optional[str] = None
    verbose: int = 0
    from_files: Tuple[str, ...] = field(default_factory=tuple)


def _store(ctx, param, value):
    if value is None or value == () or value is False or value == 0:
        return value
    options = ctx.find_root().meta.setdefault(_KEY, CommonOptions())
    setattr(options, param.name, value)
    return value


def common_options(function):
    """kubectl's connection flags plus --from-file and -v, accepted before or after the command."""
    decorators = [
        click.option("--kubeconfig", metavar="PATH", help="Path to the kubeconfig file to use."),
        click.option("--context", metavar="NAME", help="The name of the kubeconfig context to use."),
        click.option("--cluster", metavar="NAME", help="The name of the kubeconfig cluster to use."),
        click.option("--user", metavar="NAME", help="The name of the kubeconfig user to use."),
        click.option("-n", "--namespace", metavar="NS", help="The namespace (default: the context's namespace)."),
        click.option("-s", "--server", metavar="URL", help="The address and port of the Kubernetes API server."),
        click.option("--token", metavar="TOKEN", help="Bearer token for authentication to the API server."),
        click.option("--certificate-authority", metavar="PATH", help="Path to a cert file for the certificate authority."),
        click.option("--insecure-skip-tls-verify", is_flag=True, default=False,
                     help="Do not check the server's certificate (insecure)."),
        click.option("--as", "impersonate", metavar="USER", help="Username to impersonate for the operation."),
        click.option("--as-group", "impersonate_groups", metavar="GROUP", multiple=True,
                     help="Group to impersonate for the operation."),
        click.option("--request-timeout", metavar="DURATION",
                     help="How long to wait for each request, retries included (e.g. 10s, 1m). Default 30s."),
        click.option("-v", "--v", "verbose", type=int, metavar="LEVEL",
                     help="Log level, as kubectl's: 6 logs each API request (method, URL, status, time) to stderr, "
                          "7 adds its headers, 8 the response bodies (truncated). -v alone means 6. "
                          "Credentials are never printed."),
        click.option("--from-file", "from_files", metavar="PATH", multiple=True,
                     help="Read objects from YAML/JSON files or directories instead of a cluster (repeatable)."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    for param in function.__click_params__[-len(decorators):]:
        param.callback = _store
        param.expose_value = False
    return function


_VERBOSITY_FLAG = re.compile(r"--?v(?:=(.*))?")
_VERBOSITY_ATTACHED = re.compile(r"-v(\d+)")
VERBOSITY_ALONE = 6  # `-v` with no level: log each request, the level users reach for


def kubectl_verbosity_args(args):
    """Accept kubectl's spellings of the log level: -v=6, -v 6, --v=6, --v 6, -v6, and -v alone.

    click alone would read `-v=6` as the flags -v, -=, -6 and take the 6 of `-v 6` as an argument."""
    result, index = [], 0
    while index < len(args):
        token = args[index]
        index += 1
        if token == "--":
            result.extend(args[index - 1:])
            break
        attached = _VERBOSITY_ATTACHED.fullmatch(token)
        flag = _VERBOSITY_FLAG.fullmatch(token)
        if attached:
            token = f"--v={attached.group(1)}"
        elif flag:
            level = flag.group(1)
            if level is None and index < len(args) and args[index].isdigit():
                level, index = args[index], index + 1
            token = f"--v={VERBOSITY_ALONE if level is None else level}"
        result.append(token)
    return result


def current_options(ctx):
    return ctx.find_root().meta.setdefault(_KEY, CommonOptions())


def clock_pinned(environ=None):
    environ = os.environ if environ is None else environ
    return bool(environ.get("KUEUE_ARGO_NOW"))


def terminal_width(stream=None):
    """The terminal's width (COLUMNS wins, as for every tool) when `stream` is a terminal; None when
    piped, so that piped output is never shortened."""
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return None
    return shutil.get_terminal_size((80, 24)).columns


def now_for(environ=None):
    """The clock; KUEUE_ARGO_NOW pins it (tests, reproducible reports of snapshots)."""
    environ = os.environ if environ is None else environ
    pinned = parse_time(environ.get("KUEUE_ARGO_NOW"))
    return pinned or utc_now()


def output_option(choices, default):
    return click.option("-o", "--output", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format.")


def use_utf8(stream=None):
    stream = stream or sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf_8")
