"""YAML reading with libyaml when PyYAML was built with it (about 10x faster), else pure Python.

The release zipapp carries PyYAML without its compiled part, so both paths must behave alike:
both build the same plain types (SafeConstructor), and errors are the same exception classes."""
import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text):
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader


def safe_load_all(text):
    return yaml.load_all(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
