"""Mutation testing of the pure domain modules, part two: run each mutant's tests and report the score
(`./salesops mutants [SERVICE|MODULE]`): a report, not part of CI.

A mutant the tests fail on (or that makes them hang past a timeout) is killed; one they pass with survives: a
rule the tests do not pin down. Nothing is written to disk: the mutated source is compiled in memory and
installed in sys.modules by a forked child that then runs pytest, so the checkout never holds a mutated file and
the parent's imports (pydantic, hypothesis, ortools) are paid for once.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import signal
import sys
import time
import traceback
import types
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest  # a development tool: the command imports this module only when it runs

from shared.mutation import ROOT, Module, Mutant, mutants, mutate, select, tests_for


class _LineRecorder:
    """A pytest plugin noting, per test, which lines of one file it runs (the baseline run's coverage)."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines: dict[str, list[int]] = {}
        self.seconds: dict[str, float] = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        ran: set[int] = set()

        def local(frame: types.FrameType, event: str, arg: object) -> Any:
            ran.add(frame.f_lineno)
            return local

        def calls(frame: types.FrameType, event: str, arg: object) -> Any:
            return local if frame.f_code.co_filename == self.filename else None

        started = time.perf_counter()
        sys.settrace(calls)
        try:
            yield
        finally:
            sys.settrace(None)
            self.lines[item.nodeid] = sorted(ran)
            self.seconds[item.nodeid] = time.perf_counter() - started


def _run_tests(tests: list[str], basetemp: str, plugins: list[object] | None = None) -> int:
    import hypothesis

    # Same examples for every mutant (a survivor is then reproducible), no deadline (the machine is shared and
    # slow), and no example database (a mutant's failing examples must not be replayed by the real suite).
    hypothesis.settings.register_profile("mutants", derandomize=True, deadline=None, database=None)
    hypothesis.settings.load_profile("mutants")
    # The domain tests need no plugin; loading the installed ones (schemathesis above all) costs a second a mutant.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    args = ["-x", "-q", "--noconftest", f"--basetemp={basetemp}"]
    return int(pytest.main([*args, *tests], plugins=plugins or []))


def _child(module: Module, tree: ast.Module | None, tests: list[str], basetemp: str, timeout: int) -> None:
    """In a fresh fork: install the (mutated) module, run the tests, exit with pytest's code. The unmutated run
    (tree None) also writes which lines each test ran to basetemp/lines.json."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    signal.alarm(timeout)  # a mutant that loops forever is killed by the default SIGALRM action
    os.makedirs(basetemp, exist_ok=True)
    code = 3
    try:
        if tree is not None:
            package = importlib.import_module(f"services.{module.service}.domain")
            mutated = types.ModuleType(module.dotted)
            mutated.__file__ = str(module.path)
            mutated.__package__ = package.__name__
            sys.modules[module.dotted] = mutated
            setattr(package, module.name, mutated)
            exec(compile(tree, str(module.path), "exec"), mutated.__dict__)
        if tree is None:
            recorder = _LineRecorder(str(module.path))
            code = _run_tests(tests, basetemp, [recorder])
            # Fastest first: most mutants are killed by a quick example test before a slow property test runs.
            fastest = sorted(recorder.lines, key=recorder.seconds.__getitem__)
            Path(basetemp, "lines.json").write_text(json.dumps({test: recorder.lines[test] for test in fastest}))
        else:
            code = _run_tests(tests, basetemp)
    except BaseException:  # a mutant that breaks the import is killed like one that fails a test
        code = 4
        Path(f"{basetemp}.error").write_text(traceback.format_exc())
    finally:
        os._exit(code)


def _forget_project_modules() -> None:
    for name in [n for n in sys.modules if n.split(".")[0] in ("services", "tests")]:
        del sys.modules[name]


def _warm(modules: list[Module]) -> None:
    """Import what the tests import once, then forget the project's own modules: children import those afresh."""
    for module in modules:
        importlib.import_module(module.dotted)
        for test in tests_for(module):
            importlib.import_module(".".join(test.relative_to(ROOT).with_suffix("").parts))
    _forget_project_modules()


@dataclass
class Score:
    module: Module
    killed: int
    total: int
    survivors: list[Mutant]
    unrun: set[Mutant]  # survivors no test runs the line of
    seconds: float


Job = tuple[Mutant | None, ast.Module | None, list[str]]


def _run(
    jobs: Iterator[Job], module: Module, *, processes: int, basetemp: str, timeout: int
) -> dict[Mutant | None, int]:
    running: dict[int, Mutant | None] = {}
    codes: dict[Mutant | None, int] = {}

    def reap() -> None:
        pid, status = os.wait()
        codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)

    for slot, (mutant, tree, tests) in enumerate(jobs):
        while len(running) >= processes:
            reap()
        pid = os.fork()
        if pid == 0:
            _child(module, tree, tests, f"{basetemp}/{module.name}-{slot}", timeout)
        running[pid] = mutant
    while running:
        reap()
    return codes


