"""Small pure helpers of the CLI and sources: kubeconfig merging, timeouts, selectors, text."""
import pytest
import yaml

from kubectl_kueue_argo.commands.options import parse_request_timeout
from kubectl_kueue_argo.errors import ConfigError, UsageError
from kubectl_kueue_argo.interpret.selectors import selector_matcher
from kubectl_kueue_argo.render.text import color_allowed, escape_terminal, human_duration
from kubectl_kueue_argo.sources.kubeconfig import ConnectionOptions, merge_kubeconfigs, resolve


def kubeconfig(path, name, server, namespace=None, current=True):
    context = {"cluster": name, "user": name, **({"namespace": namespace} if namespace else {})}
    document = {"apiVersion": "v1", "kind": "Config",
                "clusters": [{"name": name, "cluster": {"server": server, "certificate-authority": "ca.crt"}}],
                "users": [{"name": name, "user": {"token": f"token-{name}"}}],
                "contexts": [{"name": name, "context": context}]}
    if current:
        document["current-context"] = name
    path.write_text(yaml.safe_dump(document))
    return str(path)


def test_kubeconfig_list_first_current_context_wins_as_in_kubectl(tmp_path):
    first = kubeconfig(tmp_path / "a.yaml", "ctx-a", "https://a.example", namespace="team-a")
    second = kubeconfig(tmp_path / "b.yaml", "ctx-b", "https://b.example")
    resolved = resolve(ConnectionOptions(), environ={"KUBECONFIG": f"{first}:{second}"})
    assert resolved.context == "ctx-a" and resolved.namespace == "team-a"
    assert {c["name"] for c in resolved.config["contexts"]} == {"ctx-a", "ctx-b"}


def test_kubeconfig_relative_paths_are_relative_to_their_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = kubeconfig(tmp_path / "sub" / "config", "c", "https://c.example")
    merged = merge_kubeconfigs([path])
    assert merged["clusters"][0]["cluster"]["certificate-authority"] == str(tmp_path / "sub" / "ca.crt")


def test_namespace_flag_and_context_override(tmp_path):
    first = kubeconfig(tmp_path / "a.yaml", "ctx-a", "https://a.example", namespace="team-a")
    second = kubeconfig(tmp_path / "b.yaml", "ctx-b", "https://b.example", current=False)
    environ = {"KUBECONFIG": f"{first}:{second}"}
    assert resolve(ConnectionOptions(context="ctx-b"), environ=environ).namespace == "default"
    assert resolve(ConnectionOptions(namespace="x"), environ=environ).namespace == "x"
    with pytest.raises(ConfigError, match="context was not found for specified context: nope"):
        resolve(ConnectionOptions(context="nope"), environ=environ)


def test_explicit_kubeconfig_must_exist_and_be_yaml(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        resolve(ConnectionOptions(kubeconfig=str(tmp_path / "missing")), environ={})
    bad = tmp_path / "bad"
    bad.write_text("clusters: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        resolve(ConnectionOptions(kubeconfig=str(bad)), environ={})


def test_server_and_token_flags_make_a_synthetic_context(tmp_path):
    path = kubeconfig(tmp_path / "a.yaml", "ctx-a", "https://a.example")
    resolved = resolve(ConnectionOptions(kubeconfig=path, server="https://other:6443", token="t0k"), environ={})
    cluster = resolved.config["clusters"][0]["cluster"]
    user = resolved.config["users"][0]["user"]
    assert resolved.context == "kueue-argo-override"
    assert cluster["server"] == "https://other:6443" and user == {"token": "t0k"}


@pytest.mark.parametrize("text, seconds", [("0", None), ("", None), ("5", 5.0), ("500ms", 0.5), ("1m30s", 90.0),
                                           ("2h", 7200.0)])
def test_request_timeout_parses_like_kubectl(text, seconds):
    assert parse_request_timeout(text) == seconds


@pytest.mark.parametrize("text", ["ten", "5 s", "1x", "-3"])
def test_request_timeout_rejects_nonsense(text):
    with pytest.raises(UsageError):
        parse_request_timeout(text)


@pytest.mark.parametrize("selector, labels, expected", [
    ("", {}, True),
    ("team=ml", {"team": "ml"}, True),
    ("team=ml", {"team": "cv"}, False),
    ("team!=ml", {}, True),
    ("team in (ml, cv),tier", {"team": "cv", "tier": "1"}, True),
    ("team notin (ml)", {"team": "ml"}, False),
    ("!archived", {"archived": "yes"}, False),
])
def test_label_selectors(selector, labels, expected):
    assert selector_matcher(selector)(labels) is expected


def test_label_selector_errors_are_usage_errors():
    with pytest.raises(UsageError):
        selector_matcher("a=b=c")


@pytest.mark.parametrize("seconds, text", [(0, "0s"), (45, "45s"), (119, "119s"), (310, "5m10s"), (720, "12m"),
                                           (3 * 3600 + 20 * 60, "3h20m"), (20 * 3600, "20h"),
                                           (2 * 86400 + 4 * 3600, "2d4h"), (15 * 86400, "15d"),
                                           (760 * 86400, "2y30d")])
def test_human_duration_matches_kubectl(seconds, text):
    assert human_duration(seconds) == text


@pytest.mark.parametrize("raw, safe", [("\x1b[2Jx", "^[[2Jx"), ("a\rb", "a\\rb"), ("bell\x07", "bell\\x07"),
                                       ("\u202eevil", "\\u202eevil"), ("csi\x9b", "csi\\x9b"), ("ok ✔", "ok ✔")])
def test_escape_terminal(raw, safe):
    assert escape_terminal(raw) == safe


class _Tty:
    def isatty(self):
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color():
    assert color_allowed(_Tty(), environ={"TERM": "xterm"})
    assert not color_allowed(_Tty(), environ={"TERM": "xterm", "NO_COLOR": ""})
    assert not color_allowed(_Tty(), environ={"TERM": "dumb"})
    assert not color_allowed(object(), environ={})
