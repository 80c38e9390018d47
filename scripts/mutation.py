#!/usr/bin/env python3
"""Mutation testing of the pure modules against tests/unit (our own AST tool, not mutmut).

    python scripts/mutation.py                       # every default target, all mutants
    python scripts/mutation.py interpret/diagnose    # one folder or module (paths under kubectl_kueue_argo/)
    python scripts/mutation.py quantity.py --survivors   # list what survived

Operators, exactly these (mutmut's spelling of them):
  compare   one comparison operator flipped: < <=, > >=, == !=, in / not in (each way)
  boolop    `and` <-> `or` (the whole boolean expression)
  is        `is` <-> `is not`
  int       an integer literal n -> n + 1 (not bools)
  return    `return X` -> `return None` (X not already None)
  not       `not X` -> `X`

How it runs: every target module is compiled once with all its mutants built in (mutant schemata:
each mutation point becomes `MUTANT if __kam__(id) else ORIGINAL`, so evaluation stays lazy). A first
pytest run over tests/unit records which tests execute each mutation point. Then, for each mutant, a
forked child (the parent never imports the package) switches that one mutant on and runs, with -x, the
unit tests that execute its point. Killed = a test fails or errors, or the run times out. A survivor
whose point also runs at import or collection time is rerun against the whole of tests/unit, so the
score is that of tests/unit; `--confirm` reruns every survivor against the whole of tests/unit.
Mutants listed in scripts/mutation_equivalent.txt (one key per line, each with its reason) cannot
change behaviour and are left out of the score.
"""
import argparse
import ast
import copy
import importlib.abc
import importlib.util
import json
import os
import random
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "kubectl_kueue_argo"
DEFAULT_TARGETS = ["interpret", "render/table.py", "quantity.py", "timeutil.py"]
EQUIVALENT_FILE = REPO / "scripts" / "mutation_equivalent.txt"
UNIT_TESTS = "tests/unit"
SWITCH_NAME = "__kam__"

COMPARE_FLIPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
                 ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In}
IS_FLIPS = {ast.Is: ast.IsNot, ast.IsNot: ast.Is}


# --- the switch every instrumented module calls -------------------------------------------------

class Switch:
    active = 0
    record = None  # a set while the coverage run records which points run

    @classmethod
    def hit(cls, point):
        if cls.record is not None:
            cls.record.add(point)
        return point == cls.active


# --- finding mutants ---------------------------------------------------------------------------

class Mutant:
    def __init__(self, ident, module, qualname, operator, line, original, mutated, import_time):
        self.ident, self.module, self.qualname, self.operator = ident, module, qualname, operator
        self.line, self.original, self.mutated, self.import_time = line, original, mutated, import_time
        self.key = None  # stable across edits elsewhere: module:qualname:operator:original -> mutated#n

    def describe(self):
        return f"{self.module}:{self.line} {self.qualname}: {self.original}  ->  {self.mutated}"


def _snippet(node):
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 90 else text[:87] + "..."


