"""Where the tests find the repository, its examples and the shared reference material."""
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
FIXTURES = REPO / "tests" / "fixtures"
REFERENCE = Path(os.environ.get("KUEUE_ARGO_REFERENCE", REPO.parent / "shared" / "reference")).resolve()
CRDS = REFERENCE / "crds"
ARGO_EXAMPLES = REFERENCE / "argo-examples"
KUEUE_SITE_EXAMPLES = REFERENCE / "kueue-site-examples"
KUEUE_OBJECTS = REFERENCE / "kueue-objects"
