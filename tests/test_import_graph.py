"""No import cycles in src/gotriage, lazy imports included.

Every import statement of every module is read with the ast module, those inside
functions too (gotriage imports lazily to keep `gotriage binary` and `--version` fast,
and a lazy import that closes a cycle is a cycle all the same: the two modules cannot
be understood, tested or moved apart).  `importlib.import_module("gotriage....")` and
`__import__("gotriage....")` with a literal name count as imports.  The layer table
names each layer's modules as strings (gotriage.checks.LAYER_TABLE): a registry, read
by the runner, is not an import.

An edge goes to the module an import names: `from gotriage.checks import check` is
gotriage.checks (the package's __init__.py), `from gotriage import runner` and
`import gotriage.host.live` the module itself.  Importing a submodule also runs its
packages' __init__.py files, but those are already running or done when a module
inside the package imports a sibling, so they are not edges.
"""

import ast
import os

from conftest import ROOT

SRC = os.path.join(ROOT, "src")
PACKAGE = "gotriage"


def module_files(src=SRC):
    """{dotted module name: path} of every .py file of the package under `src`."""
    modules = {}
    top = os.path.join(src, PACKAGE)
    for directory, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            parts = os.path.relpath(os.path.join(directory, name), src)[:-3].split(os.sep)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = os.path.join(directory, name)
    return modules


def _within(name, modules):
    """The module of the package that importing `name` names: itself, or the closest
    package or module above it (`gotriage.checks.check` -> gotriage.checks); None for a
    module outside the package."""
    while name:
        if name in modules:
            return name
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return None


def imports_of(module, source, modules, is_package=False):
    """The modules of the package that `source` (the text of `module`) imports, each
    with the line of its first import: {name: line}."""
    found = {}

    def add(name, line):
        target = _within(name, modules)
        if target is not None and target not in found:
            found[target] = line

    for node in ast.walk(ast.parse(source, module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                here = here[:len(here) - (node.level - 1)]
                base = ".".join(here + ([base] if base else []))
            for alias in node.names:
                submodule = base + "." + alias.name
                add(submodule if submodule in modules else base, node.lineno)
        elif isinstance(node, ast.Call) and node.args and _is_import_call(node.func):
            name = _string(node.args[0])
            if name is not None:
                add(name, node.lineno)
    return found


def _string(node):
    """The value of a string literal (ast.Str up to Python 3.7, ast.Constant after), or
    None."""
    value = node.value if type(node).__name__ == "Constant" else getattr(node, "s", None)
    return value if isinstance(value, str) else None


def _is_import_call(func):
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def import_graph(src=SRC):
    """{module: {imported module: line}} of the package under `src`."""
    modules = module_files(src)
    graph = {}
    for name, path in modules.items():
        with open(path, encoding="utf-8") as f:
            source = f.read()
        graph[name] = imports_of(name, source, modules, path.endswith("__init__.py"))
    return graph


def cycles(graph):
    """The strongly connected components of `graph` that hold a cycle (more than one
    module, or a module importing itself), each as a sorted list (Tarjan's algorithm,
    iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(sorted(component))
    return sorted(found)


def a_cycle(graph, component):
    """One cycle through the first module of `component`, as [a, b, ..., a] (the
    shortest, by breadth-first search inside the component)."""
    members = set(component)
    start = component[0]
    came_from = {start: None}
    queue = [start]
    for node in queue:
        for child in sorted(graph[node]):
            if child == start:
                path = [node]
                while came_from[path[-1]] is not None:
                    path.append(came_from[path[-1]])
                return [start] + path[::-1][1:] + [start] if node != start else [start, start]
            if child in members and child not in came_from:
                came_from[child] = node
                queue.append(child)
    raise AssertionError("no cycle through %s" % start)


def describe(graph, component):
    path = a_cycle(graph, component)
    return "%s (%d modules in the cycle: %s)" % (" -> ".join(
        "%s:%d" % (a, graph[a][b]) for a, b in zip(path, path[1:])) + " -> " + path[-1],
        len(component), ", ".join(component))


# Cycles not yet taken apart, each as a sorted tuple of its modules with who takes it
# apart: this list may only shrink (a cycle gone from the code must go from here too).
# It is empty: the last, host/redact.py <-> host/redact_audit.py, was taken apart for
# issue 12 §3 (their shared rules in host/redact_rules.py, which imports neither;
# redact_audit is given redact's text function instead of importing it).
KNOWN_CYCLES = set()


def test_src_has_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 50 and "gotriage.runner" in graph["gotriage.cli"], \
        "the graph is not the package's: %d modules" % len(graph)
    found = cycles(graph)
    new = [c for c in found if tuple(c) not in KNOWN_CYCLES]
    assert new == [], "import cycles (module:line of each import):\n" + "\n".join(
        describe(graph, c) for c in new)
    gone = KNOWN_CYCLES - {tuple(c) for c in found}
    assert not gone, "no longer a cycle: remove from KNOWN_CYCLES: %s" % sorted(gone)


def test_lazy_relative_and_dynamic_imports_are_edges():
    modules = {name: None for name in (
        "gotriage", "gotriage.a", "gotriage.pkg", "gotriage.pkg.b", "gotriage.pkg.c")}
    source = ("import os\n"
              "from gotriage.pkg import b\n"
              "def later():\n"
              "    from gotriage.a import thing\n"
              "    import importlib\n"
              "    return importlib.import_module('gotriage.pkg.c'), thing\n")
    assert imports_of("gotriage.x", source, modules) == {
        "gotriage.pkg.b": 2, "gotriage.a": 4, "gotriage.pkg.c": 6}
    assert imports_of("gotriage.pkg.b", "from . import c\nfrom .. import a\n", modules) == {
        "gotriage.pkg.c": 1, "gotriage.a": 2}
    assert imports_of("gotriage.pkg", "from .b import name\n", modules, is_package=True) == {
        "gotriage.pkg.b": 1}


def test_a_cycle_is_found_and_named():
    graph = {"a": {"b": 1}, "b": {"c": 3}, "c": {"a": 7, "d": 2}, "d": {}, "e": {"e": 1},
             "f": {"d": 1}}
    assert cycles(graph) == [["a", "b", "c"], ["e"]]
    assert a_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert describe(graph, ["a", "b", "c"]).startswith("a:1 -> b:3 -> c:7 -> a")
    assert cycles({"a": {"b": 1}, "b": {}}) == []
