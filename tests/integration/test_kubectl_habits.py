"""kubectl habits: -v levels, unknown kubeconfig names, TLS, KUBECONFIG pointing nowhere."""
import re

import pytest

from tests.support.cli import run_cli, run_subprocess
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig
from tests.support.live import load_into
from tests.support.scenarios import load_scenario
from tests.support.tls import self_signed

SCENARIO = "quota-wait"
TOKEN = "habit-secret-token-9d1e77"
_REQUEST_LINE = re.compile(r"^I GET (https?://127\.0\.0\.1:\d+/\S+) (\d{3}|ERR) in \d+ milliseconds$", re.M)


@pytest.fixture()
def cluster(tmp_path):
    scenario = load_scenario(SCENARIO)
    with FakeApiServer(token=TOKEN) as server:
        load_into(server, scenario.objects)
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, token=TOKEN,
                                      namespace=scenario.expected["namespace"])
        yield scenario, server, kubeconfig


# -- -v as kubectl spells it ------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", [["-v=6"], ["-v", "6"], ["--v=6"], ["--v", "6"], ["-v6"], ["-v"]],
                         ids=lambda spelling: " ".join(spelling))
def test_every_kubectl_spelling_of_the_log_level_logs_each_request(cluster, spelling):
    scenario, server, kubeconfig = cluster
    # The level comes before the WORKFLOW: `-v 6` must not take 6 as the workflow's name.
    result = run_cli("status", *spelling, scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["workflow"]["name"] == scenario.expected["workflow"]
    logged = _REQUEST_LINE.findall(result.stderr)
    assert [re.sub(r"\?.*", "", url[len(server.url):]) for url, _ in logged] == [r.path for r in server.requests]
    assert [status for _, status in logged] == [str(r.status) for r in server.requests]
    assert "Response Body" not in result.stderr and "Request Headers" not in result.stderr
    assert TOKEN not in result.stderr


def test_the_level_also_works_before_the_command(cluster):
    scenario, _, kubeconfig = cluster
    result = run_cli("-v=6", "status", scenario.expected["workflow"], "--kubeconfig", kubeconfig)
    assert result.exit_code == 0, result.stderr
    assert _REQUEST_LINE.search(result.stderr)


@pytest.mark.parametrize("level", ["0", "5"])
def test_levels_below_6_log_nothing(cluster, level):
    scenario, _, kubeconfig = cluster
    result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, f"-v={level}")
    assert result.exit_code == 0 and result.stderr == ""


def test_level_7_adds_the_headers_with_the_token_masked(cluster):
    scenario, _, kubeconfig = cluster
    result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-v=7", "--as", "bob")
    assert result.exit_code == 0, result.stderr
    assert "I     Authorization: Bearer <masked>" in result.stderr.splitlines()
    assert "I     Impersonate-User: bob" in result.stderr.splitlines()
    assert TOKEN not in result.stderr and "Response Body" not in result.stderr


def test_level_8_adds_response_bodies_truncated_as_client_go_does(cluster):
    scenario, server, kubeconfig = cluster
    result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-v=8")
    assert result.exit_code == 0, result.stderr
    bodies = [line for line in result.stderr.splitlines() if line.startswith("I Response Body: ")]
    assert len(bodies) == len(server.requests)
    workflow_body = next(body for body in bodies if '"kind":"Workflow"' in body.replace(" ", ""))
    assert re.search(r" \[truncated \d+ chars\]$", workflow_body)
    assert len(workflow_body) < 1024 + 60
    assert TOKEN not in result.stderr


def test_a_level_that_is_not_a_number_is_a_usage_error():
    result = run_cli("status", "wf", "-v=loud")
    assert result.exit_code == 2 and "'loud' is not a valid integer" in result.stderr


# -- names that are not in the kubeconfig, worded as kubectl words them ------------------------------
# client-go tools/clientcmd: errContextNotFound (validation.go), validateClusterInfo (validation.go),
# DirectClientConfig.getAuthInfo (client_config.go).

@pytest.mark.parametrize("flag, expected", [
    ("--context", "error: context was not found for specified context: nope"),
    ("--cluster", 'error: no server found for cluster "nope"'),
    ("--user", 'error: auth info "nope" does not exist'),
])
def test_unknown_names_are_errors_worded_as_kubectl(tmp_path, flag, expected):
    kubeconfig = write_kubeconfig(tmp_path / "config", "http://127.0.0.1:1", namespace="ml-team")
    result = run_subprocess("status", "wf", "--kubeconfig", kubeconfig, flag, "nope")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == expected
    assert "Traceback" not in result.stderr


