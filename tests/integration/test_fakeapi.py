"""Tests of the fake API server (tests/support/fakeapi.py), driven through the real client.

Every request goes kubeconfig -> kubernetes.config -> ApiClient.call_api -> urllib3 -> HTTP.
"""
from __future__ import annotations

import json
import queue
import threading
import time

import pytest
import urllib3
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig

KUEUE = "kueue.x-k8s.io"
VIS = "visibility.kueue.x-k8s.io"


# ----------------------------------------------------------------------------- helpers

def make_client(server, tmp_path, *, token=None, retries=None, name="kubeconfig"):
    """ApiClient from a real kubeconfig.  retries=None keeps the client's default."""
    path = write_kubeconfig(tmp_path / name, server.url, token=token, namespace="ns")
    if retries is None:
        return config.new_client_from_config(config_file=path, persist_config=False)
    cfg = client.Configuration()
    cfg.retries = retries  # read when the ApiClient builds its urllib3 PoolManager
    return config.new_client_from_config(config_file=path, persist_config=False,
                                         client_configuration=cfg)


def raw(api, path, query=None, method="GET", timeout=5, body=None):
    resp = api.call_api(path, method, query_params=list((query or {}).items()),
                        header_params={"Accept": "application/json",
                                       "Content-Type": "application/json"},
                        body=body, auth_settings=["BearerToken"], _preload_content=False,
                        _request_timeout=timeout)
    return resp[0] if isinstance(resp, tuple) else resp


def get_json(api, path, query=None, **kw):
    return json.loads(raw(api, path, query, **kw).data)


def status_of(exc_info):
    return json.loads(exc_info.value.body)


def pod(name, ns="ns", labels=None, **extra):
    obj = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": ns, "labels": dict(labels or {})},
           "spec": {"containers": [{"name": "main", "image": "busybox"}]},
           "status": {"phase": "Pending"}}
    obj.update(extra)
    return obj


def names(doc):
    return [i["metadata"]["name"] for i in doc["items"]]


class WatchReader:
    """Reads a watch stream in a thread; events land in a queue (None marks a clean end)."""

    def __init__(self, api, path, query, timeout=5):
        q = dict(query or {}, watch="true")
        self.resp = raw(api, path, q, timeout=timeout)
        self.events: "queue.Queue" = queue.Queue()
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        buf = b""
        try:
            for chunk in self.resp.stream(amt=None, decode_content=False):
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if line.strip():
                        self.events.put(json.loads(line))
            self.events.put(None)
        except Exception as exc:  # noqa: BLE001 - recorded for the test to inspect
            self.error = exc
            self.events.put(exc)

    def next(self, timeout=3):
        return self.events.get(timeout=timeout)

    def take(self, n, timeout=3):
        return [self.next(timeout) for _ in range(n)]


@pytest.fixture
def server():
    with FakeApiServer() as srv:
        yield srv


@pytest.fixture
def api(server, tmp_path):
    return make_client(server, tmp_path)


# ----------------------------------------------------------------------------- discovery

def test_discovery_shape(server, api):
    assert get_json(api, "/version")["gitVersion"].startswith("v1.")
    assert get_json(api, "/api")["versions"] == ["v1"]
    core = get_json(api, "/api/v1")
    assert core["kind"] == "APIResourceList" and core["groupVersion"] == "v1"
    pods = next(r for r in core["resources"] if r["name"] == "pods")
    assert pods == {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
                    "verbs": pods["verbs"], "shortNames": ["po"]}
    assert {"get", "list", "watch"} <= set(pods["verbs"])

    groups = {g["name"]: g for g in get_json(api, "/apis")["groups"]}
    assert set(groups) == {"argoproj.io", KUEUE, VIS}
    assert [v["version"] for v in groups[KUEUE]["versions"]] == ["v1beta2", "v1beta1"]
    assert groups[KUEUE]["preferredVersion"] == {"groupVersion": KUEUE + "/v1beta2",
                                                 "version": "v1beta2"}
    kueue = {r["name"]: r for r in get_json(api, "/apis/kueue.x-k8s.io/v1beta1")["resources"]}
    assert kueue["clusterqueues"]["namespaced"] is False
    assert kueue["localqueues"]["shortNames"] == ["queue", "queues", "lq"]
    assert kueue["workloads"]["kind"] == "Workload"
    vis = get_json(api, "/apis/visibility.kueue.x-k8s.io/v1beta2")["resources"]
    assert {r["name"] for r in vis} == {"clusterqueues/pendingworkloads",
                                        "localqueues/pendingworkloads"}
    argo = {r["name"]: r for r in get_json(api, "/apis/argoproj.io/v1alpha1")["resources"]}
    assert argo["workflows"]["shortNames"] == ["wf"]
    assert argo["clusterworkflowtemplates"]["namespaced"] is False


