"""Find the cluster, credentials and namespace the way kubectl does.

kubectl merges $KUBECONFIG files with "first file wins" (also for current-context); the Python
client lets the last file win. So the files are merged here and the client is given the result.
Nothing is ever written back: token refreshes stay in memory.
"""
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Sequence

import yaml

from kubectl_kueue_argo import yamlio
from kubectl_kueue_argo.errors import ConfigError

_FILE_FIELDS = {
    "clusters": ("certificate-authority",),
    "users": ("client-certificate", "client-key", "tokenFile"),
}
_IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"


@dataclass
class ConnectionOptions:
    kubeconfig: Optional[str] = None
    context: Optional[str] = None
    cluster: Optional[str] = None
    user: Optional[str] = None
    namespace: Optional[str] = None
    server: Optional[str] = None
    token: Optional[str] = None
    certificate_authority: Optional[str] = None
    insecure_skip_tls_verify: bool = False
    impersonate: Optional[str] = None
    impersonate_groups: Sequence[str] = ()


@dataclass
class ResolvedConfig:
    config: Dict[str, object]      # a merged kubeconfig dict
    context: Optional[str]
    namespace: str
    in_cluster: bool = False


def kubeconfig_paths(explicit, environ=None):
    environ = os.environ if environ is None else environ
    if explicit:
        return [explicit]
    if environ.get("KUBECONFIG"):
        return [part for part in environ["KUBECONFIG"].split(os.pathsep) if part]
    return [str(Path.home() / ".kube" / "config")]


def merge_kubeconfigs(paths, must_exist=False):
    """Merge kubeconfig files with kubectl's rules: the first file to set a value wins."""
    merged = {"clusters": [], "users": [], "contexts": [], "current-context": None}
    seen = {"clusters": set(), "users": set(), "contexts": set()}
    found = False
    for path in paths:
        document = _read_kubeconfig(path, must_exist)
        if document is None:
            continue
        found = True
        base = Path(path).resolve().parent
        if not merged["current-context"] and document.get("current-context"):
            if not isinstance(document["current-context"], str):
                raise ConfigError(f"kubeconfig {path}: current-context must be a string")
            merged["current-context"] = document["current-context"]
        for section in ("clusters", "users", "contexts"):
            entries = document.get(section) or []
            if not isinstance(entries, list):
                raise ConfigError(f"kubeconfig {path}: {section} must be a list, not {type(entries).__name__}")
            for entry in entries:
                if not isinstance(entry, dict) or entry.get("name") in seen[section]:
                    continue
                seen[section].add(entry.get("name"))
                merged[section].append(_absolutize(section, entry, base))
    return merged if found else None


