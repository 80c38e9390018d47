"""Fail loudly when the shared reference data the tests rely on is missing.

Without it, pytest skips or does not collect hundreds of tests and still passes; .ci/run calls
`python3 -m tests.support.check_reference` before the test command so CI fails instead.
"""
import sys

from tests.support.paths import ARGO_EXAMPLES, CRDS, KUEUE_OBJECTS, KUEUE_SITE_EXAMPLES, REFERENCE

# folder -> the files it must hold (a glob pattern)
REQUIRED = {CRDS: "**/*.yaml", ARGO_EXAMPLES: "*.yaml", KUEUE_SITE_EXAMPLES: "*.yaml", KUEUE_OBJECTS: "**/*"}


def missing_reference():
    return [f"{folder} (no {pattern})" for folder, pattern in REQUIRED.items()
            if not folder.is_dir() or not any(folder.glob(pattern))]


def main():
    missing = missing_reference()
    if missing:
        print(f"error: the shared reference data is missing, so the tests that use it would be skipped: "
              f"{'; '.join(missing)}. Put it at {REFERENCE} or point KUEUE_ARGO_REFERENCE at it.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
