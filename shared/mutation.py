"""Mutation testing of the pure domain modules, part one: which mutants a module has and which tests reach it.

A mutant flips one operator or integer of one `services/<svc>/domain/*.py` module (the simple mutants of issue
16: + and -, * and /, < and <=, > and >=, == and !=, in and not in, is and is not, and and or, n to n + 1). Its
tests are the fixture-free domain tests that import that module, directly or through another domain module.
`shared.mutation_runner` runs them against each mutant (`./salesops mutants`); see docs/mutants.md for why this
tool rather than mutmut.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent
SERVICES_DIR = ROOT / "services"
TESTS_DIR = ROOT / "tests"

SWAPS: dict[type[ast.AST], type[ast.AST]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.And: ast.Or,
    ast.Or: ast.And,
}
SYMBOLS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.And: "and",
    ast.Or: "or",
}


@dataclass(frozen=True)
class Mutant:
    node: int  # position of the mutated node in ast.walk order of a fresh parse
    slot: int  # which operator of a chained comparison; 0 otherwise
    line: int
    change: str  # e.g. "< -> <=" or "1 -> 2"
    # Lines of the innermost function-body statement holding the mutant: a test that runs none of them cannot see
    # it. None outside function bodies (constants, defaults), which every test may depend on through the import.
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Module:
    service: str
    name: str  # e.g. rounding
    path: Path

    @property
    def dotted(self) -> str:
        return f"services.{self.service}.domain.{self.name}"


def domain_modules() -> list[Module]:
    return [
        Module(path.parent.parent.name, path.stem, path)
        for path in sorted(SERVICES_DIR.glob("*/domain/*.py"))
        if path.stem != "__init__"
    ]


def select(selector: str | None) -> list[Module]:
    """All modules, one service's (`targets`), or one module (`rounding`, `targets.rounding` or its path)."""
    modules = domain_modules()
    if not selector:
        return modules
    chosen = [
        m
        for m in modules
        if selector in (m.service, m.name, f"{m.service}.{m.name}", m.dotted, str(m.path.relative_to(ROOT)))
    ]
    if not chosen:
        raise SystemExit(f"no domain module or service is named {selector!r}")
    return chosen


def _annotation_nodes(tree: ast.AST) -> set[int]:
    """Nodes inside type annotations: flipping them changes no behaviour, so they are not mutated."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        annotations: list[ast.expr | None] = []
        if isinstance(node, ast.arg | ast.AnnAssign):
            annotations.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotations.append(node.returns)
        for annotation in annotations:
            if annotation is not None:
                inside.update(id(sub) for sub in ast.walk(annotation))
    return inside


def _body_statements(tree: ast.AST) -> list[tuple[int, int]]:
    """Line spans of the statements inside function bodies."""
    spans: set[tuple[int, int]] = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for statement in function.body:
                spans.update(
                    (s.lineno, s.end_lineno or s.lineno) for s in ast.walk(statement) if isinstance(s, ast.stmt)
                )
    return sorted(spans)


def _span(statements: list[tuple[int, int]], node: ast.AST) -> tuple[int, int] | None:
    first: int = getattr(node, "lineno", 0)
    last: int = getattr(node, "end_lineno", None) or first
    holding = [(a, b) for a, b in statements if a <= first and last <= b]
    return min(holding, key=lambda span: span[1] - span[0]) if holding else None


def mutants(source: str) -> list[Mutant]:
    tree = ast.parse(source)
    skip = _annotation_nodes(tree)
    statements = _body_statements(tree)
    found: list[Mutant] = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        line, span = getattr(node, "lineno", 0), _span(statements, node)
        if isinstance(node, ast.BinOp | ast.AugAssign | ast.BoolOp) and type(node.op) in SWAPS:
            op = type(node.op)
            found.append(Mutant(index, 0, line, f"{SYMBOLS[op]} -> {SYMBOLS[SWAPS[op]]}", span))
        elif isinstance(node, ast.Compare):
            for slot, cmp in enumerate(node.ops):
                if type(cmp) in SWAPS:
                    change = f"{SYMBOLS[type(cmp)]} -> {SYMBOLS[SWAPS[type(cmp)]]}"
                    found.append(Mutant(index, slot, line, change, span))
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            found.append(Mutant(index, 0, line, f"{node.value} -> {node.value + 1}", span))
    return found


def mutate(source: str, mutant: Mutant) -> ast.Module:
    tree = ast.parse(source)
    node = next(n for i, n in enumerate(ast.walk(tree)) if i == mutant.node)
    if isinstance(node, ast.Compare):
        node.ops[mutant.slot] = cast(ast.cmpop, SWAPS[type(node.ops[mutant.slot])]())
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        node.value = node.value + 1
    elif isinstance(node, ast.BinOp | ast.AugAssign):
        node.op = cast(ast.operator, SWAPS[type(node.op)]())
    elif isinstance(node, ast.BoolOp):
        node.op = cast(ast.boolop, SWAPS[type(node.op)]())
    return tree


def _imported(path: Path) -> set[str]:
    """The `services.*` modules a file imports (`from services.x.domain import y` names services.x.domain.y too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 1:  # `from .rounding import x` inside domain/
            package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
            base = f"{package}.{node.module}" if node.module else package
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {n for n in names if n.startswith("services.")}


def tests_for(module: Module) -> list[Path]:
    """The service's domain tests that reach the module, those importing it directly first (they fail soonest)."""
    by_name = {m.dotted: m for m in domain_modules()}
    reached: dict[str, set[str]] = {}

    def closure(dotted: str) -> set[str]:
        if dotted not in reached:
            reached[dotted] = {dotted}
            for name in _imported(by_name[dotted].path):
                if name in by_name:
                    reached[dotted] |= closure(name)
        return reached[dotted]

    chosen = []
    for test in sorted((TESTS_DIR / module.service).glob("test_domain_*.py")):
        if any(module.dotted in closure(name) for name in _imported(test) if name in by_name):
            chosen.append(test)
    return sorted(chosen, key=lambda t: (module.dotted not in _imported(t), t.name))
