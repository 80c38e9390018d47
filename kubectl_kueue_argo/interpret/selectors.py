"""kubectl label selector strings (`-l`), parsed and matched offline (pure)."""
import re

from kubectl_kueue_argo.errors import UsageError

_SET = re.compile(r"^\s*(!?)\s*([A-Za-z0-9./_-]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")
_EQUALITY = re.compile(r"^\s*([A-Za-z0-9./_-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)\s*$")
_EXISTS = re.compile(r"^\s*(!?)\s*([A-Za-z0-9./_-]+)\s*$")


def parse_selector(text):
    """A list of (key, operator, values) requirements; an empty selector matches everything."""
    requirements = []
    for part in _split(text or ""):
        match = _SET.match(part)
        if match and not match.group(1):
            values = [value.strip() for value in match.group(4).split(",") if value.strip()]
            requirements.append((match.group(2), match.group(3), values))
            continue
        match = _EQUALITY.match(part)
        if match:
            operator = "!=" if match.group(2) == "!=" else "="
            requirements.append((match.group(1), operator, [match.group(3)]))
            continue
        match = _EXISTS.match(part)
        if match:
            requirements.append((match.group(2), "!" if match.group(1) else "exists", []))
            continue
        raise UsageError(f'invalid label selector "{text}": cannot parse "{part.strip()}"')
    return requirements


def _split(text):
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current)
    return [part for part in parts if part.strip()]


def selector_matcher(text):
    requirements = parse_selector(text)

    def matches(labels):
        labels = labels or {}
        for key, operator, values in requirements:
            present = key in labels
            if operator == "=" and labels.get(key) != values[0]:
                return False
            if operator == "!=" and present and labels[key] == values[0]:
                return False
            if operator == "in" and labels.get(key) not in values:
                return False
            if operator == "notin" and present and labels[key] in values:
                return False
            if operator == "exists" and not present:
                return False
            if operator == "!" and present:
                return False
        return True

    return matches
