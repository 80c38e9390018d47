"""Bad input: a one-line `error: ...` (exit 1 or 2) or a degraded view, never a traceback or a hang."""
import copy
import socket

import pytest
import yaml

from tests.support.cli import Result, run_cli
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig
from tests.support.live import load_into
from tests.support.scenarios import load_scenario

SCENARIO = "quota-wait"


def assert_one_line_error(result, *, codes=(1, 2)):
    assert result.exit_code in codes, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and lines[0].startswith("error: "), result.stderr
    assert len([line for line in lines if line.startswith("error: ")]) == 1
    assert len(lines) <= 3  # the error and at most a hint
    return lines[0]


CONTEXT_C = "apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n"


@pytest.mark.parametrize("content, expected", [
    ("clusters: [\n  - name: x\n", "is not valid YAML: while parsing a flow node"),
    ("- just\n- a list\n", "is not a kubeconfig (expected a mapping)"),
    ("\x00\x01binary", "is not valid YAML: unacceptable character #x0000"),
    ("apiVersion: v1\nkind: Config\ncurrent-context: nowhere\n",
     "error: context was not found for specified context: nowhere"),
    (CONTEXT_C, 'error: no server found for cluster "k"'),
    (CONTEXT_C + "clusters: [{name: k, cluster: {server: 12}}]\nusers: [{name: u, user: {token: [1, 2]}}]\n",
     "error: cannot load context 'c' from the kubeconfig: "),
    (CONTEXT_C + "clusters: [{name: k, cluster: {server: 'https://127.0.0.1:1', certificate-authority-data: '!!notbase64'}}]\n"
     "users: [{name: u, user: {}}]\n", "Invalid base64-encoded string"),
    (CONTEXT_C + "clusters: [{name: k, cluster: {server: 'https://127.0.0.1:1'}}]\n"
     "users: [{name: u, user: {client-certificate: /nonexistent/cert.pem, client-key: /nonexistent/key.pem}}]\n",
     "File does not exist: /nonexistent/cert.pem"),
    ("apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [c]\nclusters: 7\nusers: {}\n",
     "clusters must be a list, not int"),
    ("current-context: [a, b]\n", "current-context must be a string"),
], ids=["unclosed-flow", "a-list", "binary", "missing-context", "missing-cluster", "wrong-types",
        "bad-ca-data", "missing-cert-file", "clusters-not-a-list", "context-not-a-string"])
def test_malformed_kubeconfig(tmp_path, content, expected):
    path = tmp_path / "config"
    path.write_text(content)
    result = run_cli("status", "wf", "--kubeconfig", path, "--request-timeout", "3", "-v")
    assert " GET " not in result.stderr  # a broken kubeconfig stops the plugin before any request
    message = assert_one_line_error(result)
    assert expected in message


def test_missing_kubeconfig_file(tmp_path):
    message = assert_one_line_error(run_cli("status", "wf", "--kubeconfig", tmp_path / "absent"))
    assert "absent" in message and "no such file" in message


def test_no_kubeconfig_at_all(tmp_path):
    result = run_cli("status", "wf", env={"KUBECONFIG": "", "HOME": str(tmp_path)})
    assert "no kubeconfig found" in assert_one_line_error(result)


def test_unknown_context(tmp_path):
    kubeconfig = write_kubeconfig(tmp_path / "config", "http://127.0.0.1:1")
    message = assert_one_line_error(run_cli("status", "wf", "--kubeconfig", kubeconfig, "--context", "nope"))
    assert message == "error: context was not found for specified context: nope"


def test_unknown_cluster(tmp_path):
    kubeconfig = write_kubeconfig(tmp_path / "config", "http://127.0.0.1:1")
    message = assert_one_line_error(run_cli("status", "wf", "--kubeconfig", kubeconfig, "--cluster", "nope"))
    assert message == 'error: no server found for cluster "nope"'


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", [("status", "wf"), ("status", "wf", "-o", "json"), ("explain", "-f", None)],
                         ids=["status", "status-json", "explain-file"])
