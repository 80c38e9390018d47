"""The plugin is read-only: no write to the cluster, none to the kubeconfig, no credential in logs."""
import hashlib
import json
import os
import re
import stat
import sys
import time

import pytest
import yaml

from tests.support.cli import run_cli, run_subprocess
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig
from tests.support.live import load_into, serve_scenario
from tests.support.scenarios import load_scenario, scenario_names

SCENARIO = "quota-wait"
KUBECONFIG_TOKEN = "kubeconfig-secret-token-7f3a9c"
EXEC_TOKEN = "exec-plugin-secret-token-51d2e8"
FLAG_TOKEN = "flag-secret-token-c0ffee42"
_LOG_LINE = re.compile(r"^I GET (http://127\.0\.0\.1:\d+/\S+) (\d{3}|ERR) in \d+ milliseconds$")


def fingerprint(path):
    """Content checksum, mtime (ns), mode and inode: a rewrite changes at least one."""
    info = os.stat(path)
    return (hashlib.sha256(open(path, "rb").read()).hexdigest(), info.st_mtime_ns, stat.S_IMODE(info.st_mode),
            info.st_ino)


def commands_for(scenario):
    name, namespace = scenario.expected["workflow"], scenario.expected["namespace"]
    commands = [("status", name, "-n", namespace), ("status", name, "-n", namespace, "-o", "json"),
                ("status", name, "-n", namespace, "-o", "wide"), ("status", "does-not-exist", "-n", namespace)]
    workflow = {key: value for key, value in scenario.workflow.items() if key != "status"}
    return commands, workflow


def served(tmp_path, token=None, **kwargs):
    scenario = load_scenario(SCENARIO)
    server = FakeApiServer(token=token, **kwargs)
    load_into(server, scenario.objects)
    return scenario, server


def write_exec_plugin(directory, token, *, counter=None):
    """A client-go exec credential plugin: prints an ExecCredential with a token that expires."""
    script = directory / "credential-plugin.py"
    lines = [f"#!{sys.executable}", "import datetime, json"]
    if counter:
        lines.append(f"open({str(counter)!r}, 'a').write('x')")
    lines += [
        "expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)",
        "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1beta1', 'kind': 'ExecCredential',",
        f"                  'status': {{'token': {token!r},",
        "                             'expirationTimestamp': expires.strftime('%Y-%m-%dT%H:%M:%SZ')}}))",
    ]
    script.write_text("\n".join(lines) + "\n")
    script.chmod(0o755)
    return script


def write_exec_kubeconfig(path, server_url, script, namespace):
    document = {
        "apiVersion": "v1", "kind": "Config", "current-context": "exec",
        "clusters": [{"name": "exec", "cluster": {"server": server_url}}],
        "users": [{"name": "exec", "user": {"exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1", "command": str(script), "args": [],
            "interactiveMode": "Never", "provideClusterInfo": False}}}],
        "contexts": [{"name": "exec", "context": {"cluster": "exec", "user": "exec", "namespace": namespace}}],
    }
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return str(path)


# -- never writes to the cluster ----------------------------------------------------------------

@pytest.mark.parametrize("name", scenario_names())
def test_no_request_is_a_write(name, tmp_path):
    scenario = load_scenario(name)
    commands, _ = commands_for(scenario)
    with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
        for command in commands:
            run_cli("--kubeconfig", kubeconfig, *command)
        assert server.requests
        assert {record.method for record in server.requests} == {"GET"}
        assert {record.verb for record in server.requests} <= {"get", "list", "watch"}


def test_the_transport_has_no_write_method():
    from kubectl_kueue_argo.sources.transport import Transport

    public = {name for name in dir(Transport) if not name.startswith("_")}
    assert not public & {"post", "put", "patch", "delete", "create", "update", "request"}
    source = open(sys.modules[Transport.__module__].__file__).read()
    for verb in ("POST", "PUT", "PATCH", "DELETE"):
        assert f'"{verb}"' not in source


# -- never writes the kubeconfig ----------------------------------------------------------------