class Instrumenter(ast.NodeTransformer):
    """Rewrites one module's AST with a switch at every mutation point; collects the Mutants."""

    def __init__(self, module, first_id):
        self.module = module
        self.next_id = first_id
        self.mutants = []
        self.scopes = []          # qualname parts
        self.runtime_depth = 0    # > 0 inside a function body (runs when called, not at import)

    # scopes
    def _visit_function(self, node):
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args = self._visit_arguments(node.args)
        self.scopes.append(node.name)
        self.runtime_depth += 1
        node.body = self._visit_body(node.body)
        self.runtime_depth -= 1
        self.scopes.pop()
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = _visit_function

    def _visit_arguments(self, args):
        # Defaults run at definition time; annotations are left alone.
        args.defaults = [self.visit(d) for d in args.defaults]
        args.kw_defaults = [self.visit(d) if d is not None else None for d in args.kw_defaults]
        return args

    def visit_ClassDef(self, node):
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.bases = [self.visit(b) for b in node.bases]
        self.scopes.append(node.name)
        node.body = self._visit_body(node.body)
        self.scopes.pop()
        return node

    def visit_Lambda(self, node):
        node.args = self._visit_arguments(node.args)
        self.runtime_depth += 1
        node.body = self.visit(node.body)
        self.runtime_depth -= 1
        return node

    def _visit_body(self, body):
        out = []
        for index, statement in enumerate(body):
            if index == 0 and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
                    and isinstance(statement.value.value, str):
                out.append(statement)  # docstring
                continue
            result = self.visit(statement)
            out.extend(result if isinstance(result, list) else [result])
        return out

    def visit_AnnAssign(self, node):
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_arg(self, node):
        return node  # annotations

    def visit_JoinedStr(self, node):
        # f-strings: mutate the interpolated expressions only, never the format specs.
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                value.value = self.visit(value.value)
        return node

    # mutation points
    def _new(self, operator, node, original, mutated):
        mutant = Mutant(self.next_id, self.module, ".".join(self.scopes) or "<module>", operator,
                        getattr(node, "lineno", 0), _snippet(original), _snippet(mutated),
                        import_time=self.runtime_depth == 0)
        self.next_id += 1
        self.mutants.append(mutant)
        return mutant

    def _switch(self, node, variants, instrumented):
        """MUTANT_1 if __kam__(id1) else (MUTANT_2 if __kam__(id2) else ORIGINAL)."""
        result = instrumented
        for mutant, expression in reversed(variants):
            test = ast.Call(func=ast.Name(id=SWITCH_NAME, ctx=ast.Load()),
                            args=[ast.Constant(value=mutant.ident)], keywords=[])
            result = ast.IfExp(test=test, body=expression, orelse=result)
        return ast.copy_location(result, node)

    def visit_Compare(self, node):
        variants = []
        for index, op in enumerate(node.ops):
            for flips, operator in ((COMPARE_FLIPS, "compare"), (IS_FLIPS, "is")):
                if type(op) in flips:
                    mutated = copy.deepcopy(node)
                    mutated.ops[index] = flips[type(op)]()
                    variants.append((self._new(operator, node, node, mutated), mutated))
        return self._switch(node, variants, self.generic_visit(copy.deepcopy(node)))

    def visit_BoolOp(self, node):
        mutated = copy.deepcopy(node)
        mutated.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        variants = [(self._new("boolop", node, node, mutated), mutated)]
        return self._switch(node, variants, self.generic_visit(copy.deepcopy(node)))

    def visit_UnaryOp(self, node):
        if not isinstance(node.op, ast.Not):
            return self.generic_visit(node)
        mutated = copy.deepcopy(node.operand)
        variants = [(self._new("not", node, node, mutated), mutated)]
        return self._switch(node, variants, self.generic_visit(copy.deepcopy(node)))

    def visit_Constant(self, node):
        if type(node.value) is not int:
            return node
        mutated = ast.Constant(value=node.value + 1)
        variants = [(self._new("int", node, node, mutated), mutated)]
        return self._switch(node, variants, node)

    def visit_Return(self, node):
        if node.value is None or (isinstance(node.value, ast.Constant) and node.value.value is None):
            return node
        original = copy.deepcopy(node)
        none = ast.Constant(value=None)
        mutant = self._new("return", node, original, ast.Return(value=none))
        node.value = self._switch(node.value, [(mutant, none)], self.visit(node.value))
        return node


def module_name(path):
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def target_files(targets):
    files = []
    for target in targets:
        path = REPO / PACKAGE / target
        found = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        if not found or not all(p.exists() for p in found):
            sys.exit(f"error: no module at {path}")
        files.extend(p for p in found if p not in files)
    return files


