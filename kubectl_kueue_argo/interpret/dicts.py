"""Small helpers for plain-dict Kubernetes objects (pure)."""
import copy


def deep_merge(base, override):
    """A copy of `base` with `override` merged in, maps merged key by key (override wins)."""
    result = copy.deepcopy(base) if isinstance(base, dict) else {}
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def mapping(value):
    """`value` if it is a dict, else an empty one: objects may be damaged or hand-made."""
    return value if isinstance(value, dict) else {}


def sequence(value):
    return value if isinstance(value, list) else []


def text(value):
    return value if isinstance(value, str) else None
