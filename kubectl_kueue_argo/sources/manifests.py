"""Read Kubernetes documents from files, directories and stdin ("-").

Multi-document YAML, JSON and `kind: List` are flattened into (source path, document) pairs.
Every problem becomes an InputError with a one-line message naming the file (and the line).
"""
import json
import os

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
            for document in parse_text(text, source):
                if kinds is None or document.get("kind") in kinds:
                    documents.append((source, document))
    return documents


def parse_text(text, source="<stdin>"):
    """The Kubernetes objects in one YAML or JSON text, with List items flattened."""
    if "\x00" in text:
        raise InputError(f"{source}: binary data, not YAML or JSON")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            loaded = [json.loads(text)]
        except ValueError:
            loaded = _yaml_documents(text, source)   # YAML flow style also starts with { or [
    else:
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
