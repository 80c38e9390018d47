"""Text from the cluster or from files cannot drive the terminal.

Names, labels, messages, condition messages and node messages carry ANSI/OSC escapes, CR,
backspace, C0/C1 controls, bidi overrides and 100 KB strings. In text modes no raw control or
bidi character may reach stdout or stderr; JSON and YAML must stay valid and round-trip.
"""
import copy
import importlib.util
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from tests.support.cli import run_cli
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig
from tests.support.live import load_into
from tests.support.scenarios import load_scenario

SCENARIO = "quota-wait"
HOSTILE = ("\x1b[2J\x1b[31mred\x1b]0;pwned-title\x07\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
           "\rover\x08\x08\x01\x02\x0b\x0c\x7f\x85\x9b2J\u202eevil\u202d\u2066iso\u2069\u200f\u2028line")
LONG = "A" * 100_000 + HOSTILE
# Everything a terminal may act on: C0 except \t and \n, DEL, C1, bidi controls, line separators.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def assert_clean(text, where):
    match = FORBIDDEN.search(text)
    assert match is None, f"{where}: raw {match.group(0)!r} at {match.start()}: {text[max(0, match.start() - 60):match.start() + 20]!r}"


def assert_no_crash(result):
    """An exit code of 1 is a handled error only without a traceback and without cli.main's
    "internal error" (an unexpected exception it caught)."""
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr[:2000]


def _poison_strings(value, key=None):
    """Append HOSTILE to message-like strings everywhere in an object."""
    if isinstance(value, dict):
        return {k: _poison_strings(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison_strings(item, key) for item in value]
    if isinstance(value, str) and key in ("message", "reason", "displayName"):
        return value + HOSTILE
    return value


def hostile_objects():
    scenario = load_scenario(SCENARIO)
    objects = []
    for obj in copy.deepcopy(scenario.objects):
        obj = _poison_strings(obj)
        metadata = obj.setdefault("metadata", {})
        metadata.setdefault("labels", {})["hostile"] = HOSTILE
        metadata.setdefault("annotations", {})["hostile"] = LONG
        if obj.get("kind") == "Workflow":
            for node in (obj.get("status") or {}).get("nodes", {}).values():
                node["message"] = (node.get("message") or "") + LONG
                node["templateName"] = (node.get("templateName") or "") + HOSTILE
            obj["status"]["message"] = LONG
        if obj.get("kind") == "Pod":
            status = obj.setdefault("status", {})
            status["message"] = LONG
            for condition in status.setdefault("conditions", []):
                condition["message"] = LONG
            status["conditions"].append({"type": "PodScheduled", "status": "False", "reason": HOSTILE,
                                         "message": LONG})
        if obj.get("kind") == "Workload":
            for condition in (obj.get("status") or {}).get("conditions") or []:
                condition["message"] = (condition.get("message") or "") + LONG
        objects.append(obj)
    return scenario, objects


@pytest.fixture(scope="module")
def hostile_cluster(tmp_path_factory):
    scenario, objects = hostile_objects()
    tmp_path = tmp_path_factory.mktemp("hostile")
    bundle = tmp_path / "bundle.yaml"
    bundle.write_text(yaml.safe_dump_all(objects))
    with FakeApiServer() as server:
        load_into(server, objects)
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace=scenario.expected["namespace"])
        yield scenario, kubeconfig, bundle, tmp_path


def _sources(hostile_cluster):
    scenario, kubeconfig, bundle, _ = hostile_cluster
    return {"live": ("--kubeconfig", kubeconfig), "files": ("--from-file", bundle)}


@pytest.mark.parametrize("source", ["live", "files"])
@pytest.mark.parametrize("output", ["table", "wide"])
def test_status_text_is_escaped(hostile_cluster, source, output):
    scenario = hostile_cluster[0]
    result = run_cli(*_sources(hostile_cluster)[source], "status", scenario.expected["workflow"], "-o", output)
    assert_no_crash(result)
    assert result.exit_code == 0, result.stderr[:2000]
    assert "^[" in result.stdout or "\\x" in result.stdout  # the hostile text is shown, made inert
    assert_clean(result.stdout, "stdout")
    assert_clean(result.stderr, "stderr")


@pytest.mark.parametrize("source", ["live", "files"])
def test_status_json_and_yaml_stay_valid(hostile_cluster, source):
    scenario = hostile_cluster[0]
    args = _sources(hostile_cluster)[source]
    as_json = run_cli(*args, "status", scenario.expected["workflow"], "-o", "json")
    assert as_json.exit_code == 0, as_json.stderr[:2000]
    document = json.loads(as_json.stdout)
    assert document["workflow"]["name"] == scenario.expected["workflow"]
    assert_clean(as_json.stderr, "stderr")
    as_yaml = run_cli(*args, "status", scenario.expected["workflow"], "-o", "yaml")
    assert as_yaml.exit_code == 0, as_yaml.stderr[:2000]
    assert yaml.safe_load(as_yaml.stdout) == document
    assert "\x1b" not in as_json.stdout and "\x1b" not in as_yaml.stdout  # JSON/YAML escape controls


@pytest.mark.skipif(importlib.util.find_spec("kubectl_kueue_argo.render.explain") is None,
                    reason="explain WF is not available")
