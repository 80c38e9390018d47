"""Argo podSpecPatch: what it touches and, when it is plain data, its effect on requests (pure).

Argo applies the wf-level patch, then the template's, as a strategic merge over the finished pod
spec (facts/argo-workflows.md §4.1), so a patch can change what Kueue counts or add scheduling gates.
"""
import copy
import json
import re
from dataclasses import dataclass
from typing import Optional

import yaml

from kubectl_kueue_argo import yamlio
from kubectl_kueue_argo.interpret.dicts import deep_merge, sequence as _list

_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
_RESOURCE_KEYS = ("resources", "overhead")


@dataclass
class PatchInfo:
    text: str
    parsed: Optional[dict]          # None when it has {{...}} or is not a mapping
    templated: bool                 # contains {{...}}: only known at run time
    touches_resources: bool         # may change container/pod resources or overhead
    touches_gates: bool             # may set spec.schedulingGates


def inspect_patch(patch):
    """PatchInfo for a podSpecPatch string (YAML or JSON), or None when there is none."""
    if patch is None or patch == "":
        return None
    text = patch if isinstance(patch, str) else json.dumps(patch)
    templated = bool(_EXPRESSION.search(text))
    parsed = None if templated else _parse(text)
    if parsed is not None:
        resources = any(_container_touches(c) for key in ("containers", "initContainers")
                        for c in _list(parsed.get(key))) or any(k in parsed for k in _RESOURCE_KEYS)
        gates = "schedulingGates" in parsed
    else:
        # An expression can stand for anything; fall back to the words in the text.
        whole = templated and _EXPRESSION.sub("", text).strip() in ("", '""', "''")
        resources = whole or any(word in text for word in ("resources", "overhead"))
        gates = whole or "schedulingGates" in text
    return PatchInfo(text=text, parsed=parsed, templated=templated,
                     touches_resources=resources, touches_gates=gates)


def apply_patch(pod_spec, patch):
    """A copy of pod_spec with the parsed patch's resources merged in (containers by name)."""
    result = copy.deepcopy(pod_spec)
    if not isinstance(patch, dict):
        return result
    for key in ("containers", "initContainers"):
        by_name = {c.get("name"): c for c in _list(result.get(key)) if isinstance(c, dict)}
        for patch_container in _list(patch.get(key)):
            if not isinstance(patch_container, dict) or "resources" not in patch_container:
                continue
            target = by_name.get(patch_container.get("name"))
            if target is None:
                continue
            target["resources"] = deep_merge(target.get("resources"), patch_container.get("resources"))
    for key in _RESOURCE_KEYS:
        if isinstance(patch.get(key), dict):
            result[key] = deep_merge(result.get(key), patch[key])
    return result


def _container_touches(container):
    return isinstance(container, dict) and "resources" in container


def _parse(text):
    try:
        value = yamlio.safe_load(text)
    except yaml.YAMLError:
        return None
    return value if isinstance(value, dict) else None
