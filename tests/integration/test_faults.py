"""Faults from the API server: what is retried (and how often), what is not, what degrades.

Retry counts are read from the fake server's request records.
"""
import time

import pytest

from tests.support.cli import run_cli
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig
from tests.support.live import load_into
from tests.support.scenarios import load_scenario

SCENARIO = "quota-wait"
WORKFLOW_PATH = r"/workflows/[^/]+$"


@pytest.fixture
def cluster(tmp_path):
    """(scenario, server, run): run(*args) runs the CLI against the server."""
    scenario = load_scenario(SCENARIO)
    with FakeApiServer() as server:
        load_into(server, scenario.objects)
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace=scenario.expected["namespace"])

        def run(*args, workflow=None):
            server.clear_requests()
            started = time.monotonic()
            result = run_cli("status", workflow or scenario.expected["workflow"], "--kubeconfig", kubeconfig, *args)
            result.seconds = time.monotonic() - started
            assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
            return result

        yield scenario, server, run


def hits(server, pattern):
    import re
    return [record.status for record in server.requests if re.search(pattern, record.path)]


def one_line_error(result):
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_500s_then_success_is_retried(cluster):
    _, server, run = cluster
    server.inject(path_regex=WORKFLOW_PATH, status=500, times=2)
    result = run("-o", "json")
    assert result.exit_code == 0, result.stderr
    assert hits(server, WORKFLOW_PATH) == [500, 500, 200]
    assert result.json["steps"]


def test_503_with_retry_after_is_honoured(cluster):
    _, server, run = cluster
    server.inject(path_regex=WORKFLOW_PATH, status=503, times=1, retry_after=1)
    result = run("-o", "json")
    assert result.exit_code == 0, result.stderr
    assert hits(server, WORKFLOW_PATH) == [503, 200]
    assert result.seconds >= 0.9  # waited the Retry-After second before trying again


def test_429_storm_gives_up_within_the_request_timeout(cluster):
    _, server, run = cluster
    server.inject(path_regex=WORKFLOW_PATH, status=429, times=None)
    result = run("--request-timeout", "2")
    assert result.exit_code == 1
    assert result.seconds < 15  # a hang guard, not a speed check: the attempts below are the behaviour
    assert "too many requests" in one_line_error(result)
    attempts = hits(server, WORKFLOW_PATH)
    assert 2 <= len(attempts) <= 6 and set(attempts) == {429}


def test_429_storm_with_long_retry_after_is_bounded(cluster):
    _, server, run = cluster
    server.inject(path_regex=WORKFLOW_PATH, status=429, times=None, retry_after=30)
    result = run("--request-timeout", "2")
    assert result.exit_code == 1 and result.seconds < 15  # far less than the 30 s it was asked to wait
    assert len(hits(server, WORKFLOW_PATH)) == 1  # waiting 30 s would overrun the deadline: give up now


def test_slow_response_past_the_request_timeout(cluster):
    _, server, run = cluster
    server.inject(path_regex=WORKFLOW_PATH, mode="slow", delay=30, times=None)
    result = run("--request-timeout", "1")
    assert result.exit_code == 1
    assert result.seconds < 15  # gave up long before the 30 s answer
    assert "did not answer in time" in one_line_error(result)


