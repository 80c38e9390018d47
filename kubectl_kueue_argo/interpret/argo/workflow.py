"""Argo facts from a Workflow object: its nodes, their tree (as `argo get` draws it) and their pods.

Pure: plain dicts in, plain values out.
"""
import base64
import functools
import gzip
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from kubectl_kueue_argo.interpret import names
from kubectl_kueue_argo.interpret.dicts import mapping, sequence, text

WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
COMPONENT_LABEL = "workflows.argoproj.io/component"
NODE_ID_ANNOTATION = "workflows.argoproj.io/node-id"
NODE_NAME_ANNOTATION = "workflows.argoproj.io/node-name"
POD_NAME_FORMAT_ANNOTATION = "workflows.argoproj.io/pod-name-format"

STEP_TYPES = ("Pod", "HTTP", "Plugin", "Suspend")
AGENT_TYPES = ("HTTP", "Plugin")
BOUNDARY_TYPES = ("DAG", "Steps")
NON_BOUNDARY_PARENT_TYPES = ("StepGroup", "Retry")
EXECUTION_TYPES = ("Pod", "Skipped", "Suspend", "HTTP", "Plugin")
FINAL_PHASES = ("Succeeded", "Failed", "Error", "Skipped", "Omitted")

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@dataclass
class DecodedNodes:
    nodes: Dict[str, dict]
    storage: str                 # inline | compressed | offloaded
    problem: Optional[str] = None  # why the nodes could not be read, if they could not


def decode_nodes(workflow):
    """The node map of a Workflow, wherever Argo stored it."""
    status = mapping(workflow.get("status"))
    nodes = status.get("nodes")
    if isinstance(nodes, dict) and nodes:
        return DecodedNodes(_only_dict_values(nodes), "inline")
    compressed = status.get("compressedNodes")
    if compressed:
        try:
            decoded = json.loads(_decompress(base64.b64decode(compressed)))
        except (ValueError, OSError, EOFError, zlib.error, UnicodeDecodeError) as err:
            return DecodedNodes({}, "compressed", f"status.compressedNodes could not be decoded: {err}")
        if not isinstance(decoded, dict):
            return DecodedNodes({}, "compressed", "status.compressedNodes does not hold a node map")
        return DecodedNodes(_only_dict_values(decoded), "compressed")
    if status.get("offloadNodeStatusVersion"):
        return DecodedNodes({}, "offloaded", "the node status is offloaded to Argo's database "
                            "(status.offloadNodeStatusVersion); only the Argo Server can read it")
    return DecodedNodes({}, "inline")


_NODE_TEXT_FIELDS = ("id", "name", "displayName", "type", "phase", "templateName", "templateScope", "boundaryID",
                     "startedAt", "finishedAt", "message", "hostNodeName")


def _only_dict_values(nodes):
    return {str(key): _clean_node(value) for key, value in nodes.items() if isinstance(value, dict)}


def _clean_node(node):
    """A node whose fields have the types Argo writes: the status may be damaged or hand-made."""
    cleaned = dict(node)
    for key in _NODE_TEXT_FIELDS:
        value = cleaned.get(key)
        if value is not None and not isinstance(value, str):
            cleaned[key] = str(value) if isinstance(value, (int, float)) else None
    for key in ("children", "outboundNodes"):
        value = cleaned.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            cleaned[key] = [str(item) for item in value if isinstance(item, (str, int))] if isinstance(value, list) else []
    if not isinstance(cleaned.get("templateRef"), dict):
        cleaned.pop("templateRef", None)
    return cleaned


def _decompress(raw):
    if raw[:2] == b"\x1f\x8b":
        return gzip.decompress(raw)
    if raw[:4] == _ZSTD_MAGIC:
        try:
            import zstandard  # optional: Argo >= 4.1 can compress with zstd
        except ImportError:
            raise ValueError("it is zstd-compressed; install the 'zstandard' package to read it") from None
        return zstandard.ZstdDecompressor().decompressobj().decompress(raw)
    try:
        import brotli  # optional: Argo >= 4.1 treats anything else as brotli
    except ImportError:
        raise ValueError("it is neither gzip nor zstd (brotli?); install the 'brotli' package to read it") from None
    return brotli.decompress(raw)