def test_discovery_without_kueue_and_argo(tmp_path):
    with FakeApiServer(kueue_versions=(), argo=False) as srv:
        api = make_client(srv, tmp_path)
        assert get_json(api, "/apis")["groups"] == []
        for path in ("/apis/kueue.x-k8s.io/v1beta2/namespaces/ns/workloads",
                     "/apis/visibility.kueue.x-k8s.io/v1beta2/namespaces/ns/localqueues/q/"
                     "pendingworkloads",
                     "/apis/argoproj.io/v1alpha1/namespaces/ns/workflows",
                     "/apis/kueue.x-k8s.io/v1beta2"):
            with pytest.raises(ApiException) as ei:
                raw(api, path)
            assert ei.value.status == 404
            assert status_of(ei)["reason"] == "NotFound"


def test_only_requested_versions_served(tmp_path):
    with FakeApiServer(kueue_versions=("v1beta1",), visibility_versions=("v1beta1",)) as srv:
        api = make_client(srv, tmp_path)
        groups = {g["name"]: g for g in get_json(api, "/apis")["groups"]}
        assert groups[KUEUE]["preferredVersion"]["version"] == "v1beta1"
        assert [v["version"] for v in groups[VIS]["versions"]] == ["v1beta1"]
        with pytest.raises(ApiException) as ei:
            raw(api, "/apis/kueue.x-k8s.io/v1beta2/clusterqueues")
        assert ei.value.status == 404


# ----------------------------------------------------------------------------- GET / 404

def test_get_and_not_found_status(server, api):
    stored = server.add(pod("p1"))
    got = get_json(api, "/api/v1/namespaces/ns/pods/p1")
    assert got["kind"] == "Pod" and got["apiVersion"] == "v1"
    assert got["metadata"]["uid"] == stored["metadata"]["uid"]
    assert int(got["metadata"]["resourceVersion"]) > 0 and got["metadata"]["creationTimestamp"]

    with pytest.raises(ApiException) as ei:
        raw(api, "/apis/argoproj.io/v1alpha1/namespaces/ns/workflows/x")
    assert ei.value.status == 404
    assert status_of(ei) == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": 'workflows.argoproj.io "x" not found', "reason": "NotFound",
        "details": {"name": "x", "group": "argoproj.io", "kind": "workflows"}, "code": 404}
    with pytest.raises(ApiException) as ei:
        raw(api, "/api/v1/namespaces/ns/pods/nope")
    assert status_of(ei)["message"] == 'pods "nope" not found'
    assert status_of(ei)["details"] == {"name": "nope", "kind": "pods"}


def test_cluster_scoped_and_store_api(server, api):
    server.add({"apiVersion": KUEUE + "/v1beta2", "kind": "ClusterQueue",
                "metadata": {"name": "cq"}, "spec": {}})
    server.add({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}})
    assert get_json(api, "/apis/kueue.x-k8s.io/v1beta2/clusterqueues/cq")["metadata"]["name"] \
        == "cq"
    assert names(get_json(api, "/api/v1/namespaces")) == ["ns"]
    assert get_json(api, "/api/v1/namespaces/ns")["kind"] == "Namespace"
    assert server.get("ClusterQueue", None, "cq")["metadata"]["name"] == "cq"
    server.delete("ClusterQueue", None, "cq")
    assert server.get("ClusterQueue", None, "cq") is None
    with pytest.raises(KeyError):
        server.update(pod("missing"))
    server.add_all({"kind": "List", "items": [pod("a"), pod("b", ns="other")]})
    assert names(get_json(api, "/api/v1/pods")) == ["a", "b"]


# ----------------------------------------------------------------------------- LIST

@pytest.fixture
def labelled(server):
    server.add(pod("p1", labels={"app": "a", "tier": "web"}))
    server.add(pod("p2", labels={"app": "b", "tier": "web"}))
    server.add(pod("p3", labels={"app": "c"}))
    server.add(pod("p4", labels={"tier": "db"}))
    server.add(pod("p5", ns="other", labels={"app": "a"}))
    return server