def instrument(files):
    """{module name: (path, code object)} and every Mutant, with stable keys."""
    compiled, mutants = {}, []
    for path in files:
        name = module_name(path)
        tree = ast.parse(path.read_text(), filename=str(path))
        instrumenter = Instrumenter(name, len(mutants) + 1)
        tree = ast.fix_missing_locations(instrumenter.visit(tree))
        compiled[name] = (path, compile(tree, str(path), "exec"))
        seen = {}
        for mutant in instrumenter.mutants:
            base = f"{mutant.module}:{mutant.qualname}:{mutant.operator}:{mutant.original} -> {mutant.mutated}"
            seen[base] = seen.get(base, 0) + 1
            mutant.key = f"{base}#{seen[base]}"
        mutants.extend(instrumenter.mutants)
    return compiled, mutants


class InstrumentedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, compiled):
        self.compiled = compiled

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.compiled:
            return None
        file = self.compiled[fullname][0]
        return importlib.util.spec_from_file_location(
            fullname, file, loader=self,
            submodule_search_locations=[str(file.parent)] if file.name == "__init__.py" else None)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__dict__[SWITCH_NAME] = Switch.hit
        exec(self.compiled[module.__name__][1], module.__dict__)


# --- running pytest in forked children ---------------------------------------------------------

PYTEST_ARGS = ["-q", "-x", "-p", "no:cacheprovider", "--hypothesis-profile=mutation", "-o", "addopts="]


def _coverage_recorder():
    """pytest plugin: which mutation points each test (setup, call, teardown) and the collection run."""
    import pytest

    class CoverageRecorder:
        def __init__(self):
            self.by_test, self.durations, self.collection = {}, {}, set()
            Switch.record = self.collection  # conftest imports and collection

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_protocol(self, item, nextitem):
            Switch.record = self.by_test.setdefault(item.nodeid, set())
            started = time.monotonic()
            yield
            self.durations[item.nodeid] = time.monotonic() - started
            Switch.record = self.collection

    return CoverageRecorder()


class Selection:
    """pytest plugin: run only these node ids (collecting their files), the fastest first, so that
    -x stops a killed mutant early."""

    def __init__(self, node_ids, durations):
        self.node_ids, self.durations = node_ids and set(node_ids), durations

    def pytest_collection_modifyitems(self, config, items):
        chosen = [item for item in items if self.node_ids is None or item.nodeid in self.node_ids]
        items[:] = sorted(chosen, key=lambda item: self.durations.get(item.nodeid, 0.0))


def _child_pytest(args, plugins=(), quiet=True):
    if quiet:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    import pytest
    return int(pytest.main(PYTEST_ARGS + list(args), plugins=list(plugins)))


def _fork(function):
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.setpgid(0, 0)
            code = function()
        finally:
            os._exit(code)
    return pid


def coverage_run(out_file, verbose):
    def run():
        recorder = _coverage_recorder()
        code = _child_pytest([UNIT_TESTS], plugins=[recorder], quiet=not verbose)
        out_file.write_text(json.dumps({"code": code, "durations": recorder.durations,
                                        "collection": sorted(recorder.collection),
                                        "by_test": {k: sorted(v) for k, v in recorder.by_test.items()}}))
        return 0
    if out_file.exists():
        out_file.unlink()
    pid = _fork(run)
    _, status = os.waitpid(pid, 0)
    data = json.loads(out_file.read_text()) if out_file.exists() else None
    if data is None or data["code"] != 0:
        sys.exit("error: tests/unit does not pass unmutated (run it with pytest to see why)")
    return data


class Job:
    durations = {}

    def __init__(self, mutant, tests, timeout, full):
        self.mutant, self.tests, self.timeout, self.full = mutant, tests, timeout, full
        self.pid = self.started = None


def _start(job):
    def run():
        Switch.active = job.mutant.ident
        if job.full:
            return _child_pytest([UNIT_TESTS], plugins=[Selection(None, Job.durations)])
        files = sorted({test.split("::")[0] for test in job.tests})
        return _child_pytest(files, plugins=[Selection(job.tests, Job.durations)])
    job.started = time.monotonic()
    job.pid = _fork(run)


