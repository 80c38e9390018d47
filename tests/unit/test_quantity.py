from fractions import Fraction

import pytest

from kubectl_kueue_argo.quantity import QuantityError, format_quantity, parse_quantity


@pytest.mark.parametrize("text, value", [("500m", Fraction(1, 2)), ("2", 2), ("1Gi", 2**30), ("64M", 64 * 10**6),
                                         ("1e3", 1000), ("0.5", Fraction(1, 2)), ("100Ki", 102400), (3, 3)])
def test_parse(text, value):
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "5 Gi", True, "1Xi"])
def test_parse_rejects(text):
    with pytest.raises(QuantityError):
        parse_quantity(text)


@pytest.mark.parametrize("text, resource, shown", [("64M", "memory", "64M"), ("1536Mi", "memory", "1536Mi"),
                                                    ("2000M", "memory", "2G"), ("123456", "memory", "120.6Ki"),
                                                    ("100m", "cpu", "100m"), ("2", "cpu", "2"),
                                                    ("0.25", "cpu", "250m"), ("4", "nvidia.com/gpu", "4")])
def test_format(text, resource, shown):
    assert format_quantity(parse_quantity(text), resource) == shown
