"""`explain -f --offline -o json` through the real CLI on every upstream example manifest."""
import json

import pytest

from tests.support.cli import run_cli
from tests.support.paths import ARGO_EXAMPLES, KUEUE_SITE_EXAMPLES

MANIFESTS = sorted(ARGO_EXAMPLES.glob("*.yaml")) + sorted(KUEUE_SITE_EXAMPLES.glob("*.yaml"))


@pytest.mark.skipif(not MANIFESTS, reason="the shared reference corpus is not beside the repository")
@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda path: path.name)
def test_every_example_gives_valid_json_and_a_meaningful_exit_code(manifest):
    result = run_cli("explain", "-f", manifest, "--offline", "-o", "json")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if result.exit_code == 2:  # a file with no Argo document in it
        assert result.stderr.startswith("error: no Workflow")
        return
    document = json.loads(result.stdout)
    assert result.exit_code == (3 if any(f["severity"] == "error" for f in document["findings"]) else 0)
    codes = {finding["code"] for finding in document["findings"]}
    assert document["templates"] or "UnresolvedTemplateRef" in codes, manifest  # workflowTemplateRef only
    for row in document["templates"]:
        assert {"workflow", "name", "type", "pod", "queueName", "managed", "requests"} <= set(row)
        assert row["pod"] in ("own", "agent", "none")
    for finding in document["findings"]:
        assert {"code", "severity", "template", "message"} <= set(finding)


def test_the_whole_corpus_at_once_from_a_directory():
    if not MANIFESTS:
        pytest.skip("the shared reference corpus is not beside the repository")
    result = run_cli("explain", "-f", ARGO_EXAMPLES, "--offline")
    assert result.exit_code in (0, 3) and "WORKFLOW" in result.stdout.splitlines()[0]
