"""The type stubs shipped with the host package (tools/questv/stubs/quest/)
cover everything public in pylib/quest/: every public module-level name,
every public method of a public class, with the same parameter names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYLIB = REPO / "pylib" / "quest"
STUBS = REPO / "tools" / "questv" / "stubs" / "quest"
# Public modules; quest's own names live partly in private modules that
# __init__ loads on first use (its _LAZY table), and are stubbed in
# __init__.pyi.
MODULES = sorted(p.stem for p in PYLIB.glob("*.py") if p.stem == "__init__" or
                 not p.stem.startswith("_"))


def _lazy() -> dict[str, str]:
    tree = ast.parse((PYLIB / "__init__.py").read_text())
    (node,) = [n for n in tree.body if isinstance(n, ast.Assign) and
               isinstance(n.targets[0], ast.Name) and n.targets[0].id == "_LAZY"]
    return ast.literal_eval(node.value)


def _module_names(mod: str) -> dict[str, ast.AST]:
    names = _public(ast.parse((PYLIB / f"{mod}.py").read_text()))
    if mod == "__init__":
        for name, sub in _lazy().items():
            names[name] = _public(ast.parse((PYLIB / f"{sub}.py").read_text()))[name]
    return names


def _public(tree: ast.Module) -> dict[str, ast.AST]:
    names: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    names[t.id] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
    return {k: v for k, v in names.items() if not k.startswith("_") and k != "main" or
            k in ("main", "_inject")}


def _params(fn: ast.FunctionDef) -> list[str]:
    a = fn.args
    # Parameters with a leading underscore are internal; stubs leave them out.
    return [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs if not x.arg.startswith("_")]


def _methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef) and
            (not n.name.startswith("_") or n.name in ("__init__", "__iter__", "__next__",
                                                       "__getitem__", "__setitem__"))}


def _stub_name(mod: str) -> Path:
    return STUBS / ("__init__.pyi" if mod == "__init__" else f"{mod}.pyi")


def test_every_module_has_a_stub() -> None:
    assert "__init__" in MODULES and "supervisor" in MODULES
    missing = [m for m in MODULES if not _stub_name(m).exists()]
    assert not missing, f"no stub for {missing}"


@pytest.mark.parametrize("mod", MODULES)
def test_stub_covers_module(mod: str) -> None:
    src = _module_names(mod)
    stub = _public(ast.parse(_stub_name(mod).read_text()))
    if mod == "__init__":
        src.pop("main", None)
    absent = sorted(set(src) - set(stub))
    assert not absent, f"{mod}: not in the stub: {absent}"
    for name, node in src.items():
        s = stub[name]
        if isinstance(node, ast.FunctionDef):
            assert isinstance(s, ast.FunctionDef), name
            assert _params(s) == _params(node), f"{mod}.{name}: parameters differ"
            assert s.returns is not None, f"{mod}.{name}: no return type"
        elif isinstance(node, ast.ClassDef):
            assert isinstance(s, ast.ClassDef), name
            sm = _methods(s)
            for mname, m in _methods(node).items():
                assert mname in sm, f"{mod}.{name}.{mname} not in the stub"
                assert _params(sm[mname]) == _params(m), f"{mod}.{name}.{mname}: parameters"


def test_lazy_names_exist_and_are_stubbed() -> None:
    lazy = _lazy()
    assert len(lazy) > 10
    stub = _public(ast.parse((STUBS / "__init__.pyi").read_text()))
    for name, sub in lazy.items():
        assert name in _public(ast.parse((PYLIB / f"{sub}.py").read_text())), (name, sub)
        assert name in stub, name
