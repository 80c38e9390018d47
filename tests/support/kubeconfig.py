"""Write a real kubeconfig file pointing at a (fake) API server."""
from __future__ import annotations

import os
from typing import Iterable, Mapping, Optional, Union

import yaml

PathLike = Union[str, "os.PathLike[str]"]


def _entries(name: str, server_url: str, token: Optional[str], namespace: Optional[str]):
    cluster = {"name": name, "cluster": {"server": server_url}}
    user = {"name": name, "user": {"token": token} if token else {}}
    ctx = {"cluster": name, "user": name}
    if namespace:
        ctx["namespace"] = namespace
    return cluster, user, {"name": name, "context": ctx}


def write_kubeconfig(path: PathLike, server_url: str, *, token: Optional[str] = None,
                     namespace: Optional[str] = None, context: str = "fake",
                     extra_contexts: Iterable[Mapping] = ()) -> str:
    """Write a kubeconfig whose current-context ``context`` talks to ``server_url``.

    ``extra_contexts`` adds more contexts, each a mapping with ``name`` and optional ``server``
    (default ``server_url``), ``token`` and ``namespace``.  Returns the path as a string.
    """
    clusters, users, contexts = [], [], []
    specs = [{"name": context, "server": server_url, "token": token, "namespace": namespace}]
    specs += [dict(c) for c in extra_contexts]
    for spec in specs:
        c, u, x = _entries(spec["name"], spec.get("server") or server_url, spec.get("token"),
                           spec.get("namespace"))
        clusters.append(c)
        users.append(u)
        contexts.append(x)
    doc = {"apiVersion": "v1", "kind": "Config", "preferences": {}, "clusters": clusters,
           "users": users, "contexts": contexts, "current-context": context}
    path = os.fspath(path)
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, sort_keys=False)
    return path