def test_slow_optional_read_degrades(cluster):
    _, server, run = cluster
    server.inject(path_regex=r"/clusterqueues$", mode="slow", delay=30, times=None)
    result = run("--request-timeout", "1", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.seconds < 15  # did not wait for the 30 s answer
    assert "ClusterQueuesUnreadable" in {finding["code"] for finding in result.json["findings"]}


@pytest.mark.parametrize("mode", ["truncate", "drop"])
def test_broken_reply_is_retried_then_succeeds(cluster, mode):
    _, server, run = cluster
    server.inject(path_regex=r"/pods$", mode=mode, times=1)
    result = run("-o", "json")
    assert result.exit_code == 0, result.stderr
    assert len(hits(server, r"/pods$")) == 2


@pytest.mark.parametrize("mode", ["truncate", "drop"])
def test_broken_reply_every_time_is_a_clean_error(cluster, mode):
    _, server, run = cluster
    server.inject(path_regex=r"/pods$", mode=mode, times=None)
    result = run("--request-timeout", "5")
    assert result.exit_code == 1
    assert result.seconds < 20  # a hang guard: the attempts below are the behaviour
    assert "broke while reading" in one_line_error(result)
    assert 2 <= len(hits(server, r"/pods$")) <= 6


def test_401_is_not_retried(cluster):
    _, server, run = cluster
    server.inject(path_regex=WORKFLOW_PATH, status=401, times=None)
    result = run()
    assert result.exit_code == 1
    assert "401 Unauthorized" in one_line_error(result)
    assert hits(server, WORKFLOW_PATH) == [401]


def test_403_on_the_workflow_is_not_retried(cluster):
    scenario, server, run = cluster
    server.forbid("get", "workflows")
    result = run()
    assert result.exit_code == 1
    message = one_line_error(result)
    assert "forbidden" in message and scenario.expected["namespace"] in message
    assert hits(server, WORKFLOW_PATH) == [403]


def test_404_names_the_namespace_and_is_not_retried(cluster):
    scenario, server, run = cluster
    result = run(workflow="no-such-wf")
    assert result.exit_code == 1
    message = one_line_error(result)
    assert '"no-such-wf" not found' in message and f'namespace "{scenario.expected["namespace"]}"' in message
    assert hits(server, r"/workflows/no-such-wf$") == [404]


def test_403_on_pods_is_fatal(cluster):
    _, server, run = cluster
    server.forbid("list", "pods")
    result = run()
    assert result.exit_code == 1
    assert 'cannot list resource "pods"' in one_line_error(result)
    assert hits(server, r"/pods$") == [403]
    assert result.stdout == ""


@pytest.mark.parametrize("verb, resource, code, path", [
    ("list", "clusterqueues", "ClusterQueuesUnreadable", r"/clusterqueues$"),
    ("get", "localqueues/pendingworkloads", "VisibilityUnavailable", r"/pendingworkloads$"),
])
def test_403_on_optional_reads_degrades_to_a_note(cluster, verb, resource, code, path):
    _, server, run = cluster
    server.forbid(verb, resource)
    result = run("-o", "json")
    assert result.exit_code == 0, result.stderr
    assert code in {finding["code"] for finding in result.json["findings"]}
    assert set(hits(server, path)) == {403} and len(hits(server, path)) == 1


def test_403_on_the_kueue_configmap_degrades_to_a_note(tmp_path):
    scenario = load_scenario("awaiting-workload")  # a case that reads the manager configuration
    with FakeApiServer() as server:
        load_into(server, scenario.objects)
        server.forbid("get", "configmaps")
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace=scenario.expected["namespace"])
        result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-o", "json")
        assert result.exit_code == 0, result.stderr
        configmap_reads = [record.status for record in server.requests if record.resource == "configmaps"]
        assert configmap_reads == [403]
        assert "KueueConfigUnreadable" in {finding["code"] for finding in result.json["findings"]}


def test_argo_crds_missing_is_a_clear_error(tmp_path):
    with FakeApiServer(argo=False) as server:
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace="ml-team")
        result = run_cli("status", "wf", "--kubeconfig", kubeconfig)
        assert result.exit_code == 1
        assert "Argo Workflows CRDs are not installed" in one_line_error(result)


def test_kueue_not_installed_still_shows_the_steps(tmp_path):
    scenario = load_scenario(SCENARIO)
    argo_and_pods = [obj for obj in scenario.objects if not str(obj.get("apiVersion", "")).startswith("kueue")
                     and obj.get("kind") != "PendingWorkloadsSummary"]
    with FakeApiServer(kueue_versions=()) as server:
        load_into(server, argo_and_pods)
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace=scenario.expected["namespace"])
        document = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-o", "json")
        assert document.exit_code == 0, document.stderr
        assert document.json["steps"]
        assert {step["displayName"] for step in document.json["steps"]} >= set(scenario.expected["steps"])
        text = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig)
        assert text.exit_code == 0
        assert "kueue" in text.stdout.lower() and "not installed" in (text.stdout + text.stderr).lower()
        assert not [record for record in server.requests if (record.group or "").endswith("kueue.x-k8s.io")]