def test_a_known_user_is_used(cluster, tmp_path):
    scenario, server, _ = cluster
    kubeconfig = write_kubeconfig(tmp_path / "two-users", server.url, token="wrong-token",
                                  namespace=scenario.expected["namespace"],
                                  extra_contexts=[{"name": "right", "token": TOKEN}])
    denied = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig)
    assert denied.exit_code == 1 and "401" in denied.stderr
    result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "--user", "right")
    assert result.exit_code == 0, result.stderr


def test_a_current_context_that_is_not_defined_is_worded_as_kubectl(tmp_path):
    kubeconfig = write_kubeconfig(tmp_path / "config", "http://127.0.0.1:1")
    text = open(kubeconfig).read().replace("current-context: fake", "current-context: gone")
    open(kubeconfig, "w").write(text)
    result = run_cli("status", "wf", "--kubeconfig", kubeconfig)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "error: context was not found for specified context: gone"


def test_kubeconfig_env_naming_a_missing_file_says_so(tmp_path):
    missing = tmp_path / "nowhere" / "config"
    result = run_subprocess("status", "wf", env={"KUBECONFIG": str(missing)})
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"error: the kubeconfig file {missing} (from KUBECONFIG) does not exist"


def test_kubeconfig_env_with_only_missing_files_names_them(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    result = run_cli("status", "wf", env={"KUBECONFIG": f"{first}:{second}"})
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"error: none of the kubeconfig files in KUBECONFIG exists: {first}, {second}")


# -- TLS, for real: a self-signed certificate made at test time -------------------------------------

@pytest.fixture()
def tls_cluster(tmp_path):
    certificate = self_signed(tmp_path)
    scenario = load_scenario(SCENARIO)
    with FakeApiServer(tls=certificate.server_context()) as server:
        load_into(server, scenario.objects)
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, namespace=scenario.expected["namespace"])
        yield scenario, server, kubeconfig, certificate


def test_a_certificate_that_does_not_verify_fails_at_once_with_the_reason(tls_cluster):
    scenario, server, kubeconfig, _ = tls_cluster
    assert server.url.startswith("https://")
    result = run_subprocess("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-v=6")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: unable to connect to the server {server.url}: "
                      "certificate verify failed: self-signed certificate"]
    assert "--certificate-authority" in result.stderr and "--insecure-skip-tls-verify" in result.stderr
    # No retries: one attempt, logged once, and nothing reached the HTTP layer.
    assert len(_REQUEST_LINE.findall(result.stderr)) == 1
    assert "retrying" not in result.stderr
    assert not server.requests
    assert "NoneType" not in result.stderr and "Traceback" not in result.stderr


def test_insecure_skip_tls_verify_works_without_a_warning(tls_cluster):
    scenario, server, kubeconfig, _ = tls_cluster
    result = run_subprocess("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig,
                            "--insecure-skip-tls-verify", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["workflow"]["name"] == scenario.expected["workflow"]
    assert result.stderr == ""  # no urllib3 InsecureRequestWarning


def test_certificate_authority_flag_verifies_the_server(tls_cluster):
    scenario, server, kubeconfig, certificate = tls_cluster
    result = run_subprocess("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig,
                            "--certificate-authority", certificate.cert, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert server.requests


def test_the_watch_stream_fails_the_same_way(tls_cluster):
    scenario, _, kubeconfig, _ = tls_cluster
    result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-w")
    assert result.exit_code == 1
    assert "certificate verify failed: self-signed certificate" in result.stderr.splitlines()[0]


def test_a_certificate_for_another_host_fails_with_that_reason(tmp_path):
    certificate = self_signed(tmp_path, san="DNS:other.example")
    with FakeApiServer(tls=certificate.server_context()) as server:
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, namespace="ml-team")
        result = run_cli("status", "wf", "--kubeconfig", kubeconfig, "--certificate-authority", certificate.cert)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"error: unable to connect to the server {server.url}: certificate verify failed: "
        "IP address mismatch, certificate is not valid for '127.0.0.1'")


def test_https_to_a_plain_http_port_says_so_at_once(tmp_path):
    with FakeApiServer() as server:
        url = server.url.replace("http://", "https://")
        kubeconfig = write_kubeconfig(tmp_path / "config", url, namespace="ml-team")
        result = run_cli("status", "wf", "--kubeconfig", kubeconfig, "-v=6")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    # OpenSSL words it "wrong version number" (or "record layer failure" from 3.2): its reason, at once.
    assert len(errors) == 1 and errors[0].startswith(f"error: unable to connect to the server {url}: ")
    assert "NoneType" not in errors[0] and "SSL:" not in errors[0]
    assert "is https:// right for that port" in result.stderr
    assert len(_REQUEST_LINE.findall(result.stderr)) == 1