@pytest.mark.parametrize("selector,expected", [
    ("app=a", ["p1"]),
    ("app==b", ["p2"]),
    ("app!=a", ["p2", "p3", "p4"]),
    ("app in (a,c)", ["p1", "p3"]),
    ("app in ( a , c )", ["p1", "p3"]),
    ("app notin (a)", ["p2", "p3", "p4"]),
    ("tier", ["p1", "p2", "p4"]),
    ("!tier", ["p3"]),
    ("app,tier=web", ["p1", "p2"]),
    ("app in (a,b,c),tier notin (db),!missing", ["p1", "p2", "p3"]),
    ("app=zzz", []),
])
def test_list_label_selectors(labelled, api, selector, expected):
    doc = get_json(api, "/api/v1/namespaces/ns/pods", {"labelSelector": selector})
    assert doc["kind"] == "PodList" and doc["apiVersion"] == "v1"
    assert names(doc) == expected
    assert all(i["kind"] == "Pod" and i["apiVersion"] == "v1" for i in doc["items"])


def test_list_big_in_selector_and_all_namespaces(labelled, api):
    values = ",".join(["a"] + ["uid-%04d" % i for i in range(500)])
    doc = get_json(api, "/api/v1/pods", {"labelSelector": "app in (%s)" % values})
    assert [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in doc["items"]] == \
        [("ns", "p1"), ("other", "p5")]


def test_list_field_selectors(labelled, api):
    q = {"fieldSelector": "metadata.name=p2"}
    assert names(get_json(api, "/api/v1/namespaces/ns/pods", q)) == ["p2"]
    q = {"fieldSelector": "metadata.name!=p2,metadata.namespace==ns"}
    assert names(get_json(api, "/api/v1/pods", q)) == ["p1", "p3", "p4"]
    q = {"fieldSelector": "status.phase=Pending", "labelSelector": "app=a"}
    assert names(get_json(api, "/api/v1/pods", q)) == ["p1", "p5"]
    with pytest.raises(ApiException) as ei:
        raw(api, "/api/v1/pods", {"fieldSelector": "spec.bogus=x"})
    assert ei.value.status == 400 and "field label not supported" in status_of(ei)["message"]
    with pytest.raises(ApiException) as ei:
        raw(api, "/api/v1/pods", {"labelSelector": "app in (a"})
    assert ei.value.status == 400


def test_pagination(labelled, api):
    seen, tokens, cont = [], [], None
    rvs = set()
    while True:
        q = {"limit": "2"}
        if cont:
            q["continue"] = cont
        doc = get_json(api, "/api/v1/namespaces/ns/pods", q)
        seen.append(names(doc))
        rvs.add(doc["metadata"]["resourceVersion"])
        cont = doc["metadata"].get("continue")
        tokens.append((cont, doc["metadata"].get("remainingItemCount")))
        if not cont:
            break
    assert seen == [["p1", "p2"], ["p3", "p4"]]
    assert tokens[0][1] == 2 and tokens[1] == (None, None)
    assert len(rvs) == 1

    labelled.add(pod("p0"))  # 5 items in ns now
    pages, cont = [], None
    while True:
        doc = get_json(api, "/api/v1/namespaces/ns/pods",
                       dict({"limit": "2"}, **({"continue": cont} if cont else {})))
        pages.append((names(doc), doc["metadata"].get("remainingItemCount")))
        cont = doc["metadata"].get("continue")
        if not cont:
            break
    assert pages == [(["p0", "p1"], 3), (["p2", "p3"], 1), (["p4"], None)]


def test_continue_token_expires_after_compact(labelled, api):
    doc = get_json(api, "/api/v1/namespaces/ns/pods", {"limit": "1"})
    labelled.compact()
    with pytest.raises(ApiException) as ei:
        raw(api, "/api/v1/namespaces/ns/pods", {"limit": "1",
                                                "continue": doc["metadata"]["continue"]})
    assert ei.value.status == 410 and status_of(ei)["reason"] == "Expired"
    with pytest.raises(ApiException) as ei:
        raw(api, "/api/v1/namespaces/ns/pods", {"limit": "1", "continue": "garbage!"})
    assert ei.value.status == 400


def test_list_selected_page_uses_the_label_index(tmp_path, monkeypatch):
    """5,000 selected out of 20,000: only the 5,000 candidates of the label index are matched,
    not every pod of the namespace (what keeps a selected page fast; no timing is asserted)."""
    import tests.support.fakeapi as fakeapi

    matched = []
    real = fakeapi._labels_match
    monkeypatch.setattr(fakeapi, "_labels_match", lambda labels, reqs: matched.append(1) or real(labels, reqs))
    with FakeApiServer() as srv:
        srv.add_all(pod("p-%05d" % i, labels={"workflows.argoproj.io/workflow": "wf-%d" % (i % 4)})
                    for i in range(20000))
        api = make_client(srv, tmp_path)
        doc = get_json(api, "/api/v1/namespaces/ns/pods",
                       {"labelSelector": "workflows.argoproj.io/workflow=wf-1"})
        assert len(doc["items"]) == 5000
        assert len(matched) <= 5000


