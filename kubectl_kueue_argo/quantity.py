"""Kubernetes resource quantities as exact Fractions (pure)."""
import re
from fractions import Fraction

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000), "": 1,
            "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$")


class QuantityError(ValueError):
    pass


def parse_quantity(value):
    """Parse a Kubernetes quantity ("500m", "1Gi", 2, "1e3") into a Fraction."""
    if isinstance(value, bool):
        raise QuantityError(f"invalid quantity {value!r}")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(str(value))
    text = str(value).strip()
    match = _QUANTITY.match(text)
    if not match:
        raise QuantityError(f"invalid quantity {value!r}")
    number, exponent, suffix = match.groups()
    result = Fraction(number)
    if exponent:
        result *= Fraction(10) ** int(exponent)
    if suffix in _BINARY:
        result *= _BINARY[suffix]
    else:
        result *= _DECIMAL[suffix or ""]
    return result


def try_parse_quantity(value):
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


def format_quantity(amount, resource=""):
    """Short human form: cpu in cores or millicores, memory-like in binary units."""
    amount = Fraction(amount)
    if resource in ("memory", "ephemeral-storage", "storage") or resource.startswith("hugepages-"):
        return _format_bytes(amount)
    if amount.denominator != 1:
        milli = amount * 1000
        if milli.denominator == 1:
            return f"{milli.numerator}m"
        return f"{float(amount):g}"
    return _plain(amount)


_DECIMAL_BYTES = (("E", 10**18), ("P", 10**15), ("T", 10**12), ("G", 10**9), ("M", 10**6), ("k", 10**3))


def _format_bytes(amount):
    """The exact form with the smallest number (1Gi, 64M as Argo writes it), else about Xi."""
    exact = [(amount // unit, suffix) for suffix, unit in list(_BINARY.items()) + list(_DECIMAL_BYTES)
             if amount >= unit and amount % unit == 0]
    if exact:
        number, suffix = min(exact, key=lambda pair: (pair[0], not pair[1].endswith("i")))
        return f"{number}{suffix}"
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = _BINARY[suffix]
        if amount >= unit:
            return f"{float(amount / unit):.1f}{suffix}"
    return _plain(amount)


def _plain(amount):
    if amount.denominator == 1:
        return str(amount.numerator)
    return f"{float(amount):g}"


_CACHE = {}


def quantity_or_none(value):
    """try_parse_quantity with each distinct string parsed once: a cluster uses few ("2", "4Gi")
    many thousand times, and Fractions are immutable, so sharing them is safe. None stays None."""
    if value is None:
        return None
    if type(value) is not str:
        return try_parse_quantity(value)
    try:
        return _CACHE[value]
    except KeyError:
        if len(_CACHE) >= 4096:
            _CACHE.clear()
        amount = _CACHE[value] = try_parse_quantity(value)
        return amount