def test_kubeconfig_with_token_is_not_written(tmp_path):
    scenario, server = served(tmp_path, token=KUBECONFIG_TOKEN)
    with server:
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, token=KUBECONFIG_TOKEN,
                                      namespace=scenario.expected["namespace"])
        os.utime(kubeconfig, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
        before = fingerprint(kubeconfig)
        commands, _ = commands_for(scenario)
        for command in commands:
            run_cli("--kubeconfig", kubeconfig, *command)
        assert fingerprint(kubeconfig) == before
        assert all(record.status != 401 for record in server.requests)


def test_exec_credential_plugin_with_expiry_does_not_write_the_kubeconfig(tmp_path):
    scenario, server = served(tmp_path, token=EXEC_TOKEN)
    (tmp_path / "plugin").mkdir()
    calls = tmp_path / "plugin" / "calls"
    script = write_exec_plugin(tmp_path / "plugin", EXEC_TOKEN, counter=calls)
    with server:
        kubeconfig = write_exec_kubeconfig(tmp_path / "config", server.url, script, scenario.expected["namespace"])
        os.utime(kubeconfig, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
        before = fingerprint(kubeconfig)
        listing = sorted(os.listdir(tmp_path))
        # A subprocess: the real entry point, real environment, nothing shared with pytest.
        result = run_subprocess("status", scenario.expected["workflow"], "-o", "json", "-v",
                                env={"KUBECONFIG": kubeconfig})
        assert result.exit_code == 0, result.stderr
        assert result.json["workflow"]["name"] == scenario.expected["workflow"]
        assert calls.read_text()  # the plugin really ran
        assert all(record.headers.get("Authorization") == f"Bearer {EXEC_TOKEN}" for record in server.requests)
        assert fingerprint(kubeconfig) == before
        assert sorted(os.listdir(tmp_path)) == listing  # no sibling file (lock, backup, cache) either
        assert EXEC_TOKEN not in result.stderr and EXEC_TOKEN not in result.stdout


def test_multi_file_kubeconfig_first_file_wins_and_no_file_is_written(tmp_path):
    scenario = load_scenario(SCENARIO)
    namespace = scenario.expected["namespace"]
    with FakeApiServer() as first, FakeApiServer() as second:
        load_into(first, scenario.objects)
        load_into(second, scenario.objects)
        first_file = write_kubeconfig(tmp_path / "first", first.url, namespace=namespace, context="first",
                                      token=KUBECONFIG_TOKEN)
        second_file = write_kubeconfig(tmp_path / "second", second.url, namespace="elsewhere", context="second",
                                       extra_contexts=[{"name": "first", "server": second.url}])
        for path in (first_file, second_file):
            os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
        before = [fingerprint(first_file), fingerprint(second_file)]
        result = run_cli("status", scenario.expected["workflow"], "-o", "json",
                         env={"KUBECONFIG": os.pathsep.join([first_file, second_file])})
        assert result.exit_code == 0, result.stderr
        # kubectl's rule: the first file's current-context, and its definition of "first" wins too.
        assert first.requests and not second.requests
        assert result.json["workflow"]["namespace"] == namespace
        assert [fingerprint(first_file), fingerprint(second_file)] == before

        # The other order: the second server, the second file's namespace.
        result = run_cli("status", scenario.expected["workflow"], "-o", "json", "-n", namespace,
                         env={"KUBECONFIG": os.pathsep.join([second_file, first_file])})
        assert result.exit_code == 0, result.stderr
        assert second.requests
        assert [fingerprint(first_file), fingerprint(second_file)] == before


def test_missing_files_in_kubeconfig_list_are_skipped(tmp_path):
    scenario, server = served(tmp_path)
    with server:
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, namespace=scenario.expected["namespace"])
        paths = os.pathsep.join([str(tmp_path / "absent"), kubeconfig])
        result = run_cli("status", scenario.expected["workflow"], env={"KUBECONFIG": paths})
        assert result.exit_code == 0, result.stderr
        assert not (tmp_path / "absent").exists()


# -- -v logs requests, never credentials ---------------------------------------------------------

def _check_log(stderr, server):
    lines = [line for line in stderr.splitlines() if line.startswith("I GET")]
    assert lines, stderr
    for line in lines:
        match = _LOG_LINE.match(line)
        assert match, line
        assert match.group(1).startswith(server.url)
    logged_paths = [re.sub(r"\?.*", "", _LOG_LINE.match(line).group(1)[len(server.url):]) for line in lines]
    assert logged_paths == [record.path for record in server.requests]
    assert [line.split()[3] for line in lines] == [str(record.status) for record in server.requests]


@pytest.mark.parametrize("verbosity", [["-v"], ["-v"] * 9])
def test_verbose_logs_each_request_and_not_the_kubeconfig_token(tmp_path, verbosity):
    scenario, server = served(tmp_path, token=KUBECONFIG_TOKEN)
    with server:
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, token=KUBECONFIG_TOKEN,
                                      namespace=scenario.expected["namespace"])
        result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, *verbosity)
        assert result.exit_code == 0, result.stderr
        _check_log(result.stderr, server)
        assert KUBECONFIG_TOKEN not in result.stderr + result.stdout
        assert "=None" not in result.stderr  # the log shows the query that was sent, not unset parameters