# ----------------------------------------------------------------------------- Kueue versions

def test_v1beta1_only_server_converts_v1beta2_objects(tmp_path):
    with FakeApiServer(kueue_versions=("v1beta1",), visibility_versions=("v1beta1",)) as srv:
        srv.add({"apiVersion": KUEUE + "/v1beta2", "kind": "ClusterQueue",
                 "metadata": {"name": "cq"}, "spec": {"cohortName": "team"}})
        srv.add({"apiVersion": KUEUE + "/v1beta2", "kind": "LocalQueue",
                 "metadata": {"name": "lq", "namespace": "ns"}, "spec": {"clusterQueue": "cq"},
                 "status": {"flavorsUsage": [{"name": "default", "resources": []}]}})
        srv.add({"apiVersion": KUEUE + "/v1beta2", "kind": "Workload",
                 "metadata": {"name": "wl", "namespace": "ns"},
                 "spec": {"priority": 5, "priorityClassRef": {
                     "group": KUEUE, "kind": "WorkloadPriorityClass", "name": "high"}}})
        api = make_client(srv, tmp_path)
        cq = get_json(api, "/apis/kueue.x-k8s.io/v1beta1/clusterqueues/cq")
        assert cq["apiVersion"] == KUEUE + "/v1beta1"
        assert cq["spec"] == {"cohort": "team"}
        lq = get_json(api, "/apis/kueue.x-k8s.io/v1beta1/namespaces/ns/localqueues")["items"][0]
        assert "flavorsUsage" not in lq["status"] and lq["status"]["flavorUsage"][0]["name"] \
            == "default"
        wl = get_json(api, "/apis/kueue.x-k8s.io/v1beta1/namespaces/ns/workloads/wl")
        assert wl["spec"] == {"priority": 5, "priorityClassName": "high",
                              "priorityClassSource": "kueue.x-k8s.io/workloadpriorityclass"}
        # The stored object is untouched.
        assert srv.get("ClusterQueue", None, "cq")["spec"] == {"cohortName": "team"}


def test_v1beta1_objects_read_as_v1beta2(server, api):
    server.add({"apiVersion": KUEUE + "/v1beta1", "kind": "ClusterQueue",
                "metadata": {"name": "cq"}, "spec": {"cohort": "team"}})
    server.add({"apiVersion": KUEUE + "/v1beta1", "kind": "Workload",
                "metadata": {"name": "wl", "namespace": "ns"},
                "spec": {"priorityClassName": "pc",
                         "priorityClassSource": "scheduling.k8s.io/priorityclass"}})
    assert get_json(api, "/apis/kueue.x-k8s.io/v1beta2/clusterqueues/cq")["spec"] == \
        {"cohortName": "team"}
    assert get_json(api, "/apis/kueue.x-k8s.io/v1beta1/clusterqueues/cq")["spec"] == \
        {"cohort": "team"}
    wl = get_json(api, "/apis/kueue.x-k8s.io/v1beta2/namespaces/ns/workloads/wl")
    assert wl["spec"]["priorityClassRef"] == {"group": "scheduling.k8s.io",
                                              "kind": "PriorityClass", "name": "pc"}


# ----------------------------------------------------------------------------- authn / authz

def test_forbid_gives_kube_wording(server, api):
    server.forbid("list", "clusterqueues", group=KUEUE)
    with pytest.raises(ApiException) as ei:
        raw(api, "/apis/kueue.x-k8s.io/v1beta2/clusterqueues")
    assert ei.value.status == 403
    st = status_of(ei)
    assert st["reason"] == "Forbidden" and st["code"] == 403
    assert st["message"] == ('clusterqueues.kueue.x-k8s.io is forbidden: User "alice" cannot '
                             'list resource "clusterqueues" in API group "kueue.x-k8s.io" at '
                             'the cluster scope')
    # get is still allowed (404 because it does not exist).
    with pytest.raises(ApiException) as ei:
        raw(api, "/apis/kueue.x-k8s.io/v1beta2/clusterqueues/x")
    assert ei.value.status == 404

    server.forbid("get", "configmaps", namespace="kueue-system")
    with pytest.raises(ApiException) as ei:
        raw(api, "/api/v1/namespaces/kueue-system/configmaps/kueue-manager-config")
    assert status_of(ei)["message"] == (
        'configmaps "kueue-manager-config" is forbidden: User "alice" cannot get resource '
        '"configmaps" in API group "" in the namespace "kueue-system"')

    server.forbid("get", "localqueues/pendingworkloads")  # group inferred: visibility
    with pytest.raises(ApiException) as ei:
        raw(api, "/apis/visibility.kueue.x-k8s.io/v1beta2/namespaces/ns/localqueues/lq/"
                 "pendingworkloads")
    assert status_of(ei)["message"] == (
        'localqueues.visibility.kueue.x-k8s.io "lq" is forbidden: User "alice" cannot get '
        'resource "localqueues/pendingworkloads" in API group "visibility.kueue.x-k8s.io" in '
        'the namespace "ns"')


