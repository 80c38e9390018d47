"""deploy/rbac grants exactly what the plugin reads: nothing missing, nothing unused, no write.

Every command that talks to a cluster is run against every scenario through the fake API server;
each recorded request becomes (verb, group, resource, namespace, name) and is matched against the
rules of deploy/rbac/*.yaml with kube-apiserver's RBAC semantics:

* a Role from role-batch-user.yaml is meant to be bound in each namespace a user inspects, so it
  covers requests in the namespace the command ran for (`-n`);
* any other Role covers requests in its own metadata.namespace only;
* a ClusterRole covers every namespace and the cluster-scoped resources;
* resourceNames restricts a rule to those names (and so never covers a list);
* discovery (/api, /apis, /apis/<group>[/<version>], /version) is a non-resource URL that every
  authenticated user may GET (system:discovery): it needs no rule.
"""
import importlib.util
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Optional

import pytest
import yaml

from tests.support.cli import FIXED_NOW, run_cli
from tests.support.live import serve_scenario
from tests.support.paths import REPO
from tests.support.scenarios import load_scenario, scenario_names

RBAC_DIR = REPO / "deploy" / "rbac"
USER_ROLE_FILE = "role-batch-user.yaml"
READ_VERBS = {"get", "list", "watch"}
_DISCOVERY = re.compile(r"^/(version|api(/[^/]+)?|apis(/[^/]+){0,2})/?$")


@dataclass(frozen=True)
class Access:
    verb: str
    group: str
    resource: str
    namespace: Optional[str]
    name: Optional[str]
    user_namespace: str     # the -n the command ran with (where the user's Role is bound)
    command: str

    def describe(self):
        where = f"namespace {self.namespace}" if self.namespace else "cluster scope"
        return (f"{self.verb} {self.resource}.{self.group or 'core'} {self.name or ''} in {where} "
                f"(from: {self.command})")


@dataclass(frozen=True)
class Atom:
    """One (verb, group, resource[, name]) permission of one rule, with where it applies."""
    verb: str
    group: str
    resource: str
    name: Optional[str]
    scope: str              # "cluster", "user-namespace" or a namespace name
    source: str

    def covers(self, access):
        if self.verb != access.verb or self.group != access.group or self.resource != access.resource:
            return False
        if self.name is not None and self.name != access.name:
            return False
        if self.scope == "cluster":
            return True
        if access.namespace is None:
            return False
        if self.scope == "user-namespace":
            return access.namespace == access.user_namespace
        return access.namespace == self.scope


