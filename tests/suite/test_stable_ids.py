"""Test IDs are the same on every collection: a parametrize ID built from a timestamp, a random value
or set order changes every run and breaks `pytest <id>`, -k selections and comparisons of runs."""
import os
import subprocess
import sys

from tests.support.paths import REPO


def test_a_second_collection_gives_the_same_ids(request):
    """Every test of this session is collected again by another interpreter (later, another hash seed)."""
    environment = dict(os.environ, PYTHONHASHSEED=str(int(os.environ.get("PYTHONHASHSEED", "0") or 0) + 1))
    completed = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                                "tests"], cwd=REPO, env=environment, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    again = {line for line in completed.stdout.splitlines() if "::" in line}
    assert len(again) > 1000
    assert [item.nodeid for item in request.session.items if item.nodeid not in again] == []
