"""krew/kueue-argo.yaml passes every check of krew's manifest validator (facts §1.1)."""
import copy
import hashlib
import tarfile

import pytest
import yaml

from kubectl_kueue_argo import __version__
from tests.packaging.conftest import MANIFEST
from tests.packaging.krew_rules import (SUPPORTED, install_moves, installed_license, matched_pairs,
                                        validate_manifest)


@pytest.fixture(scope="module")
def manifest():
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_is_valid(manifest):
    assert validate_manifest(manifest, MANIFEST.name) == []


def test_name_is_the_file_name(manifest):
    assert manifest["metadata"]["name"] == "kueue-argo" == MANIFEST.stem


def test_version_is_the_package_version(manifest):
    assert manifest["spec"]["version"] == f"v{__version__}"


def test_short_description_fits_krew_search(manifest):
    assert len(manifest["spec"]["shortDescription"]) <= 50


def test_description_says_it_is_not_the_official_kueue_plugin(manifest):
    description = manifest["spec"]["description"].lower()
    assert "independent of the official `kueue` plugin" in " ".join(description.split())


def test_caveats_cover_python_and_completion(manifest):
    caveats = manifest["spec"]["caveats"]
    assert "python3 >= 3." in caveats
    assert "kubectl_complete-kueue_argo" in caveats


def test_platforms_are_linux_and_darwin_amd64_arm64_without_overlap(manifest):
    claimed = []
    for platform in manifest["spec"]["platforms"]:
        selector = platform["selector"]
        assert set(selector.get("matchLabels") or {}) | {e["key"] for e in selector.get("matchExpressions") or []} \
            <= {"os", "arch"}
        claimed += matched_pairs(selector)
    assert sorted(claimed) == sorted({("linux", "amd64"), ("linux", "arm64"), ("darwin", "amd64"), ("darwin", "arm64")})
    assert not any(os_name == "windows" for os_name, _ in claimed)


def test_every_platform_has_a_lowercase_sha256_and_the_same_archive(manifest):
    platforms = manifest["spec"]["platforms"]
    assert len({p["sha256"] for p in platforms}) == 1 and len({p["uri"] for p in platforms}) == 1
    for platform in platforms:
        assert platform["sha256"] == platform["sha256"].lower() and len(platform["sha256"]) == 64
        assert platform["uri"].endswith(f"/kubectl-kueue_argo-v{__version__}.tar.gz")
        assert platform["bin"] == "kubectl-kueue_argo"


def test_files_install_the_license_the_bin_and_the_completion_wrapper(manifest):
    names = ["kubectl-kueue_argo", "kubectl_complete-kueue_argo", "LICENSE", "README.md"]
    for platform in manifest["spec"]["platforms"]:
        moves = install_moves(platform["files"], names)
        assert installed_license(moves) == ["LICENSE"]
        assert platform["bin"] in moves and "kubectl_complete-kueue_argo" in moves


# -- the validator itself rejects what krew rejects ------------------------------------------------

@pytest.mark.parametrize("mutate, problem", [
    (lambda m: m["metadata"].update(name="kueue_argo2"), "must equal the file name"),
    (lambda m: m["spec"].update(version="0.1.0"), "semver with a leading v"),
    (lambda m: m["spec"].update(version="v0.1"), "semver with a leading v"),
    (lambda m: m["spec"]["platforms"][0].update(sha256="A" * 64), "lowercase hex"),
    (lambda m: m["spec"]["platforms"][0]["selector"]["matchLabels"].update(distro="debian"), "os and arch only"),
    (lambda m: m["spec"]["platforms"][1]["selector"].update(matchLabels={"os": "linux", "arch": "amd64"}), "overlaps"),
    (lambda m: m["spec"]["platforms"][0]["selector"].update(matchLabels={"os": "plan9", "arch": "amd64"}),
     "no supported os/arch"),
    (lambda m: m["spec"]["platforms"][0].update(selector={"matchLabels": {}}), "must not be empty"),
    (lambda m: m["spec"].update(shortDescription="x" * 51), "krew search"),
    (lambda m: m["spec"]["platforms"][0].update(files=[]), "files, when given"),
    (lambda m: m.update(apiVersion="krew.googlecontainertools.github.com/v1alpha1"), "apiVersion"),
])
def test_validator_rejects_bad_manifests(manifest, mutate, problem):
    bad = copy.deepcopy(manifest)
    mutate(bad)
    assert any(problem in line for line in validate_manifest(bad, MANIFEST.name))


def test_match_expressions_are_understood():
    selector = {"matchExpressions": [{"key": "os", "operator": "In", "values": ["linux", "darwin"]},
                                     {"key": "arch", "operator": "NotIn", "values": ["386", "arm", "ppc64le"]}]}
    assert sorted(matched_pairs(selector)) == [("darwin", "amd64"), ("darwin", "arm64"),
                                               ("linux", "amd64"), ("linux", "arm64")]
    assert len(SUPPORTED) == 11


def test_a_files_list_without_license_is_caught():
    moves = install_moves([{"from": "kubectl-kueue_argo", "to": "."}], ["kubectl-kueue_argo", "LICENSE"])
    assert installed_license(moves) == []


# -- against the archive the build script makes ----------------------------------------------------

@pytest.mark.slow
def test_built_manifest_carries_the_archive_sha256(built_dist):
    archive = built_dist["archive"]
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    manifest = built_dist["manifest"]
    assert validate_manifest(manifest, "kueue-argo.yaml") == []
    assert {p["sha256"] for p in manifest["spec"]["platforms"]} == {digest}
    assert {p["uri"].rsplit("/", 1)[-1] for p in manifest["spec"]["platforms"]} == {archive.name}


@pytest.mark.slow
def test_bin_and_license_are_in_the_archive(built_dist, manifest):
    with tarfile.open(built_dist["archive"]) as tar:
        members = {member.name: member for member in tar.getmembers()}
    assert set(members) == {"kubectl-kueue_argo", "kubectl_complete-kueue_argo", "LICENSE", "README.md"}
    for platform in manifest["spec"]["platforms"]:
        assert platform["bin"] in members
        assert members[platform["bin"]].mode & 0o111
        assert installed_license(install_moves(platform["files"], list(members))) == ["LICENSE"]


@pytest.mark.slow
def test_manifest_update_keeps_the_rest_of_the_file(built_dist):
    original = MANIFEST.read_text(encoding="utf-8").splitlines()
    updated = built_dist["manifest_path"].read_text(encoding="utf-8").splitlines()
    assert len(original) == len(updated)
    changed = [new for old, new in zip(original, updated) if old != new]
    assert all(line.strip().split(":", 1)[0] in ("version", "uri", "sha256") for line in changed)