def test_verbose_never_prints_the_token_flag_even_on_errors(tmp_path):
    scenario, server = served(tmp_path, token=FLAG_TOKEN)
    with server:
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, token="wrong-token",
                                      namespace=scenario.expected["namespace"])
        ok = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "--token", FLAG_TOKEN,
                     "-v", "-v", "-o", "json")
        assert ok.exit_code == 0, ok.stderr
        assert FLAG_TOKEN not in ok.stderr + ok.stdout
        server.clear_requests()
        # A 401 with the token: the error names neither token.
        denied = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig,
                         "--token", FLAG_TOKEN + "-expired", "-v")
        assert denied.exit_code == 1
        assert "401" in denied.stderr and "Unauthorized" in denied.stderr
        assert FLAG_TOKEN not in denied.stderr + denied.stdout and "wrong-token" not in denied.stderr
        _check_log(denied.stderr, server)


def test_verbose_never_prints_the_exec_plugin_token(tmp_path):
    scenario, server = served(tmp_path, token=EXEC_TOKEN)
    script = write_exec_plugin(tmp_path, EXEC_TOKEN)
    with server:
        kubeconfig = write_exec_kubeconfig(tmp_path / "config", server.url, script, scenario.expected["namespace"])
        result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-v", "-v", "-v")
        assert result.exit_code == 0, result.stderr
        _check_log(result.stderr, server)
        assert EXEC_TOKEN not in result.stderr + result.stdout


def test_verbose_logs_failed_requests_with_their_status_and_time(tmp_path):
    scenario, server = served(tmp_path)
    with server:
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, namespace=scenario.expected["namespace"])
        server.inject(path_regex=r"/workflows/", status=500, times=1)
        started = time.monotonic()
        result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-v")
        assert result.exit_code == 0, result.stderr
        assert time.monotonic() - started < 10
        assert re.search(r"^I GET \S+/workflows/\S+ 500 in \d+ milliseconds$", result.stderr, re.M)
        assert re.search(r"^I GET \S+/workflows/\S+ 200 in \d+ milliseconds$", result.stderr, re.M)


def test_without_verbose_nothing_is_logged(tmp_path):
    scenario, server = served(tmp_path)
    with server:
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, namespace=scenario.expected["namespace"])
        result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig)
        assert result.exit_code == 0
        assert result.stderr == ""


def test_json_output_is_unaffected_by_verbose(tmp_path):
    scenario, server = served(tmp_path)
    with server:
        kubeconfig = write_kubeconfig(tmp_path / "config", server.url, namespace=scenario.expected["namespace"])
        quiet = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-o", "json")
        loud = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-o", "json", "-v")
        assert json.loads(quiet.stdout) == json.loads(loud.stdout)