def _covering(mutant: Mutant, files: list[str], lines: dict[str, list[int]]) -> list[str]:
    """The tests that run a line of the mutant's statement (all of them for a mutant outside function bodies)."""
    if mutant.span is None:
        return files
    first, last = mutant.span
    return [test for test, ran in lines.items() if any(first <= line <= last for line in ran)]


def previous_survivors(report_text: str) -> dict[str, Counter[tuple[int, str]]]:
    """(line, change) of each module's survivors in an earlier report of this command."""
    found: dict[str, Counter[tuple[int, str]]] = {}
    current: Counter[tuple[int, str]] | None = None
    for text in report_text.splitlines():
        if heading := re.match(r"^(\w+\.\w+): \d+/\d+ killed", text):
            current = found.setdefault(heading[1], Counter())
        elif (survivor := re.match(r"^\s+survived line (\d+): (.+?)\s*\|", text)) and current is not None:
            current[(int(survivor[1]), survivor[2].strip())] += 1
    return found


def score(module: Module, *, processes: int, basetemp: str, only: Counter[tuple[int, str]] | None = None) -> Score:
    """Kill what can be killed; with `only` (an earlier run's survivors) run just those mutants and count the
    others as killed, which holds while the module is unchanged and tests were only added since."""
    source = module.path.read_text()
    files = [str(t) for t in tests_for(module)]
    started = time.monotonic()
    baseline = _run(iter([(None, None, files)]), module, processes=1, basetemp=basetemp, timeout=600)[None]
    if not files or baseline != 0:
        raise SystemExit(f"{module.dotted}: its domain tests {files} do not pass unmutated (exit {baseline})")
    timeout = int(10 * (time.monotonic() - started)) + 10
    lines: dict[str, list[int]] = json.loads(Path(basetemp, f"{module.name}-0", "lines.json").read_text())
    found = mutants(source)
    # A report names a survivor by line and change only, and a line may hold two alike (two `1 -> 2`), so every
    # mutant matching an earlier survivor is run again: re-running the other one too costs a run, not a wrong score.
    rerun = found if only is None else [m for m in found if (m.line, m.change) in only]
    chosen = {m: _covering(m, files, lines) for m in rerun}
    unrun = {m for m, tests in chosen.items() if not tests}
    codes = _run(
        ((m, mutate(source, m), tests) for m, tests in chosen.items() if tests),
        module,
        processes=processes,
        basetemp=basetemp,
        timeout=timeout,
    )
    survivors = [m for m in rerun if m in unrun or codes[m] == 0]
    return Score(module, len(found) - len(survivors), len(found), survivors, unrun, time.monotonic() - started)


def report(selectors: list[str], *, processes: int, basetemp: str, survivors_of: Path | None = None) -> list[Score]:
    modules = [m for selector in selectors or [""] for m in select(selector)]
    earlier = previous_survivors(survivors_of.read_text()) if survivors_of else {}
    _warm(modules)
    scores = []
    for module in modules:
        only = earlier.get(f"{module.service}.{module.name}") if survivors_of else None
        if survivors_of and only is None:
            print(f"{module.service}.{module.name}: not in {survivors_of}, every mutant is run", flush=True)
        result = score(module, processes=processes, basetemp=basetemp, only=only)
        scores.append(result)
        lines = module.path.read_text().splitlines()
        rate = result.killed / result.total if result.total else 1.0
        print(
            f"{module.service}.{module.name}: {result.killed}/{result.total} killed, score {rate:.2f}"
            f" ({result.seconds:.0f} s{'; only the earlier survivors were run' if only is not None else ''})",
            flush=True,
        )
        for m in result.survivors:
            untested = " (no test runs it)" if m in result.unrun else ""
            print(f"    survived line {m.line}: {m.change:<14} | {lines[m.line - 1].strip()}{untested}", flush=True)
    killed, total = sum(s.killed for s in scores), sum(s.total for s in scores)
    below = [f"{s.module.service}.{s.module.name}" for s in scores if s.total and s.killed / s.total < 0.85]
    print(f"all: {killed}/{total} killed; below 0.85: {', '.join(below) or 'none'}")
    return scores
