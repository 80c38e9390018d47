"""`explain limitations` content and rendering (render/limitations.py)."""
import json
import re

from kubectl_kueue_argo.render.limitations import LIMITATIONS, WIDTH, limitations_document, render_limitations_text
from kubectl_kueue_argo.render.structured import dump

EXPECTED_IDS = {
    "one-workload-per-pod", "suspend-not-understood", "resource-and-agent-pods-queued", "preemption-deletes-pods",
    "executor-containers-count", "finalizer-blocks-deletion", "gated-pods-hold-argo-slots", "pod-groups-sequential",
    "queue-label-while-gated",
}
ANSI = re.compile(r"\x1b\[")


def by_id(limitation_id):
    return next(limitation for limitation in LIMITATIONS if limitation.id == limitation_id)


def test_every_brief_point_is_covered_once():
    ids = [limitation.id for limitation in LIMITATIONS]
    assert len(ids) == len(set(ids))
    assert set(ids) == EXPECTED_IDS


def test_every_limitation_has_title_summary_evidence_and_remedy():
    for limitation in LIMITATIONS:
        assert limitation.title and limitation.summary and limitation.remedy, limitation.id
        assert limitation.evidence, limitation.id
        # evidence names a source file or an issue/PR of one of the two projects
        for item in limitation.evidence:
            assert re.search(r"(kueue|argo)(#\d+| \S+\.(go|md))|inference", item), item


def test_resource_steps_and_agent_pod_correct_the_kueue_docs():
    limitation = by_id("resource-and-agent-pods-queued")
    assert "Resource templates do" in limitation.summary
    assert "agent pod" in limitation.summary
    assert any("executeResource" in item for item in limitation.evidence)


def test_preemption_remedy_names_a_retry_policy_that_retries_deleted_pods():
    remedy = by_id("preemption-deletes-pods").remedy
    assert "retryStrategy" in remedy and "OnError" in remedy


def test_gated_pods_mention_every_argo_timeout():
    summary = by_id("gated-pods-hold-argo-slots").summary
    for field in ("parallelism", "pendingTimeout", "timeout", "activeDeadlineSeconds"):
        assert field in summary


def test_document_shape():
    document = limitations_document()
    assert set(document) == {"limitations"}
    for entry in document["limitations"]:
        assert set(entry) == {"id", "title", "summary", "evidence", "remedy"}
        assert isinstance(entry["evidence"], list)
    assert json.loads(dump(document, "json")) == document


def test_text_lists_every_limitation_within_the_width_and_without_colour():
    text = render_limitations_text(color=False)
    assert not ANSI.search(text)
    for number, limitation in enumerate(LIMITATIONS, 1):
        assert f"{number}. {limitation.title}" in text
    assert text.count("What to do: ") == len(LIMITATIONS)
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    assert text.endswith("\n")


def test_text_colour_only_when_asked():
    coloured = render_limitations_text(color=True)
    assert ANSI.search(coloured)
    assert ANSI.sub("", re.sub(r"\x1b\[[0-9;]*m", "", coloured)) == render_limitations_text(color=False)