def test_token_required(tmp_path):
    with FakeApiServer(token="abc") as srv:
        anon = make_client(srv, tmp_path, name="anon")
        with pytest.raises(ApiException) as ei:
            raw(anon, "/api/v1/namespaces/ns/pods")
        assert ei.value.status == 401
        assert status_of(ei) == {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                 "status": "Failure", "message": "Unauthorized",
                                 "reason": "Unauthorized", "code": 401}
        wrong = make_client(srv, tmp_path, token="nope", name="wrong")
        with pytest.raises(ApiException) as ei:
            raw(wrong, "/api/v1/namespaces/ns/pods")
        assert ei.value.status == 401
        good = make_client(srv, tmp_path, token="abc", name="good")
        assert get_json(good, "/api/v1/namespaces/ns/pods")["items"] == []
        assert srv.requests[-1].headers["Authorization"] == "Bearer abc"


# ----------------------------------------------------------------------------- visibility

def vis_item(name, lq, ns="ns", prio=0):
    return {"metadata": {"name": name, "namespace": ns, "creationTimestamp": "2026-01-01T00:00:00Z",
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Pod",
                                              "name": name[4:], "uid": "uid-" + name}]},
            "priority": prio, "localQueueName": lq,
            "positionInClusterQueue": 99, "positionInLocalQueue": 99}


def test_visibility_local_queue_positions(server, api):
    server.add({"apiVersion": KUEUE + "/v1beta2", "kind": "LocalQueue",
                "metadata": {"name": "lq-a", "namespace": "ns"}, "spec": {"clusterQueue": "cq"}})
    server.add({"apiVersion": KUEUE + "/v1beta2", "kind": "ClusterQueue",
                "metadata": {"name": "cq"}, "spec": {}})
    server.set_pending_workloads("cq", [vis_item("pod-w0", "lq-a"), vis_item("pod-w1", "lq-b"),
                                        vis_item("pod-w2", "lq-a"),
                                        vis_item("pod-w3", "lq-a", ns="other"),
                                        vis_item("pod-w4", "lq-a")])
    base = "/apis/visibility.kueue.x-k8s.io/v1beta2/namespaces/ns/localqueues/lq-a/pendingworkloads"
    doc = get_json(api, base)
    assert doc["kind"] == "PendingWorkloadsSummary"
    assert doc["apiVersion"] == VIS + "/v1beta2"
    assert doc["metadata"] == {"creationTimestamp": None}
    assert [(i["metadata"]["name"], i["positionInLocalQueue"], i["positionInClusterQueue"])
            for i in doc["items"]] == [("pod-w0", 0, 0), ("pod-w2", 1, 2), ("pod-w4", 2, 4)]
    doc = get_json(api, base, {"offset": "1", "limit": "1"})
    assert [(i["metadata"]["name"], i["positionInLocalQueue"]) for i in doc["items"]] == \
        [("pod-w2", 1)]
    v1 = get_json(api, base.replace("v1beta2", "v1beta1"))
    assert v1["apiVersion"] == VIS + "/v1beta1" and len(v1["items"]) == 3

    cq = get_json(api, "/apis/visibility.kueue.x-k8s.io/v1beta2/clusterqueues/cq/"
                       "pendingworkloads", {"offset": "1", "limit": "3"})
    assert [(i["metadata"]["name"], i["positionInClusterQueue"], i["positionInLocalQueue"])
            for i in cq["items"]] == [("pod-w1", 1, 0), ("pod-w2", 2, 1), ("pod-w3", 3, 2)]

    with pytest.raises(ApiException) as ei:
        raw(api, base.replace("lq-a", "nope"))
    assert ei.value.status == 404
    st = status_of(ei)
    assert st["message"] == 'localqueue.visibility.kueue.x-k8s.io "nope" not found'
    assert st["details"] == {"name": "nope", "group": VIS, "kind": "localqueue"}
    with pytest.raises(ApiException) as ei:
        raw(api, "/apis/visibility.kueue.x-k8s.io/v1beta2/clusterqueues/nope/pendingworkloads")
    assert ei.value.status == 404


