"""Kubernetes quantities (quantity.py): exact parsing, and the short forms the tables print."""
from fractions import Fraction

import pytest

from kubectl_kueue_argo import quantity
from kubectl_kueue_argo.quantity import (QuantityError, format_quantity, parse_quantity, quantity_or_none,
                                         try_parse_quantity)

GI = 2**30


@pytest.mark.parametrize("text, value", [
    ("500m", Fraction(1, 2)), ("2", 2), ("1Gi", GI), ("64M", 64 * 10**6), ("1e3", 1000), ("0.5", Fraction(1, 2)),
    ("100Ki", 102400), (3, 3), ("1Mi", 2**20), ("1Ti", 2**40), ("1Pi", 2**50), ("1Ei", 2**60),
    ("1n", Fraction(1, 10**9)), ("1u", Fraction(1, 10**6)), ("1k", 1000), ("1G", 10**9), ("1T", 10**12),
    ("1P", 10**15), ("1E", 10**18), ("-1", -1), ("+2", 2), (".5", Fraction(1, 2)), ("1.", 1),
    ("1e-3", Fraction(1, 1000)), ("1E3", 1000), ("2.5e2m", Fraction(1, 4)), (" 2 ", 2),
    (0.1, Fraction(1, 10)), (Fraction(1, 3), Fraction(1, 3)), (0, 0),
])
def test_parse(text, value):
    assert parse_quantity(text) == value
    assert type(parse_quantity(text)) is Fraction


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "5 Gi", True, False, "1Xi", "Gi", "1e", "--1", None, [1]],
                         ids=["empty", "word", "two-dots", "space-before-suffix", "true", "false", "unknown-suffix",
                              "suffix-only", "bare-exponent", "double-sign", "none", "list"])
def test_parse_rejects(text):
    with pytest.raises(QuantityError):
        parse_quantity(text)
    assert try_parse_quantity(text) is None


@pytest.mark.parametrize("amount, resource, shown", [
    # memory-like resources: the exact form with the smallest number, else about so many Xi
    (64 * 10**6, "memory", "64M"), (1536 * 2**20, "memory", "1536Mi"), (2 * 10**9, "memory", "2G"),
    (123456, "memory", "120.6Ki"), (GI, "memory", "1Gi"), (2**20, "memory", "1Mi"), (1024, "memory", "1Ki"),
    (1000, "memory", "1k"), (10**9, "memory", "1G"), (1024000, "memory", "1000Ki"), (2**60, "memory", "1Ei"),
    (5 * 10**18, "memory", "5E"), (5 * 10**15, "memory", "5P"), (3 * 10**12, "memory", "3T"),
    (7 * 10**6, "memory", "7M"), (GI + 1, "memory", "1.0Gi"), (3 * GI // 2 + 1, "memory", "1.5Gi"),
    (1023, "memory", "1023"), (0, "memory", "0"), (Fraction(1, 2), "memory", "0.5"),
    (2 * 2**40, "ephemeral-storage", "2Ti"), (10**12, "storage", "1T"), (2**21, "hugepages-2Mi", "2Mi"),
    # other resources: cores or millicores, or the plain number
    (Fraction(1, 10), "cpu", "100m"), (2, "cpu", "2"), (Fraction(1, 4), "cpu", "250m"), (4, "nvidia.com/gpu", "4"),
    (Fraction(1, 3), "cpu", "0.333333"), (Fraction(1, 2000), "cpu", "0.0005"), (GI, "cpu", str(GI)),
    (Fraction(3, 2), "", "1500m"), (0, "cpu", "0"),
])
def test_format(amount, resource, shown):
    assert format_quantity(amount, resource) == shown


def test_format_takes_the_unparsed_text_through_parse():
    assert [format_quantity(parse_quantity(text), "memory") for text in ("1Gi", "1024Mi", "1073741824")] == ["1Gi"] * 3


def test_quantity_or_none_parses_each_string_once_and_stays_bounded():
    quantity._CACHE.clear()
    first = quantity_or_none("3Gi")
    assert first == 3 * GI and quantity_or_none("3Gi") is first
    assert quantity_or_none(None) is None and quantity_or_none("bogus") is None and quantity_or_none(5) == 5
    assert quantity_or_none(True) is None
    quantity._CACHE.clear()
    for number in range(5000):
        assert quantity_or_none(f"{number}m") == Fraction(number, 1000)
    assert len(quantity._CACHE) == 5000 - 4096   # cleared when full, at the 4097th string
