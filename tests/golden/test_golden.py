"""Exact output of every text renderer, compared with tests/golden/expected/*.txt.

When a change of output is intended, regenerate and review the diff:

    .venv/bin/python -m pytest tests/golden --update-goldens && git diff tests/golden/expected
"""
import difflib

import pytest

from tests.golden.cases import all_cases
from tests.support.cli import run_cli
from tests.support.paths import REPO

EXPECTED = REPO / "tests" / "golden" / "expected"
CASES = all_cases()


def rendered(case):
    """stdout exactly, then stderr and the exit code when there is anything to say."""
    result = run_cli(*case.args, env={"KUEUE_ARGO_NOW": case.now, "COLUMNS": str(case.columns), "NO_COLOR": "1"})
    text = result.stdout
    if result.stderr or result.exit_code:
        text += f"--- exit code {result.exit_code}, stderr:\n{result.stderr}"
    # Paths differ between checkouts; the golden files hold them relative to the repository.
    return text.replace(str(REPO) + "/", "")


def _visible(line):
    return line.replace("\t", "→").rstrip("\n") + ("·" if line.rstrip("\n").endswith(" ") else "")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_output_matches_the_golden_file(case, update_goldens):
    path = EXPECTED / f"{case.name}.txt"
    actual = rendered(case)
    if update_goldens:
        if not path.exists() or path.read_text() != actual:
            path.write_text(actual)
        return
    assert path.exists(), f"no golden file {path.name}: run `python -m pytest tests/golden --update-goldens`"
    expected = path.read_text()
    if actual != expected:
        diff = difflib.unified_diff([_visible(line) for line in expected.splitlines(True)],
                                    [_visible(line) for line in actual.splitlines(True)],
                                    f"expected/{path.name}", "actual", lineterm="")
        pytest.fail(f"kubectl-kueue_argo {' '.join(case.args)} (COLUMNS={case.columns}) differs from its golden "
                    f"file (· marks a trailing space). If the change is intended: "
                    f"python -m pytest tests/golden --update-goldens\n" + "\n".join(diff), pytrace=False)


def test_every_golden_file_has_a_case(update_goldens):
    stray = sorted({path.stem for path in EXPECTED.glob("*.txt")} - {case.name for case in CASES})
    if update_goldens:
        for name in stray:
            (EXPECTED / f"{name}.txt").unlink()
        return
    assert stray == [], "golden files without a case: run `python -m pytest tests/golden --update-goldens`"