# ----------------------------------------------------------------------------- watch

def test_watch_delivers_events_in_order(server, api):
    server.add(pod("old"))
    lst = get_json(api, "/api/v1/namespaces/ns/pods")
    w = WatchReader(api, "/api/v1/namespaces/ns/pods",
                    {"resourceVersion": lst["metadata"]["resourceVersion"],
                     "labelSelector": "app=x"})
    other = WatchReader(api, "/api/v1/pods", {"resourceVersion": "0"})  # initial ADDED
    server.wait_for_watchers(2, timeout=2)
    assert other.next()["object"]["metadata"]["name"] == "old"

    server.add(pod("new", labels={"app": "x"}))
    server.add(pod("ignored", labels={"app": "y"}))
    server.update(pod("new", labels={"app": "x"}, status={"phase": "Running"}))
    server.update(pod("new", labels={"app": "gone"}))  # leaves the selection
    server.add(pod("new2", labels={"app": "x"}))
    server.delete("Pod", "ns", "new2")
    events = w.take(5)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "new"), ("MODIFIED", "new"), ("DELETED", "new"), ("ADDED", "new2"),
        ("DELETED", "new2")]
    assert events[1]["object"]["status"]["phase"] == "Running"
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert rvs == sorted(rvs) and len(set(rvs)) == 5
    assert [e["type"] for e in other.take(6)] == ["ADDED", "ADDED", "MODIFIED", "MODIFIED",
                                                  "ADDED", "DELETED"]
    watch_recs = [r for r in server.requests if r.verb == "watch"]
    assert len(watch_recs) == 2 and watch_recs[0].resource == "pods"
    assert watch_recs[0].namespace == "ns" and watch_recs[0].status == 200


def test_watch_replays_history_and_times_out(server, api):
    rv = server.add(pod("a"))["metadata"]["resourceVersion"]
    server.add(pod("b"))
    server.delete("Pod", "ns", "a")
    w = WatchReader(api, "/api/v1/namespaces/ns/pods",
                    {"resourceVersion": rv, "timeoutSeconds": "1",
                     "allowWatchBookmarks": "true"})
    events = w.take(2)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "b"), ("DELETED", "a")]
    server.wait_for_watchers(1)
    assert server.bookmark() == 1
    bm = w.next()
    assert bm["type"] == "BOOKMARK" and bm["object"]["metadata"]["resourceVersion"]
    assert w.next(timeout=3) is None  # clean end after timeoutSeconds
    assert w.error is None


def test_expire_watches_sends_410(server, api):
    w = WatchReader(api, "/apis/kueue.x-k8s.io/v1beta2/namespaces/ns/workloads",
                    {"resourceVersion": server.resource_version})
    server.wait_for_watchers(1)
    assert server.expire_watches() == 1
    ev = w.next()
    assert ev["type"] == "ERROR"
    assert ev["object"]["code"] == 410 and ev["object"]["reason"] == "Expired"
    assert w.next() is None
    server.wait_for_no_watchers()   # the handler unregisters the watch after the stream ended
    assert server.watcher_count() == 0


def test_watch_too_old_resource_version(server, api):
    rv = server.add(pod("a"))["metadata"]["resourceVersion"]
    server.compact()
    w = WatchReader(api, "/api/v1/namespaces/ns/pods", {"resourceVersion": rv})
    ev = w.next()
    assert ev["type"] == "ERROR" and ev["object"]["code"] == 410
    assert ev["object"]["message"].startswith("too old resource version")
    assert w.next() is None
    # A fresh list gives a resourceVersion that can be watched again.
    fresh = get_json(api, "/api/v1/namespaces/ns/pods")["metadata"]["resourceVersion"]
    WatchReader(api, "/api/v1/namespaces/ns/pods", {"resourceVersion": fresh})
    server.wait_for_watchers(1)


def test_history_bound_expires_old_versions(tmp_path):
    with FakeApiServer(history_size=3) as srv:
        api = make_client(srv, tmp_path)
        rv = srv.add(pod("a"))["metadata"]["resourceVersion"]
        for i in range(5):
            srv.add(pod("x%d" % i))
        ev = WatchReader(api, "/api/v1/namespaces/ns/pods", {"resourceVersion": rv}).next()
        assert ev["type"] == "ERROR" and ev["object"]["code"] == 410