def workflow_summary(workflow):
    metadata = mapping(workflow.get("metadata"))
    spec = mapping(workflow.get("spec"))
    status = mapping(workflow.get("status"))
    return {
        "name": text(metadata.get("name")),
        "namespace": text(metadata.get("namespace")),
        "phase": text(status.get("phase")) or "Pending",
        "suspended": spec.get("suspend") is True,
        "created": text(metadata.get("creationTimestamp")),
        "startedAt": text(status.get("startedAt")),
        "finishedAt": text(status.get("finishedAt")),
        "message": text(status.get("message")),
    }


def template_label(node):
    """TEMPLATE as `argo get` shows it: `<ref name>/<template>` or the template name."""
    ref = mapping(node.get("templateRef"))
    if ref.get("name"):
        return f"{ref.get('name')}/{ref.get('template', '')}"
    return node.get("templateName") or ""


def step_template_name(node):
    ref = mapping(node.get("templateRef"))
    return ref.get("template") or node.get("templateName") or None


# ---------------------------------------------------------------------------
# The tree, as `argo get` builds and draws it (cmd/argo/commands/common/get.go)

@dataclass
class TreeLine:
    node_id: str
    glyphs: List[str]           # tokens: " " "├─" "└─" "│ " "  " "┬─" "──"; renderers may map them to ASCII
    node: dict = field(repr=False, default=None)


_GO_INT = re.compile(r"[+-]?\d+")


def loop_index(display_name):
    """Argo's RecoverIndexFromNodeName: the integer between the first "(" and the first ":" of a
    display name (`shard(3:c)` -> 3), or -1 when there is none."""
    text_value = display_name or ""
    start, colon = text_value.find("("), text_value.find(":")
    if start < 0 or colon < 0:
        return -1
    number = text_value[start + 1:colon]
    return int(number) if _GO_INT.fullmatch(number) else -1


def _compare_siblings(left, right):
    """`argo get` sibling order (insertSorted in cmd/argo/commands/common/get.go): by startedAt;
    at equal times by loop index when BOTH siblings have one, otherwise by display name."""
    left_time, right_time = left.get("startedAt") or "", right.get("startedAt") or ""
    if left_time != right_time:
        return -1 if left_time < right_time else 1
    left_name, right_name = left.get("displayName") or "", right.get("displayName") or ""
    left_index, right_index = loop_index(left_name), loop_index(right_name)
    if left_index >= 0 and right_index >= 0:
        return (left_index > right_index) - (left_index < right_index)
    return (left_name > right_name) - (left_name < right_name)


_sibling_key = functools.cmp_to_key(_compare_siblings)


def build_tree(workflow_name, nodes, hidden=frozenset()):
    """Lines in `argo get` order: the main tree, then the onExit tree. Nodes the tree does not
    reach (a broken or partial status) follow, so no step is ever dropped.

    `hidden` node ids get no line but their children are still drawn in their place, as `argo get`
    draws the nodes its --status/--node-field-selector filter out (renderChild, parentFiltered)."""
    children = _attach_children(nodes)
    lines = []
    seen = set()
    roots = [workflow_name, names.onexit_node_id(workflow_name)]
    for root in roots:
        if root in nodes:
            _walk(root, nodes, children, [" "], [" "], lines, seen, hidden)  # argo get indents every tree by one space
    for node_id in sorted((nid for nid in nodes if nid not in seen), key=lambda nid: _sibling_key(nodes[nid])):
        node = nodes[node_id]
        if node.get("type") in STEP_TYPES:
            seen.add(node_id)
            if node_id not in hidden:
                lines.append(TreeLine(node_id, [], node))
    return lines


