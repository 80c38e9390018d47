"""The checks krew's `validate-krew-manifest` applies (facts: kubectl-plugin-ecosystem.md §1.1).

Pure functions on the parsed manifest, so tests can also prove each rule rejects a bad manifest.
"""
import fnmatch
import posixpath
import re

API_VERSION = "krew.googlecontainertools.github.com/v1alpha2"
NAME = re.compile(r"^[\w-]+$")
WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}
SEMVER_V = re.compile(r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                      r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")
SHA256 = re.compile(r"^[a-f0-9]{64}$")
SUPPORTED = [("windows", "386"), ("windows", "amd64"), ("windows", "arm64"),
             ("linux", "386"), ("linux", "amd64"), ("linux", "arm"), ("linux", "arm64"), ("linux", "ppc64le"),
             ("darwin", "386"), ("darwin", "amd64"), ("darwin", "arm64")]
LICENSE_FILE = re.compile(r"^(license|license\.txt|license\.md|licenses.*|copying|copying\.txt)$", re.I)
SEARCH_WIDTH = 50  # `krew search` cuts shortDescription here


def selector_matches(selector, labels):
    """metav1.LabelSelector semantics for matchLabels and matchExpressions."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def matched_pairs(selector):
    return [pair for pair in SUPPORTED if selector_matches(selector, {"os": pair[0], "arch": pair[1]})]


def validate_manifest(manifest, file_name):
    """A list of problems; empty when krew's validator would accept the manifest."""
    problems = []
    if manifest.get("apiVersion") != API_VERSION:
        problems.append(f"apiVersion must be {API_VERSION}")
    if manifest.get("kind") != "Plugin":
        problems.append("kind must be Plugin")
    name = (manifest.get("metadata") or {}).get("name") or ""
    if name != posixpath.splitext(posixpath.basename(file_name))[0]:
        problems.append(f"metadata.name {name!r} must equal the file name without .yaml ({file_name})")
    if not NAME.match(name) or name.lower() in WINDOWS_RESERVED:
        problems.append(f"metadata.name {name!r} is not a valid plugin name")
    spec = manifest.get("spec") or {}
    if not SEMVER_V.match(str(spec.get("version") or "")):
        problems.append(f"spec.version {spec.get('version')!r} is not a semver with a leading v")
    short = spec.get("shortDescription")
    if not isinstance(short, str) or not short.strip() or "\n" in short or "\r" in short:
        problems.append("spec.shortDescription must be one non-empty line")
    elif len(short) > SEARCH_WIDTH:
        problems.append(f"spec.shortDescription is {len(short)} characters; `krew search` cuts at {SEARCH_WIDTH}")
    platforms = spec.get("platforms") or []
    if not platforms:
        problems.append("spec.platforms must not be empty")
    claimed = {}
    for index, platform in enumerate(platforms):
        where = f"platforms[{index}]"
        selector = platform.get("selector") or {}
        keys = set(selector.get("matchLabels") or {}) | {e.get("key") for e in selector.get("matchExpressions") or []}
        if not keys:
            problems.append(f"{where}: the selector must not be empty")
        if keys - {"os", "arch"}:
            problems.append(f"{where}: selector keys must be os and arch only, not {sorted(keys - {'os', 'arch'})}")
        pairs = matched_pairs(selector)
        if not pairs:
            problems.append(f"{where}: the selector matches no supported os/arch pair")
        for pair in pairs:
            if pair in claimed:
                problems.append(f"{where}: overlaps platforms[{claimed[pair]}] on {pair[0]}/{pair[1]}")
            claimed.setdefault(pair, index)
        uri = str(platform.get("uri") or "")
        if not uri.endswith((".tar.gz", ".zip")):
            problems.append(f"{where}: uri must point at a .tar.gz or .zip")
        if not SHA256.match(str(platform.get("sha256") or "")):
            problems.append(f"{where}: sha256 must be 64 lowercase hex digits")
        if not platform.get("bin"):
            problems.append(f"{where}: bin is required")
        files = platform.get("files")
        if files is not None and not files:
            problems.append(f"{where}: files, when given, must not be empty")
    return problems


def install_moves(files, archive_names):
    """krew's `files` semantics: each `from` glob (relative to the archive root) lands in
    `to/<basename>`; no `files` means everything. Returns {installed path: archive path}."""
    if files is None:
        files = [{"from": "*", "to": "."}]
    moves = {}
    for operation in files:
        pattern = operation["from"]
        for name in archive_names:
            if fnmatch.fnmatchcase(name, pattern) and "/" not in name[len(posixpath.dirname(pattern)):].lstrip("/"):
                target = posixpath.normpath(posixpath.join(operation.get("to") or ".", posixpath.basename(name)))
                if target.startswith(".."):
                    raise ValueError(f"file operation {operation} escapes the install directory")
                moves[target] = name
    return moves


def installed_license(moves):
    return [path for path in moves if LICENSE_FILE.match(posixpath.basename(path))]
