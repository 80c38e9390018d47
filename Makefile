# Release build: make dist -> dist/kubectl-kueue_argo-v<version>.tar.gz, and krew/kueue-argo.yaml
# updated with its uri and sha256. Needs python3 with pip >= 22.2 and access to PyPI.
PYTHON ?= python3

.PHONY: dist clean-dist

dist:
	$(PYTHON) scripts/build_dist.py --out dist

clean-dist:
	rm -rf dist