def _read_kubeconfig(path, must_exist):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        if must_exist:
            raise ConfigError(f'stat {path}: no such file or directory') from None
        return None
    except OSError as err:
        raise ConfigError(f"cannot read kubeconfig {path}: {err.strerror or err}") from None
    try:
        document = yamlio.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise ConfigError(f"kubeconfig {path} is not valid YAML: {_first_line(err)}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"kubeconfig {path} is not a kubeconfig (expected a mapping)")
    return document


def _first_line(err):
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def _absolutize(section, entry, base):
    """Relative file paths in a kubeconfig are relative to the file they appear in."""
    body_key = section[:-1]
    body = entry.get(body_key)
    if not isinstance(body, dict):
        return entry
    body = dict(body)
    for key in _FILE_FIELDS.get(section, ()):
        value = body.get(key)
        if isinstance(value, str) and value and not os.path.isabs(value):
            body[key] = str(base / value)
    return {**entry, body_key: body}


def resolve(options, environ=None):
    """The merged kubeconfig, the context to use and the default namespace.

    Unknown --context/--cluster/--user names are errors worded as kubectl's (client-go
    tools/clientcmd: errContextNotFound, validateClusterInfo, DirectClientConfig.getAuthInfo)."""
    environ = os.environ if environ is None else environ
    paths = kubeconfig_paths(options.kubeconfig, environ)
    merged = merge_kubeconfigs(paths, must_exist=bool(options.kubeconfig))
    if merged is None:
        if environ.get("KUBERNETES_SERVICE_HOST") and os.path.exists(_IN_CLUSTER_TOKEN):
            return ResolvedConfig({}, None, options.namespace or _in_cluster_namespace(), in_cluster=True)
        if options.server:
            merged = {"clusters": [], "users": [], "contexts": [], "current-context": None}
        else:
            raise _no_kubeconfig(paths, environ)
    context_name = options.context or merged.get("current-context")
    context = _find(merged["contexts"], context_name, "context") if context_name else {}
    if context is None:
        raise ConfigError(f"context was not found for specified context: {context_name}",
                          hint=_CONTEXTS_HINT)
    if not context_name and not options.server:
        raise ConfigError("current-context is not set in the kubeconfig; pass --context")
    _check_names(merged, context, options)
    merged, context_name = _apply_overrides(merged, context_name, context, options)
    namespace = options.namespace or context.get("namespace") or "default"
    return ResolvedConfig(merged, context_name, namespace)


_CONTEXTS_HINT = "`kubectl config get-contexts` lists the contexts of your kubeconfig."


def _no_kubeconfig(paths, environ):
    if environ.get("KUBECONFIG"):
        if len(paths) == 1:
            message = f"the kubeconfig file {paths[0]} (from KUBECONFIG) does not exist"
        else:
            message = f"none of the kubeconfig files in KUBECONFIG exists: {', '.join(paths)}"
        return ConfigError(message, hint="Fix KUBECONFIG, or use --from-file to read a snapshot without a cluster.")
    return ConfigError(f"no kubeconfig found: {paths[0]} does not exist; set KUBECONFIG or pass --kubeconfig",
                       hint="Use --from-file to read a snapshot without a cluster.")


def _check_names(merged, context, options):
    user_name = options.user
    if user_name and _find(merged["users"], user_name, "user") is None:
        raise ConfigError(f'auth info "{user_name}" does not exist')
    if options.server:
        return
    cluster_name = options.cluster or context.get("cluster")
    cluster = _find(merged["clusters"], cluster_name, "cluster") if cluster_name else None
    if cluster_name and not (cluster or {}).get("server"):
        raise ConfigError(f'no server found for cluster "{cluster_name}"')


def _find(entries, name, kind):
    """The body of the named entry ({} if it has none), or None if there is no such entry."""
    for entry in entries:
        if entry.get("name") == name:
            body = entry.get(kind)
            return body if isinstance(body, dict) else {}
    return None


def _named(entries, name, kind):
    return _find(entries, name, kind) or {}


def _apply_overrides(merged, context_name, context, options):
    """Fold --cluster/--user/--server/--token/... into a synthetic context, as kubectl does."""
    if not any((options.cluster, options.user, options.server, options.token,
                options.certificate_authority, options.insecure_skip_tls_verify)):
        return merged, context_name
    cluster = dict(_named(merged["clusters"], options.cluster or context.get("cluster"), "cluster"))
    user = dict(_named(merged["users"], options.user or context.get("user"), "user"))
    if options.server:
        cluster["server"] = options.server
    if options.certificate_authority:
        cluster["certificate-authority"] = os.path.abspath(options.certificate_authority)
        cluster.pop("certificate-authority-data", None)
    if options.insecure_skip_tls_verify:
        cluster["insecure-skip-tls-verify"] = True
        cluster.pop("certificate-authority-data", None)
        cluster.pop("certificate-authority", None)
    if options.token:
        user = {"token": options.token}
    name = "kueue-argo-override"
    synthetic = {
        "clusters": [{"name": name, "cluster": cluster}] + merged["clusters"],
        "users": [{"name": name, "user": user}] + merged["users"],
        "contexts": [{"name": name, "context": {**context, "cluster": name, "user": name}}] + merged["contexts"],
        "current-context": name,
    }
    return synthetic, name


class _ClientLogCapture:
    """Collect (and keep off the terminal) the errors the kubernetes client logs while loading
    credentials: it logs a failing exec plugin to the root logger instead of raising."""

    def __init__(self):
        self.messages = []
        self._handler = None
        self._saved = None

    def __enter__(self):
        import logging

        capture = self

        class _Handler(logging.Handler):
            def emit(self, record):
                capture.messages.append(record.getMessage())

        root = logging.getLogger()
        self._handler = _Handler(level=logging.ERROR)
        self._saved = (list(root.handlers),)
        root.handlers = [self._handler]
        return self

    def __exit__(self, *exc):
        import logging

        logging.getLogger().handlers = self._saved[0]
        return False


def _first_line_of(text):
    text = str(text).strip()
    return text.splitlines()[0][:300] if text else "unknown error"


def _in_cluster_namespace():
    try:
        return Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace").read_text().strip() or "default"
    except OSError:
        return "default"


def _silence_insecure_warning():
    """The user asked for --insecure-skip-tls-verify: kubectl says nothing more, neither do we."""
    import warnings

    from urllib3.exceptions import InsecureRequestWarning

    warnings.simplefilter("ignore", InsecureRequestWarning)


def new_api_client(resolved, options):
    """A kubernetes ApiClient for the resolved config; imported lazily, it is slow to import."""
    from kubernetes import client as k8s_client
    from kubernetes.config import ConfigException, incluster_config
    from kubernetes.config.kube_config import KubeConfigLoader

    configuration = type.__call__(k8s_client.Configuration)
    try:
        if resolved.in_cluster:
            incluster_config.InClusterConfigLoader(
                token_filename=_IN_CLUSTER_TOKEN,
                cert_filename="/var/run/secrets/kubernetes.io/serviceaccount/ca.crt").load_and_set(configuration)
        else:
            with _ClientLogCapture() as failures:
                KubeConfigLoader(resolved.config, active_context=resolved.context,
                                 config_persister=None).load_and_set(configuration)
            if failures.messages and not configuration.api_key:
                # The client logs a failed exec credential plugin and carries on without
                # credentials (then a bare 401): say what really failed, in one line.
                raise ConfigError(f"the credential plugin of context {resolved.context!r} failed: "
                                  f"{_first_line_of(failures.messages[0])}")
    except ConfigException as err:
        raise ConfigError(f"invalid kubeconfig: {err}") from None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as err:
        # The client assumes well-typed fields (a numeric server, a list as token, ...).
        raise ConfigError(f"cannot load context {resolved.context!r} from the kubeconfig: "
                          f"{type(err).__name__}: {_first_line_of(err)}") from None
    configuration.retries = False  # our transport retries, with its own budget
    if not configuration.verify_ssl:
        _silence_insecure_warning()
    api_client = k8s_client.ApiClient(configuration=configuration)
    api_client.user_agent = "kubectl-kueue_argo"
    if options.impersonate:
        api_client.default_headers["Impersonate-User"] = options.impersonate
    if options.impersonate_groups:
        # urllib3 cannot repeat a header; the API server accepts one group per header only.
        api_client.default_headers["Impersonate-Group"] = options.impersonate_groups[0]
    return api_client