def _attach_children(nodes):
    claimed_by = {}
    for node_id, node in nodes.items():
        if node.get("type") in NON_BOUNDARY_PARENT_TYPES:
            for child in sequence(node.get("children")):
                claimed_by.setdefault(child, node_id)
    children = {}
    for node_id, node in nodes.items():
        if node.get("type") in ("Container", "TaskGroup"):
            continue
        parent = claimed_by.get(node_id)
        if parent is None:
            boundary = node.get("boundaryID")
            if boundary in nodes and nodes[boundary].get("type") in BOUNDARY_TYPES and boundary != node_id:
                parent = boundary
        if parent is not None:
            children.setdefault(parent, []).append(node_id)
    for kids in children.values():
        kids.sort(key=lambda nid: _sibling_key(nodes[nid]))
    return children


def _visible_children(node_id, nodes, children):
    """Children to draw under a node: single-child Retry nodes are replaced by their child,
    omitted skips vanish, and StepGroups are kept (drawn as a fork, not as a row)."""
    result = []
    for kid in children.get(node_id, []):
        node = nodes[kid]
        kids = children.get(kid, [])
        if node.get("type") == "Retry" and len(kids) == 1:
            result.append(kids[0])
        elif node.get("type") == "Skipped" and node.get("phase") == "Omitted":
            continue
        else:
            result.append(kid)
    return result


def _walk(node_id, nodes, children, own_glyphs, child_prefix, lines, seen, hidden=frozenset()):
    if node_id in seen:
        return
    seen.add(node_id)
    kids = _visible_children(node_id, nodes, children)
    if node_id in hidden:  # argo get: the first child takes the hidden node's place, the others its prefix
        for position, kid in enumerate(kids):
            _walk_child(kid, nodes, children, own_glyphs if position == 0 else child_prefix, child_prefix, lines,
                        seen, hidden)
        return
    lines.append(TreeLine(node_id, own_glyphs, nodes[node_id]))
    for position, kid in enumerate(kids):
        last = position == len(kids) - 1
        branch = ["└─" if last else "├─"]
        continuation = child_prefix + ["  " if last else "│ "]
        _walk_child(kid, nodes, children, child_prefix + branch, continuation, lines, seen, hidden)


def _walk_child(kid, nodes, children, glyphs, continuation, lines, seen, hidden):
    if nodes[kid].get("type") == "StepGroup":
        seen.add(kid)
        _walk_group(kid, nodes, children, glyphs, continuation, lines, seen, hidden)
    else:
        _walk(kid, nodes, children, glyphs, continuation, lines, seen, hidden)


def _walk_group(group_id, nodes, children, group_glyphs, continuation, lines, seen, hidden=frozenset()):
    members = _visible_children(group_id, nodes, children)
    for position, member in enumerate(members):
        last = position == len(members) - 1
        if len(members) == 1:
            glyphs = group_glyphs + ["──"]
        elif position == 0:
            glyphs = group_glyphs + ["┬─"]
        else:
            glyphs = continuation + ["└─" if last else "├─"]
        _walk(member, nodes, children, glyphs, continuation + ["  " if last else "│ "], lines, seen, hidden)


# ---------------------------------------------------------------------------
# Pods <-> nodes

@dataclass
class PodIndex:
    by_node: Dict[str, dict]
    agent_pod: Optional[dict]
    unmatched: List[dict]


def index_pods(workflow_name, pods, nodes):
    """Map each node ID to its pod with the controller's rule: the node-id annotation, else the
    hash of the node-name annotation, else (POD_NAMES v1) the pod name itself."""
    by_node = {}
    agent_pod = None
    unmatched = []
    for pod in pods:
        metadata = mapping(pod.get("metadata"))
        labels = mapping(metadata.get("labels"))
        component = labels.get(COMPONENT_LABEL)
        if component == "agent":
            agent_pod = _newest(agent_pod, pod)
            continue
        if component:
            continue
        node_id = pod_node_id(workflow_name, pod)
        if node_id in nodes or not nodes:
            by_node[node_id] = _newest(by_node.get(node_id), pod)
        else:
            unmatched.append(pod)
    if unmatched and nodes:
        unmatched = _match_by_pod_name(workflow_name, nodes, unmatched, by_node)
    return PodIndex(by_node, agent_pod, unmatched)