def run_jobs(jobs, workers, on_result):
    pending, running = list(jobs), []
    try:
        _run_jobs(pending, running, workers, on_result)
    finally:
        for job in running:  # interrupted: end the children this run started
            try:
                os.killpg(job.pid, signal.SIGKILL)
                os.waitpid(job.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def _run_jobs(pending, running, workers, on_result):
    while pending or running:
        while pending and len(running) < workers:
            job = pending.pop(0)
            _start(job)
            running.append(job)
        time.sleep(0.02)
        for job in list(running):
            pid, status = os.waitpid(job.pid, os.WNOHANG)
            if pid:
                running.remove(job)
                code = os.waitstatus_to_exitcode(status)
                # pytest: 0 passed, 1 a test failed, 2 a collection error (the mutant broke an import).
                outcome = {0: "survived", 1: "killed", 2: "killed"}.get(code)
                if outcome is None:
                    sys.exit(f"error: pytest exited {code} on mutant {job.mutant.describe()}")
                on_result(job, outcome, pending)
            elif time.monotonic() - job.started > job.timeout:
                try:
                    os.killpg(job.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(job.pid, 0)
                running.remove(job)
                on_result(job, "timeout", pending)


# --- the run --------------------------------------------------------------------------------

def load_equivalent():
    """{mutant key: reason}: every key line takes the comment block above it as its reason."""
    keys, reason, previous = {}, "", ""
    if EQUIVALENT_FILE.exists():
        for line in EQUIVALENT_FILE.read_text().splitlines():
            if line.startswith("#"):
                text = line.lstrip("# ").strip()
                reason = f"{reason} {text}" if previous.startswith("#") else text
            elif line.strip():
                if not reason:
                    sys.exit(f"error: {EQUIVALENT_FILE.name}: no reason above {line!r}")
                keys[line.strip()] = reason
            previous = line
    return keys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="*", default=DEFAULT_TARGETS,
                        help="folders or modules under kubectl_kueue_argo/ (default: %(default)s)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=0, help="a seeded random sample of N mutants per module")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--confirm", action="store_true",
                        help="rerun every survivor against the whole of tests/unit")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--json", type=Path, help="write every mutant and its result to this file")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    os.chdir(REPO)
    sys.path.insert(0, str(REPO))
    files = target_files(args.targets)
    compiled, mutants = instrument(files)
    equivalent = load_equivalent()
    if args.list:
        for mutant in mutants:
            print(f"{mutant.key}    [line {mutant.line}]")
        return 0

    by_module = {}
    for mutant in mutants:
        by_module.setdefault(mutant.module, []).append(mutant)
    if args.sample:
        rng = random.Random(args.seed)
        chosen = []
        for module in by_module:
            group = by_module[module]
            by_module[module] = sorted(rng.sample(group, min(args.sample, len(group))), key=lambda m: m.ident)
            chosen.extend(by_module[module])
        mutants = chosen

    # Heavy third-party imports once in the parent; the package itself only in the children.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    import hypothesis
    import pytest  # noqa: F401
    hypothesis.settings.register_profile("mutation", derandomize=True, database=None, deadline=None)
    sys.meta_path.insert(0, InstrumentedModules(compiled))
    for module in ("yaml", "click", "tabulate", "humanize", "jsonschema"):
        try:
            __import__(module)
        except ImportError:
            pass

    started = time.monotonic()
    print(f"{len(mutants)} mutants in {len(by_module)} modules; recording which unit tests run each point...",
          flush=True)
    (REPO / "build").mkdir(exist_ok=True)
    coverage = coverage_run(REPO / "build" / "mutation-coverage.json", args.verbose)
    tests_of = {}
    for test, points in coverage["by_test"].items():
        for point in points:
            tests_of.setdefault(point, []).append(test)
    at_collection = set(coverage["collection"])
    durations = Job.durations = coverage["durations"]
    full_time = sum(durations.values())

    # A point that runs at import (a module constant) is first tried against the tests that run any
    # point of its module, then, if it survives, against the whole of tests/unit.
    tests_of_module = {}
    for mutant in mutants:
        for test in tests_of.get(mutant.ident, []):
            tests_of_module.setdefault(mutant.module, set()).add(test)

    def job_for(mutant, tests):
        return Job(mutant, sorted(tests), 10 + 5 * sum(durations[t] for t in tests), full=False)

    results = {}
    jobs = []
    for mutant in mutants:
        if mutant.key in equivalent:
            results[mutant.ident] = "equivalent"
        elif tests_of.get(mutant.ident):
            jobs.append(job_for(mutant, tests_of[mutant.ident]))
        elif mutant.import_time and tests_of_module.get(mutant.module):
            jobs.append(job_for(mutant, tests_of_module[mutant.module]))
        elif mutant.import_time or mutant.ident in at_collection:
            jobs.append(Job(mutant, [UNIT_TESTS], 30 + 5 * full_time, full=True))
        else:
            results[mutant.ident] = "not run by any test"

    done = [0]

    def on_result(job, outcome, pending):
        needs_full = outcome == "survived" and not job.full and (
            args.confirm or job.mutant.import_time or job.mutant.ident in at_collection)
        if needs_full:
            pending.append(Job(job.mutant, [UNIT_TESTS], 30 + 5 * full_time, full=True))
            return
        results[job.mutant.ident] = outcome
        done[0] += 1
        if done[0] % 25 == 0:
            print(f"  {done[0]}/{len(jobs)} mutants run ({time.monotonic() - started:.0f}s)", flush=True)

    try:
        run_jobs(jobs, args.jobs, on_result)
    except KeyboardInterrupt:
        sys.exit("interrupted")

    report(by_module, results, args.survivors, equivalent)
    print(f"({time.monotonic() - started:.0f}s; "
          + (f"a seeded sample of {args.sample} per module, seed {args.seed})" if args.sample else "all mutants)"))
    if args.json:
        args.json.write_text(json.dumps([dict(vars(m), result=results[m.ident]) for m in mutants], indent=1))
    unused = set(equivalent) - {m.key for m in mutants}
    if unused and not args.sample and args.targets == DEFAULT_TARGETS:
        print(f"note: {len(unused)} entries of {EQUIVALENT_FILE.name} match no mutant any more:")
        for key in sorted(unused):
            print(f"  {key}")
    return 0


def report(by_module, results, show_survivors, equivalent):
    header = f"{'MODULE':<44} {'MUTANTS':>7} {'KILLED':>6} {'TIMEOUT':>7} {'SURVIVED':>8} {'EQUIV':>5} {'SCORE':>6}"
    print(header)
    totals = [0, 0, 0, 0, 0]
    survivors = []
    for module, group in by_module.items():
        outcomes = [results[m.ident] for m in group]
        killed, timeout = outcomes.count("killed"), outcomes.count("timeout")
        equiv = outcomes.count("equivalent")
        survived = len(outcomes) - killed - timeout - equiv
        scored = len(outcomes) - equiv
        score = f"{100 * (killed + timeout) / scored:.0f}%" if scored else "-"
        short = module[len(PACKAGE) + 1:]
        print(f"{short:<44} {len(group):>7} {killed:>6} {timeout:>7} {survived:>8} {equiv:>5} {score:>6}")
        for i, value in enumerate((len(group), killed, timeout, survived, equiv)):
            totals[i] += value
        survivors.extend(m for m in group if results[m.ident] in ("survived", "not run by any test"))
    scored = totals[0] - totals[4]
    print(f"{'total':<44} {totals[0]:>7} {totals[1]:>6} {totals[2]:>7} {totals[3]:>8} {totals[4]:>5} "
          f"{100 * (totals[1] + totals[2]) / scored if scored else 0:>5.0f}%")
    if show_survivors and survivors:
        print("\nsurvivors:")
        for mutant in survivors:
            unrun = "  (not run by any test)" if results[mutant.ident] != "survived" else ""
            print(f"  {mutant.describe()}{unrun}\n      key: {mutant.key}")


if __name__ == "__main__":
    sys.exit(main())
