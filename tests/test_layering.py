"""The package's layers, read from its imports: lower never imports higher, and no cycles.

Layers, lowest first (the architecture of the product design, section 1): data <
models < world < experiment < analysis < studies < presentation. Presentation has two
tiers: figures and reports (``herz.plot``, ``herz.report``), which studies use to
write their reports ("studies sit above analysis and report"), and the interfaces
(``herz.cli``, ``herz.explorer``, ``python -m herz``) above the studies. The
foundation (``herz.errors``, ``herz.rng``, the package's ``__version__``) sits below
every layer; the package root may also hand out ``herz.simulate`` on first use (its
one facade, :data:`FACADE`). Every ``import`` statement counts, at the top of a module or
inside a function (a deferred import is still a dependency), and so do imports under
``if TYPE_CHECKING:`` (a type a lower layer names from a higher one is a dependency
of its interface). The test reads the source with :mod:`ast`; nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "herz"

#: Layer of each top-level part of the package (a larger number is higher).
LAYERS: dict[str, int] = {
    "errors": 0, "rng": 0, "__init__": 0,
    "data": 1, "models": 2, "world": 3, "experiment": 4, "analysis": 5,
    "plot": 6, "report": 6, "studies": 7, "cli": 8, "explorer": 8, "__main__": 8,
}
LAYER_NAMES = {0: "foundation", 1: "data", 2: "models", 3: "world", 4: "experiment",
               5: "analysis", 6: "presentation (figures, reports)", 7: "studies",
               8: "presentation (command line, explorer)"}
#: Imports allowed against the order, each with its reason.
FACADE = {("herz", "herz.world.simulate"): "herz.simulate is herz.world.simulate, "
                                           "imported on first use"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """(imported herz module, line) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "herz" or alias.name.startswith("herz."):
                    yield _nearest(alias.name, known), node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            if not (target == "herz" or target.startswith("herz.")):
                continue
            for alias in node.names:  # `from herz.x import y` may import module herz.x.y
                sub = f"{target}.{alias.name}"
                yield (sub if sub in known else _nearest(target, known)), node.lineno


def _nearest(name: str, known: set[str]) -> str:
    while name not in known and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _layer(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top not in LAYERS:
        raise AssertionError(f"{module}: no layer declared for herz.{top} (add it to LAYERS)")
    return LAYERS[top]


def import_graph() -> dict[str, dict[str, int]]:
    """``{module: {imported module: first line}}`` over the herz package."""
    mods = _modules()
    known = set(mods)
    graph: dict[str, dict[str, int]] = {}
    for name, path in mods.items():
        edges: dict[str, int] = {}
        for target, line in _imports(name, path, known):
            if target != name and target in known:
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def _is_package_parent(importer: str, target: str) -> bool:
    """An import of a package's own ``__init__`` from inside it (``herz.world`` from
    ``herz.world.state``) runs the package first anyway; it is not an edge of its own."""
    return importer.startswith(target + ".")


def upward_imports(graph: dict[str, dict[str, int]]) -> list[str]:
    """Every import of a higher layer from a lower one, as readable lines."""
    out = []
    for mod, edges in sorted(graph.items()):
        for target, line in sorted(edges.items()):
            if _layer(target) > _layer(mod) and (mod, target) not in FACADE:
                out.append(f"{mod} (line {line}, layer {LAYER_NAMES[_layer(mod)]}) imports "
                           f"{target} (layer {LAYER_NAMES[_layer(target)]})")
    return out


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    edges = {m: [t for t in e if not _is_package_parent(m, t) and not _is_package_parent(t, m)]
             for m, e in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    comps: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(comps)


def _cycle_text(comp: list[str], graph: dict[str, dict[str, int]]) -> str:
    members = set(comp)
    links = [f"{a} -> {b} (line {graph[a][b]})" for a in comp for b in sorted(graph[a])
             if b in members and not _is_package_parent(a, b) and not _is_package_parent(b, a)]
    return "cycle among " + ", ".join(comp) + ": " + "; ".join(links)


def test_every_module_has_a_layer() -> None:
    for mod in _modules():
        _layer(mod)


def test_no_lower_layer_imports_a_higher_one() -> None:
    bad = upward_imports(import_graph())
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_no_import_cycles() -> None:
    graph = import_graph()
    cycles = import_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(_cycle_text(c, graph) for c in cycles)


def test_the_checker_finds_what_it_should() -> None:
    """The checks can fail: a made-up graph with an upward import and a cycle."""
    graph = {"herz.world.a": {"herz.analysis.b": 3}, "herz.analysis.b": {"herz.world.a": 1},
             "herz.models.c": {}}
    assert upward_imports(graph) == [
        "herz.world.a (line 3, layer world) imports herz.analysis.b (layer analysis)"]
    assert import_cycles(graph) == [["herz.analysis.b", "herz.world.a"]]
    assert import_cycles({"herz.world": {"herz.world.a": 1}, "herz.world.a": {"herz.world": 2}}
                         ) == []