def pod_node_id(workflow_name, pod):
    metadata = mapping(pod.get("metadata"))
    annotations = mapping(metadata.get("annotations"))
    if text(annotations.get(NODE_ID_ANNOTATION)):
        return annotations[NODE_ID_ANNOTATION]
    if text(annotations.get(NODE_NAME_ANNOTATION)):
        return names.node_id(workflow_name, annotations[NODE_NAME_ANNOTATION])
    return text(metadata.get("name"))


def _match_by_pod_name(workflow_name, nodes, pods, by_node):
    """Last resort for pods without annotations: the v2 pod name derived from each Pod node."""
    expected = {}
    for node_id, node in nodes.items():
        if node.get("type") == "Pod":
            expected[names.pod_name_v2(workflow_name, text(node.get("name")) or "", step_template_name(node))] = node_id
    left = []
    for pod in pods:
        node_id = expected.get(mapping(pod.get("metadata")).get("name"))
        if node_id and node_id not in by_node:
            by_node[node_id] = pod
        else:
            left.append(pod)
    return left


def _newest(current, candidate):
    if current is None:
        return candidate
    current_created = text(mapping(current.get("metadata")).get("creationTimestamp")) or ""
    candidate_created = text(mapping(candidate.get("metadata")).get("creationTimestamp")) or ""
    return candidate if candidate_created >= current_created else current


def expected_pod_name(workflow, node):
    """The pod name Argo gives (or gave) a Pod node, for display when the pod is gone."""
    workflow_name = mapping(workflow.get("metadata")).get("name", "")
    annotations = mapping(mapping(workflow.get("metadata")).get("annotations"))
    if annotations.get(POD_NAME_FORMAT_ANNOTATION) == "v1":
        return node.get("id")
    return names.pod_name_v2(workflow_name, text(node.get("name")) or "", step_template_name(node))


def nodes_from_pods(workflow_name, pods):
    """A stand-in node map built from pods alone, for offloaded node status."""
    nodes = {}
    for pod in pods:
        metadata = mapping(pod.get("metadata"))
        labels = mapping(metadata.get("labels"))
        if labels.get(COMPONENT_LABEL):
            continue
        annotations = mapping(metadata.get("annotations"))
        node_name = annotations.get(NODE_NAME_ANNOTATION) or metadata.get("name", "")
        node_id = pod_node_id(workflow_name, pod)
        nodes[node_id] = {
            "id": node_id,
            "name": node_name,
            "displayName": _display_from_name(node_name),
            "type": "Pod",
            "phase": _pod_phase_as_node_phase(pod),
            "startedAt": metadata.get("creationTimestamp"),
            "templateName": _template_name_from_pod(pod),
        }
    return nodes


def _display_from_name(node_name):
    tail = node_name.rsplit(".", 1)[-1] if "." in node_name else node_name
    return tail or node_name


def _pod_phase_as_node_phase(pod):
    phase = mapping(pod.get("status")).get("phase") or "Pending"
    return phase if phase in ("Pending", "Running", "Succeeded", "Failed") else "Error"


def _template_name_from_pod(pod):
    """Argo puts the template as JSON in the ARGO_TEMPLATE env var of its containers.
    (sources.live.slim_pod keeps exactly the entry this reads: reading more env needs a change there.)"""
    spec = mapping(pod.get("spec"))
    for container in sequence(spec.get("containers")) + sequence(spec.get("initContainers")):
        for env in sequence(container.get("env")):
            if env.get("name") == "ARGO_TEMPLATE" and env.get("value"):
                try:
                    return (json.loads(env["value"]) or {}).get("name")
                except (ValueError, AttributeError):
                    return None
    return None
