#!/usr/bin/env python3
"""Rerun the README's example commands and write their real output back (or check it).

An example is a fenced block whose first line is `$ kubectl kueue-argo ARGS` (optionally after
`NAME=value` environment assignments); the lines after it are the command's output. Only commands
that read the repository's own files (`--from-file`/`-f` with a path inside the repository) are
run: they need no cluster and give the same output everywhere. Offline, the clock is the latest
timestamp in the files unless the block pins it with `KUEUE_ARGO_NOW=...`; a KUEUE_ARGO_NOW in
your environment is ignored.

    python scripts/update_readme_examples.py           # rewrite README.md
    python scripts/update_readme_examples.py --check   # exit 1 and show the differences
"""
import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PROMPT = "$ "
PROGRAM = ("kubectl", "kueue-argo")
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")
_FILE_FLAGS = ("--from-file", "-f", "--filename")


@dataclass
class Example:
    start: int             # offsets of the block's body in the README text
    end: int
    command_line: str      # the `$ ...` line, as written
    output: str            # what the README shows after it
    env: dict
    args: list             # the plugin's arguments

    @property
    def runnable(self):
        """Every file it reads is inside the repository, so it runs the same anywhere."""
        paths = [self.args[index + 1] for index, arg in enumerate(self.args[:-1]) if arg in _FILE_FLAGS]
        paths += [arg.split("=", 1)[1] for arg in self.args if arg.startswith(tuple(f + "=" for f in _FILE_FLAGS))]
        return bool(paths) and all(_inside_repository(path) for path in paths)


def _inside_repository(path):
    if path == "-":
        return False
    resolved = (ROOT / path).resolve()
    return resolved.exists() and (resolved == ROOT or ROOT in resolved.parents)


def examples(text):
    """Every `$ kubectl kueue-argo ...` block of a Markdown text, in order."""
    found = []
    for match in _FENCE.finditer(text):
        body = match.group(1)
        first, _, rest = body.partition("\n")
        if not first.startswith(PROMPT):
            continue
        words = shlex.split(first[len(PROMPT):])
        env = {}
        while words and _ASSIGNMENT.match(words[0]):
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        if tuple(words[:2]) != PROGRAM:
            continue
        found.append(Example(match.start(1), match.end(1), first, rest, env, words[2:]))
    return found


def run(example):
    """The command's stdout as a terminal-less user gets it: no colour, no width limit."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("KUEUE_ARGO_NOW", "COLUMNS", "NO_COLOR", "KUBECONFIG")}
    environment.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "KUBECONFIG": os.devnull}, **example.env)
    completed = subprocess.run([sys.executable, "-m", "kubectl_kueue_argo", *example.args], cwd=ROOT,
                               capture_output=True, text=True, env=environment, timeout=120)
    if completed.returncode not in (0, 3):  # 3: explain found errors, which an example may show
        raise RuntimeError(f"{example.command_line!r} failed ({completed.returncode}):\n{completed.stderr}")
    return "\n".join(line.rstrip() for line in completed.stdout.splitlines()) + "\n"


def refreshed(text):
    """The text with every runnable example's output replaced by the real one."""
    pieces, position = [], 0
    for example in examples(text):
        if not example.runnable:
            continue
        pieces += [text[position:example.start], example.command_line, "\n", run(example)]
        position = example.end
    return "".join(pieces) + text[position:]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write: exit 1 if an example is stale")
    parser.add_argument("--readme", type=Path, default=README)
    options = parser.parse_args(argv)
    text = options.readme.read_text(encoding="utf-8")
    new = refreshed(text)
    if options.check:
        if new != text:
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True),
                                                       str(options.readme), "the tool's output"))
            return 1
        return 0
    if new != text:
        options.readme.write_text(new, encoding="utf-8")
        print(f"updated {options.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
