"""Read Kubernetes documents from files, directories and stdin ("-").

Multi-document YAML, JSON and `kind: List` are flattened into (source path, document) pairs.
Every problem becomes an InputError with a one-line message naming the file (and the line).
"""
import json
import os
import re

import yaml

from kubectl_kueue_argo import yamlio
from kubectl_kueue_argo.errors import InputError

ARGO_KINDS = ("Workflow", "CronWorkflow", "WorkflowTemplate", "ClusterWorkflowTemplate")
STDIN = "-"
_EXTENSIONS = (".yaml", ".yml", ".json")


def load_documents(paths, stdin_text=None, *, kinds=ARGO_KINDS):
    """[(source, document)] from every path, in order; directories are walked recursively in
    sorted order for *.yaml, *.yml and *.json. `kinds` keeps only those kinds (None keeps all)."""
    documents = []
    for path in paths:
        for source, text in _texts(path, stdin_text):
            for document in parse_text(text, source, kinds=kinds):
                if kinds is None or document.get("kind") in kinds:
                    documents.append((source, document))
    return documents


def parse_text(text, source="<stdin>", kinds=None):
    """The Kubernetes objects in one YAML or JSON text, with List items flattened. With `kinds`,
    the items of a large `kubectl get -o yaml` List whose kind is not wanted may be skipped
    unparsed (other objects of other kinds may still be returned: callers filter)."""
    if "\x00" in text:
        raise InputError(f"{source}: binary data, not YAML or JSON")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            loaded = [json.loads(text)]
        except ValueError:
            loaded = _yaml_documents(text, source)   # YAML flow style also starts with { or [
    else:
        loaded = (_wanted_list_items(text, kinds) if kinds is not None else None)
        if loaded is None:
            loaded = _yaml_documents(text, source)
    result = []
    for index, document in enumerate(loaded, start=1):
        result.extend(_flatten(document, source, index))
    return result


def _texts(path, stdin_text):
    if path == STDIN:
        if stdin_text is None:
            raise InputError("-: no input on stdin")
        yield "<stdin>", stdin_text
        return
    if os.path.isdir(path):
        found = sorted(_walk(path))
        if not found:
            raise InputError(f"{path}: no *.yaml, *.yml or *.json files in this directory")
        for file_path in found:
            yield file_path, _read(file_path)
        return
    yield path, _read(path)


def _walk(directory):
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.lower().endswith(_EXTENSIONS):
                yield os.path.join(root, name)


def _read(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or directory") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    if b"\x00" in data:
        raise InputError(f"{path}: binary data, not YAML or JSON")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text, not YAML or JSON") from None


def _yaml_documents(text, source):
    try:
        return list(yamlio.safe_load_all(text))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InputError(f"{source}{where}: invalid YAML: {problem}") from None


_TOP_LEVEL_KIND = re.compile(r"^kind:[ \t]*[\"']?([A-Za-z0-9.]+)[\"']?[ \t]*$", re.M)
_SHORTCUT_BYTES = 1 << 20   # below 1 MB the full parse is quick anyway


def _wanted_list_items(text, kinds, min_bytes=None):
    """The items of a `kubectl get -o yaml` List whose kind is wanted, parsing nothing else; None
    when the text is not plainly that shape (then it is parsed whole, as before).

    kubectl writes a List as `items:` at column 0, each item starting with `- ` at column 0 and
    indented by two spaces; an item's own `kind:` is then the line `  kind: X`. A 50 MB support
    bundle is mostly pods and Workloads that `explain -f` drops: skipping them unparsed is what
    makes it load in seconds. Anything unusual (no `kind: List`, several documents, tabs, an
    item that does not parse alone, such as one using an anchor of another) falls back."""
    if len(text) < (_SHORTCUT_BYTES if min_bytes is None else min_bytes):
        return None
    lines = text.split("\n")
    if any(line.startswith(("---", "...", "%")) for line in lines[1:]) or "List" not in _TOP_LEVEL_KIND.findall(text):
        return None
    try:
        start = lines.index("items:") + 1
    except ValueError:
        return None
    items, current = [], None
    for line in lines[start:]:
        if line.startswith("- "):
            current = ["  " + line[2:]]
            items.append(current)
        elif line.startswith("  ") or not line.strip():
            if current is not None:
                current.append(line)
            elif line.strip():
                return None
        elif line.startswith("#"):
            continue
        elif line.startswith("-"):
            return None   # an entry written otherwise ("-" alone, "-\t"): not kubectl's shape
        else:
            break   # the List's next top-level key (kind, metadata)
    if not items:
        return None
    kept = []
    for item in items:
        body = "\n".join(line[2:] for line in item)
        found = _TOP_LEVEL_KIND.findall(body)
        if len(found) == 1 and found[0] not in kinds:
            continue
        try:
            document = yamlio.safe_load(body)
        except yaml.YAMLError:
            return None
        if not isinstance(document, dict):
            return None
        kept.append(document)
    return kept


def _flatten(document, source, index):
    if document is None:
        return []
    if not isinstance(document, dict):
        raise InputError(f"{source}: document {index} is a {type(document).__name__}, not a Kubernetes object")
    if document.get("kind") == "List" or (str(document.get("kind", "")).endswith("List")
                                          and isinstance(document.get("items"), list)):
        items = []
        item_kind = document["kind"][:-4] if document["kind"] != "List" else None
        for item in document.get("items") or []:
            if item_kind and isinstance(item, dict) and not item.get("kind"):
                item = {"kind": item_kind, **item}   # API lists (WorkflowList) omit the items' kind
            items.extend(_flatten(item, source, index))
        return items
    return [document]