def rbac_documents():
    documents = []
    for path in sorted(RBAC_DIR.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                documents.append((path.name, document))
    return documents


def rule_atoms():
    atoms = []
    for filename, document in rbac_documents():
        kind = document.get("kind")
        if kind not in ("Role", "ClusterRole"):
            continue
        metadata = document["metadata"]
        if kind == "ClusterRole":
            scope = "cluster"
        elif filename == USER_ROLE_FILE:
            scope = "user-namespace"
        else:
            scope = metadata["namespace"]
        for index, rule in enumerate(document.get("rules") or []):
            names = rule.get("resourceNames") or [None]
            for group in rule["apiGroups"]:
                for resource in rule["resources"]:
                    for verb in rule["verbs"]:
                        for name in names:
                            atoms.append(Atom(verb, group, resource, name, scope,
                                              f"{filename}: {kind} {metadata['name']} rule {index + 1}"))
    return atoms


# -- the requests the plugin makes -------------------------------------------------------------

def _available(module):
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def _manifests(scenario, tmp_path):
    """The scenario's workflow as a manifest, plus one referring to a namespaced and a cluster
    template (templateRef resolution is part of the pre-flight reads)."""
    workflow = {key: value for key, value in scenario.workflow.items() if key != "status"}
    workflow["metadata"] = {key: value for key, value in workflow["metadata"].items()
                            if key in ("name", "namespace", "labels", "annotations")}
    refs = {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
        "metadata": {"generateName": "refs-", "namespace": scenario.expected["namespace"]},
        "spec": {"entrypoint": "main", "templates": [{"name": "main", "steps": [[
            {"name": "a", "templateRef": {"name": "shared-steps", "template": "run"}},
            {"name": "b", "templateRef": {"name": "cluster-steps", "template": "run", "clusterScope": True}},
        ]]}]},
    }
    path = tmp_path / "manifests.yaml"
    path.write_text(yaml.safe_dump_all([workflow, refs], sort_keys=False))
    return path


def _commands(scenario, tmp_path):
    namespace, name = scenario.expected["namespace"], scenario.expected["workflow"]
    commands = [("status", name, "-n", namespace, "-o", "json"),
                ("explain", "-f", _manifests(scenario, tmp_path), "-n", namespace)]
    if _status_has_option("--forecast"):
        commands.append(("status", name, "-n", namespace, "--forecast", "-o", "json"))
    if _status_lists_workflows():
        commands.append(("status", "-n", namespace, "-o", "json"))
    if _available("kubectl_kueue_argo.interpret.diagnose.diagnosis") and _available("kubectl_kueue_argo.render.explain"):
        commands.append(("explain", name, "-n", namespace))
    if _available("kubectl_kueue_argo.commands.setup"):
        commands.append(("explain", "setup", "-n", namespace))
    return commands


# `--watch`, `-A` and the other views are run on a few scenarios only (a subprocess each): they read the same kinds
# in every scenario; these two cover both Kueue API versions.
WATCH_SCENARIOS = ("quota-wait", "v1beta1-only")


def _status_has_option(option):
    from kubectl_kueue_argo.commands.status import status_command
    return any(option in getattr(param, "opts", ()) for param in status_command.params)


def _status_lists_workflows():
    from kubectl_kueue_argo.commands.status import status_command
    return any(param.name == "workflow" and not param.required for param in status_command.params)


def _has_command(name):
    from kubectl_kueue_argo.cli import cli
    return name in cli.commands


def _slow_commands(scenario):
    """Commands run on WATCH_SCENARIOS only: (in a subprocess?, command). Other output formats
    and views make the same reads as the commands run on every scenario."""
    namespace, name = scenario.expected["namespace"], scenario.expected["workflow"]
    commands = [(False, ("status", name, "-n", namespace, "-o", "wide"))]
    if _status_has_option("--timeline"):
        commands.append((False, ("status", name, "-n", namespace, "--timeline")))
    if _has_command("version"):
        commands.append((False, ("version",)))
    if _status_has_option("-A"):
        commands.append((False, ("status", "-A")))
    if _status_has_option("--watch"):
        commands.append((True, ("status", name, "-n", namespace, "--watch")))
        if _status_lists_workflows():
            commands.append((True, ("status", "-n", namespace, "--watch")))
            if _status_has_option("-A"):
                commands.append((True, ("status", "-A", "--watch")))
    return commands


def _record(server, namespace, command, into):
    for record in server.requests:
        into.append((record, namespace, " ".join(map(str, command))))
    server.clear_requests()


def _run_until_watching(server, kubeconfig, command, env):
    """Run a command that keeps watching until its watches are open (or it ends), then stop it."""
    server.wait_for_no_watchers(timeout=20)  # the previous command's watches have ended
    server.clear_requests()
    process = subprocess.Popen([sys.executable, "-m", "kubectl_kueue_argo", "--kubeconfig", str(kubeconfig),
                                *map(str, command)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "NO_COLOR": "1", **env})
    try:
        deadline = time.monotonic() + 20
        opened = 0
        while process.poll() is None and time.monotonic() < deadline:
            count = sum(1 for record in server.requests if record.verb == "watch")
            if count and count == opened:
                break  # stable for one poll: every watch it wants is open
            opened = count
            time.sleep(0.3)
    finally:
        if process.poll() is None:
            process.terminate()
        _, stderr = process.communicate(timeout=10)
        server.drop_watches()
    assert "Traceback" not in stderr.decode(errors="replace"), stderr


def _to_access(record, user_namespace, command):
    if record.resource is None:
        return None
    return Access(record.verb, record.group or "", record.resource, record.namespace, record.name,
                  user_namespace, command)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """[(RequestRecord, user namespace, command)] over every scenario and command."""
    records = []
    for scenario_name in scenario_names():
        scenario = load_scenario(scenario_name)
        tmp_path = tmp_path_factory.mktemp(scenario_name)
        env = {"KUEUE_ARGO_NOW": scenario.expected.get("now", FIXED_NOW)}
        with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
            server.clear_requests()
            for command in _commands(scenario, tmp_path):
                # Connection flags first: they are global options of every command.
                result = run_cli("--kubeconfig", kubeconfig, *command, env=env)
                assert "Traceback" not in result.stderr and "internal error" not in result.stderr, \
                    (scenario_name, command, result.stderr)
                _record(server, scenario.expected["namespace"], command, records)
            if scenario_name in WATCH_SCENARIOS:
                for background, command in _slow_commands(scenario):
                    if background:
                        _run_until_watching(server, kubeconfig, command, env)
                    else:
                        result = run_cli("--kubeconfig", kubeconfig, *command, env=env)
                        assert "Traceback" not in result.stderr, (scenario_name, command, result.stderr)
                    _record(server, scenario.expected["namespace"], command, records)
    assert records
    return records


# -- the checks ----------------------------------------------------------------------------------

def test_rbac_files_are_well_formed():
    documents = rbac_documents()
    files = {filename for filename, _ in documents}
    assert {"role-batch-user.yaml", "clusterrole-admin-extras.yaml"} <= files
    roles = {(document["kind"], document["metadata"].get("namespace"), document["metadata"]["name"])
             for _, document in documents if document["kind"] in ("Role", "ClusterRole")}
    bindings = [document for _, document in documents if document["kind"] in ("RoleBinding", "ClusterRoleBinding")]
    assert bindings, "the RBAC files should show how to bind the roles"
    for binding in bindings:
        ref = binding["roleRef"]
        namespace = binding["metadata"].get("namespace") if ref["kind"] == "Role" else None
        assert (ref["kind"], namespace, ref["name"]) in roles, f"{binding['metadata']['name']} binds a missing role"
        if binding["kind"] == "ClusterRoleBinding":
            assert ref["kind"] == "ClusterRole"
        assert binding["subjects"]
    for kind, namespace, _ in roles:
        assert (kind == "Role") == (namespace is not None)
    assert (RBAC_DIR / "README.md").exists()


def test_rules_grant_no_write_and_no_wildcard():
    atoms = rule_atoms()
    assert atoms
    for atom in atoms:
        assert atom.verb in READ_VERBS, f"{atom.source} grants {atom.verb}"
        assert "*" not in (atom.verb, atom.group, atom.resource, atom.name), f"{atom.source} uses a wildcard"
        assert not atom.resource.endswith(("/exec", "/attach", "/portforward", "/proxy", "/log")), atom.source
    # The one ConfigMap the plugin reads is granted by name, never all ConfigMaps.
    for atom in atoms:
        if atom.resource in ("configmaps", "secrets"):
            assert atom.name is not None and atom.scope not in ("cluster", "user-namespace"), atom.source


def test_the_plugin_only_reads(recorded):
    writes = [(record.method, record.path, command) for record, _, command in recorded if record.method != "GET"]
    assert writes == []
    assert {record.verb for record, _, _ in recorded} <= READ_VERBS


def test_unclassified_requests_are_only_discovery(recorded):
    odd = [(record.path, command) for record, _, command in recorded
           if record.resource is None and not _DISCOVERY.match(record.path)]
    assert odd == [], "requests that are neither resources nor discovery"


def test_every_request_is_covered_by_a_rule(recorded):
    atoms = rule_atoms()
    missing = {}
    for access in (_to_access(*entry) for entry in recorded):
        if access is not None and not any(atom.covers(access) for atom in atoms):
            missing.setdefault(access.describe().split(" (from:")[0], access.describe())
    missing = sorted(missing.values())
    assert missing == [], "requests not granted by deploy/rbac:\n" + "\n".join(missing)


def test_every_rule_is_used(recorded):
    accesses = [access for access in (_to_access(*entry) for entry in recorded) if access is not None]
    unused = sorted({f"{atom.source}: {atom.verb} {atom.resource}.{atom.group or 'core'}"
                     + (f" {atom.name}" if atom.name else "")
                     for atom in rule_atoms() if not any(atom.covers(access) for access in accesses)})
    assert unused == [], "rules the plugin never needs (least privilege):\n" + "\n".join(unused)


def test_optional_reads_are_the_cluster_extras(recorded):
    """Everything the user's Role grants is namespaced; cluster-scoped reads and the Kueue
    configuration come only from the optional extras, whose denial degrades (see test_faults)."""
    for atom in rule_atoms():
        if atom.source.startswith(USER_ROLE_FILE):
            assert atom.scope == "user-namespace"
    cluster_scoped = {(access.group, access.resource) for access in
                      (_to_access(*entry) for entry in recorded)
                      if access is not None and access.namespace is None and " -A" not in access.command}
    assert cluster_scoped <= {("kueue.x-k8s.io", "clusterqueues"), ("kueue.x-k8s.io", "admissionchecks"),
                              ("argoproj.io", "clusterworkflowtemplates"), ("", "namespaces"),
                              ("visibility.kueue.x-k8s.io", "clusterqueues/pendingworkloads"),
                              ("kueue.x-k8s.io", "workloads")}   # the last two: forecasts