def test_unreachable_server_fails_fast(tmp_path, command):
    """A refused connection is tried at most twice per request (not retried until --request-timeout):
    counted in the -v request log, not timed."""
    kubeconfig = write_kubeconfig(tmp_path / "config", f"http://127.0.0.1:{_closed_port()}", namespace="ml-team")
    if command[-1] is None:
        manifest = tmp_path / "wf.yaml"
        manifest.write_text(yaml.safe_dump(load_scenario(SCENARIO).workflow))
        command = (*command[:-1], manifest)
    result = run_cli(*command, "--kubeconfig", kubeconfig, "-v")
    attempts = [line.split()[2].split("?")[0] for line in result.stderr.splitlines() if line.startswith("I GET ")]
    assert attempts, result.stderr
    assert max(attempts.count(path) for path in attempts) <= 2, result.stderr
    refused = f"the connection to the server {attempts[0].split('/apis')[0]} was refused - is the cluster reachable?"
    errors = "\n".join(line for line in result.stderr.splitlines() if not line.startswith("I "))
    if command[0] == "explain":
        # the pre-flight check falls back to the offline analysis and says why no cluster was checked
        assert (result.exit_code, errors) == (0, ""), result.stderr
        assert f"NoCluster No cluster was checked ({refused}); use --from-file" in result.stdout
        return
    message = assert_one_line_error(Result(result.exit_code, result.stdout, errors + "\n"))
    assert message == f"error: {refused}"


def test_invalid_server_url(tmp_path):
    result = run_cli("status", "wf", "-s", "not a url at all", "--token", "t", "--kubeconfig",
                     write_kubeconfig(tmp_path / "config", "http://127.0.0.1:1"), "--request-timeout", "2")
    assert_one_line_error(result)


@pytest.mark.parametrize("value", ["abc", "-1s", "10parsecs", "1e9"])
def test_bad_request_timeout_is_a_usage_error(tmp_path, value):
    kubeconfig = write_kubeconfig(tmp_path / "config", "http://127.0.0.1:1")
    result = run_cli("status", "wf", "--kubeconfig", kubeconfig, "--request-timeout", value)
    assert result.exit_code == 2
    assert_one_line_error(result, codes=(2,))


def test_empty_from_file_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    for command in (("status", "wf", "--from-file", tmp_path / "empty"),
                    ("explain", "-f", tmp_path / "empty", "--offline")):
        message = assert_one_line_error(run_cli(*command))
        assert "no *.yaml" in message


@pytest.mark.parametrize("data", [b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, b"\xff\xfe\xfa\xc0garbage",
                                  b"PK\x03\x04" + b"\x14" * 50])
def test_binary_file(tmp_path, data):
    path = tmp_path / "bundle.yaml"
    path.write_bytes(data)
    for command in (("status", "wf", "--from-file", path), ("explain", "-f", path, "--offline")):
        message = assert_one_line_error(run_cli(*command))
        assert "bundle.yaml" in message


@pytest.mark.parametrize("text", ["", "---\n---\n", "# only a comment\n", "[]\n", "{}\n", "null\n"])
def test_empty_or_objectless_files(tmp_path, text):
    path = tmp_path / "bundle.yaml"
    path.write_text(text)
    for command in (("status", "wf", "--from-file", path), ("explain", "-f", path, "--offline")):
        result = run_cli(*command)
        assert_one_line_error(result)


def test_missing_from_file(tmp_path):
    message = assert_one_line_error(run_cli("status", "wf", "--from-file", tmp_path / "nope.yaml"))
    assert "nope.yaml" in message


def test_stdin_without_input():
    result = run_cli("explain", "-f", "-", "--offline", stdin="")
    assert_one_line_error(result)


def _huge_objects():
    scenario = load_scenario(SCENARIO)
    objects = copy.deepcopy(scenario.objects)
    huge = "x" * (10 * 1024 * 1024)
    for obj in objects:
        if obj.get("kind") == "Workflow":
            obj["status"]["message"] = huge
            for node in obj["status"]["nodes"].values():
                node["message"] = huge
                break
        if obj.get("kind") == "Pod":
            obj.setdefault("status", {})["message"] = huge
            break
    return scenario, objects


def test_huge_object_from_file(tmp_path):
    scenario, objects = _huge_objects()
    path = tmp_path / "bundle.json"
    import json
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
    result = run_cli("status", scenario.expected["workflow"], "--from-file", path, "-o", "json")
    assert result.exit_code == 0, result.stderr[:500]
    assert result.json["steps"]
    table = run_cli("status", scenario.expected["workflow"], "--from-file", path)
    assert table.exit_code == 0


def test_huge_object_live(tmp_path):
    scenario, objects = _huge_objects()
    with FakeApiServer() as server:
        load_into(server, objects)
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, namespace=scenario.expected["namespace"])
        result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-o", "json")
        assert result.exit_code == 0, result.stderr[:500]
        assert result.json["steps"]


def test_workflow_that_is_not_an_object_in_the_cluster(tmp_path):
    """A cluster answering 200 with a non-object body (a broken proxy) is an error, not a crash."""
    with FakeApiServer() as server:
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, namespace="ml-team")
        server.inject(path_regex=r"/workflows/wf$", mode="truncate", times=None)
        result = run_cli("status", "wf", "--kubeconfig", kubeconfig, "--request-timeout", "3")
        assert_one_line_error(result)