@pytest.mark.parametrize("source", ["live", "files"])
def test_explain_workflow_text_is_escaped(hostile_cluster, source):
    scenario = hostile_cluster[0]
    result = run_cli(*_sources(hostile_cluster)[source], "explain", scenario.expected["workflow"])
    assert_no_crash(result)
    assert result.exit_code in (0, 3), result.stderr[:2000]
    assert_clean(result.stdout, "stdout")
    assert_clean(result.stderr, "stderr")
    as_json = run_cli(*_sources(hostile_cluster)[source], "explain", scenario.expected["workflow"], "-o", "json")
    assert_no_crash(as_json)
    assert as_json.exit_code == result.exit_code
    assert json.loads(as_json.stdout)["workflow"]["name"] == scenario.expected["workflow"]


def _hostile_manifest(scenario):
    workflow = copy.deepcopy({key: value for key, value in scenario.workflow.items() if key != "status"})
    workflow["metadata"] = {"name": "hostile" , "namespace": scenario.expected["namespace"],
                            "labels": {"kueue.x-k8s.io/queue-name": HOSTILE}, "annotations": {"x": LONG}}
    if workflow["spec"].get("entrypoint"):   # the entrypoint still names a template (else: EntrypointNotFound)
        workflow["spec"]["entrypoint"] += HOSTILE
    for template in workflow["spec"].get("templates") or []:
        template["name"] = template["name"] + HOSTILE
        metadata = template.setdefault("metadata", {})
        metadata.setdefault("labels", {})["kueue.x-k8s.io/queue-name"] = "q" + HOSTILE
        container = template.get("container")
        if container:
            container["name"] = HOSTILE
            container.setdefault("resources", {}).setdefault("requests", {})["cpu"] = HOSTILE
    return workflow


# Offline: warnings only (exit 0). Against the cluster: the hostile queue is no LocalQueue (exit 3).
@pytest.mark.parametrize("mode, exit_code", [("offline", 0), ("cluster", 3)])
def test_explain_file_is_escaped(hostile_cluster, mode, exit_code):
    scenario, kubeconfig, _, tmp_path = hostile_cluster
    manifest = tmp_path / f"hostile-{mode}.yaml"
    manifest.write_text(yaml.safe_dump(_hostile_manifest(scenario)))
    args = ("--offline",) if mode == "offline" else ("--kubeconfig", kubeconfig)
    result = run_cli("explain", "-f", manifest, *args)
    assert_no_crash(result)
    assert (result.exit_code, result.stderr) == (exit_code, ""), result.stderr[:2000]
    assert_clean(result.stdout, "stdout")
    as_json = run_cli("explain", "-f", manifest, *args, "-o", "json")
    assert_no_crash(as_json)
    assert (as_json.exit_code, as_json.stderr) == (exit_code, "")
    document = json.loads(as_json.stdout)
    assert any(HOSTILE in row["name"] for row in document["templates"])  # kept, JSON-escaped
    assert ("LocalQueueNotFound" in [f["code"] for f in document["findings"]]) is (mode == "cluster")


def test_hostile_yaml_error_message_is_escaped(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: Workflow\nmetadata:\n  name: x\n  labels: {" + HOSTILE.replace("\x00", "") + "\n")
    for command in (("explain", "-f", broken, "--offline"), ("status", "x", "--from-file", broken)):
        result = run_cli(*command)
        assert_no_crash(result)
        assert result.exit_code == 1
        # libyaml (used when PyYAML has it) and the pure-Python reader word the same error differently
        kind = "control" if yaml.__with_libyaml__ else "special"
        assert result.stderr == f"error: {broken}: invalid YAML: unacceptable character #x001b: {kind} characters are not allowed\n"
        assert_clean(result.stderr, "stderr")


def test_hostile_user_and_workflow_name_in_errors_are_escaped(tmp_path):
    scenario, objects = hostile_objects()
    with FakeApiServer(user="mallory" + HOSTILE) as server:
        load_into(server, objects)
        server.forbid("get", "workflows")
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace=scenario.expected["namespace"])
        forbidden = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig)
        assert_no_crash(forbidden)
        assert forbidden.exit_code == 1
        assert "forbidden" in forbidden.stderr and "mallory" in forbidden.stderr
        assert_clean(forbidden.stderr, "stderr")
        server.allow_all()
        missing = run_cli("status", "wf\x1b[2J\u202e", "--kubeconfig", kubeconfig)
        assert_no_crash(missing)
        assert missing.exit_code == 1 and "not found" in missing.stderr
        assert_clean(missing.stderr, "stderr")


class _HostileApi(BaseHTTPRequestHandler):
    """Serves discovery, then answers every resource with a hostile metav1.Status."""
    code = 404

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/apis") and self.path.split("?")[0] in ("/apis", "/apis/"):
            body = {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": group, "versions": [{"groupVersion": f"{group}/{version}", "version": version}],
                 "preferredVersion": {"groupVersion": f"{group}/{version}", "version": version}}
                for group, version in (("argoproj.io", "v1alpha1"), ("kueue.x-k8s.io", "v1beta2"))]}
            code = 200
        else:
            code = self.code
            body = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": code,
                    "reason": HOSTILE, "message": "workflow gone " + LONG}
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.mark.parametrize("code", [404, 403, 500, 400])
def test_hostile_status_message_from_the_server_is_escaped(tmp_path, code):
    handler = type("Handler", (_HostileApi,), {"code": code})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", f"http://127.0.0.1:{httpd.server_address[1]}",
                                      namespace="ml-team")
        result = run_cli("status", "wf", "--kubeconfig", kubeconfig, "--request-timeout", "3")
        assert_no_crash(result)
        assert result.exit_code == 1
        assert result.stderr.startswith("error: ")
        assert_clean(result.stderr, "stderr")
        assert result.stdout == ""
        assert max(len(line) for line in result.stderr.splitlines()) < 5000  # 100 KB message: cut
    finally:
        httpd.shutdown()
        httpd.server_close()