def test_drop_watches_breaks_stream(server, api):
    w = WatchReader(api, "/api/v1/namespaces/ns/pods", {"resourceVersion": "1"})
    server.wait_for_watchers(1)
    assert server.drop_watches() == 1
    end = w.next()
    assert isinstance(end, Exception) or end is None
    assert isinstance(w.error, urllib3.exceptions.ProtocolError)


def test_close_is_prompt_with_open_watch(tmp_path):
    srv = FakeApiServer()
    api = make_client(srv, tmp_path)
    w = WatchReader(api, "/api/v1/namespaces/ns/pods", {"resourceVersion": "0"}, timeout=10)
    srv.wait_for_watchers(1)
    t0 = time.monotonic()
    srv.close()
    assert time.monotonic() - t0 < 8.0   # the open watch would otherwise last its 10 s (load-proof bound)
    w.thread.join(10)
    assert not w.thread.is_alive()


# ----------------------------------------------------------------------------- faults
# The kubernetes client leaves Configuration.retries = None, so urllib3 uses Retry.DEFAULT =
# Retry(total=3): up to 3 silent retries of GETs after connection errors, dropped connections,
# read timeouts, and 413/429/503 answers that carry Retry-After (it sleeps Retry-After seconds).

def test_fault_503_with_retry_after(server, api, tmp_path):
    server.inject(path_regex=r"/pods$", status=503, retry_after=0, times=None)
    with pytest.raises(ApiException) as ei:
        raw(api, "/api/v1/namespaces/ns/pods")
    assert ei.value.status == 503
    assert ei.value.headers["Retry-After"] == "0"
    assert status_of(ei)["reason"] == "ServiceUnavailable"
    assert status_of(ei)["details"] == {"retryAfterSeconds": 0}
    # urllib3's default Retry(3) retried the Retry-After 503 three times.
    assert [r.status for r in server.requests] == [503] * 4

    server.clear_faults()
    server.clear_requests()
    server.inject(path_regex=r"/pods$", status=503, retry_after=0, times=1)
    no_retry = make_client(server, tmp_path, retries=False, name="noretry")
    with pytest.raises(ApiException) as ei:
        raw(no_retry, "/api/v1/namespaces/ns/pods")
    assert ei.value.status == 503 and len(server.requests) == 1


def test_fault_status_without_retry_after_is_not_retried(server, api):
    server.inject(path_regex=r"/pods$", status=500, times=1)
    with pytest.raises(ApiException) as ei:
        raw(api, "/api/v1/namespaces/ns/pods")
    assert ei.value.status == 500 and status_of(ei)["reason"] == "InternalError"
    assert raw(api, "/api/v1/namespaces/ns/pods").status == 200  # rule used up
    assert [r.status for r in server.requests] == [500, 200]


def test_fault_drop(server, api, tmp_path):
    server.inject(path_regex=r"/pods", mode="drop", times=1)
    assert raw(api, "/api/v1/namespaces/ns/pods").status == 200  # silently retried
    assert [r.status for r in server.requests] == [None, 200]

    server.clear_requests()
    server.inject(path_regex=r"/pods", mode="drop", times=None)
    with pytest.raises(urllib3.exceptions.MaxRetryError) as ei:
        raw(api, "/api/v1/namespaces/ns/pods")
    assert isinstance(ei.value.reason, urllib3.exceptions.ProtocolError)
    assert len(server.requests) == 4

    server.clear_faults()
    server.inject(path_regex=r"/pods", mode="drop", times=1)
    no_retry = make_client(server, tmp_path, retries=False, name="noretry")
    with pytest.raises(urllib3.exceptions.ProtocolError):
        raw(no_retry, "/api/v1/namespaces/ns/pods")


def test_fault_truncate(server, api):
    server.add(pod("p1"))
    server.inject(path_regex=r"/pods", mode="truncate", times=1)
    resp = raw(api, "/api/v1/namespaces/ns/pods")  # headers arrive fine
    assert resp.status == 200
    with pytest.raises(urllib3.exceptions.ProtocolError):
        resp.data  # noqa: B018 - the body read fails: IncompleteRead
    rec = server.requests[-1]
    assert rec.status == 200 and 0 < rec.bytes_sent < int(resp.headers["Content-Length"])
    assert names(get_json(api, "/api/v1/namespaces/ns/pods")) == ["p1"]


def test_fault_slow(server, api, tmp_path):
    no_retry = make_client(server, tmp_path, retries=False, name="noretry")
    server.inject(path_regex=r"/pods", mode="slow", delay=0.5, times=1)
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):   # gave up before the 0.5 s reply
        raw(no_retry, "/api/v1/namespaces/ns/pods", timeout=0.1)

    server.inject(path_regex=r"/pods", mode="slow", delay=0.5, times=None)
    with pytest.raises(urllib3.exceptions.MaxRetryError) as ei:
        raw(api, "/api/v1/namespaces/ns/pods", timeout=0.1)  # default: 4 attempts
    assert isinstance(ei.value.reason, urllib3.exceptions.ReadTimeoutError)
    server.clear_faults()

    server.inject(path_regex=r"/pods", mode="slow", delay=0.2, times=1)
    t0 = time.monotonic()
    assert raw(api, "/api/v1/namespaces/ns/pods", timeout=2).status == 200
    assert time.monotonic() - t0 >= 0.2


def test_latency(tmp_path):
    with FakeApiServer(latency=0.1) as srv:
        api = make_client(srv, tmp_path)
        t0 = time.monotonic()
        raw(api, "/api/v1/namespaces/ns/pods")
        assert time.monotonic() - t0 >= 0.1
        assert srv.requests[-1].duration >= 0.1


# ----------------------------------------------------------------------------- recording / writes

def test_writes_are_405_and_recorded(server, api):
    body = pod("p1")
    for method, path in (("POST", "/api/v1/namespaces/ns/pods"),
                         ("PUT", "/api/v1/namespaces/ns/pods/p1"),
                         ("PATCH", "/api/v1/namespaces/ns/pods/p1"),
                         ("DELETE", "/apis/kueue.x-k8s.io/v1beta2/namespaces/ns/workloads/w")):
        with pytest.raises(ApiException) as ei:
            raw(api, path, method=method, body=body)
        assert ei.value.status == 405
        assert status_of(ei)["reason"] == "MethodNotAllowed"
    recs = server.requests
    assert [(r.method, r.verb, r.status) for r in recs] == [
        ("POST", "create", 405), ("PUT", "update", 405), ("PATCH", "patch", 405),
        ("DELETE", "delete", 405)]
    assert (recs[3].group, recs[3].version, recs[3].resource, recs[3].namespace, recs[3].name) \
        == (KUEUE, "v1beta2", "workloads", "ns", "w")
    assert server.get("Pod", "ns", "p1") is None
    # The connection survived the request bodies (keep-alive) and still works.
    assert raw(api, "/api/v1/namespaces/ns/pods").status == 200


def test_request_records(server, api):
    server.add(pod("p1"))
    # Read each body: with _preload_content=False urllib3 only returns the connection to its
    # pool once the body has been read (or resp.release_conn() is called).
    get_json(api, "/api/v1/namespaces/ns/pods", {"labelSelector": "a=b", "limit": "10"})
    get_json(api, "/api/v1/namespaces/ns/pods/p1/status")
    get_json(api, "/apis/kueue.x-k8s.io/v1beta2/clusterqueues")
    lst, one, cqs = server.requests
    assert (lst.verb, lst.group, lst.version, lst.resource, lst.namespace, lst.name) == \
        ("list", "", "v1", "pods", "ns", None)
    assert lst.query == {"labelSelector": "a=b", "limit": "10"}
    assert (one.verb, one.resource, one.name) == ("get", "pods/status", "p1")
    assert (cqs.verb, cqs.group, cqs.resource, cqs.namespace) == \
        ("list", KUEUE, "clusterqueues", None)
    assert all(r.status == 200 and r.bytes_sent > 0 and r.duration >= 0 for r in (lst, one, cqs))
    assert server.bytes_sent == sum(r.bytes_sent for r in server.requests)
    assert lst.client_port == one.client_port == cqs.client_port  # keep-alive: one connection
    assert lst["path"] == "/api/v1/namespaces/ns/pods"
    server.clear_requests()
    assert server.requests == [] and server.bytes_sent == 0


def test_kubeconfig_extra_contexts_and_warm(server, tmp_path):
    with FakeApiServer(kueue_versions=()) as other:
        other.add(pod("elsewhere"))
        path = write_kubeconfig(tmp_path / "multi", server.url, namespace="ns",
                                extra_contexts=[{"name": "second", "server": other.url,
                                                 "namespace": "ns2"}])
        contexts, active = config.list_kube_config_contexts(path)
        assert active["name"] == "fake" and active["context"]["namespace"] == "ns"
        assert {c["name"] for c in contexts} == {"fake", "second"}
        api2 = config.new_client_from_config(config_file=path, context="second",
                                             persist_config=False)
        assert names(get_json(api2, "/api/v1/namespaces/ns/pods")) == ["elsewhere"]
        assert other.warm() == 1
        assert len(other.requests) == 1 and not server.requests
