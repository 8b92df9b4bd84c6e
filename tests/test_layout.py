"""The folder listing is the architecture: imports run one way, modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "rps"

# What each part of rps may import (besides itself). Lower layers never import higher ones.
ALLOWED = {
    "types": set(),
    "errors": set(),
    "userdata": {"types", "errors"},  # the user's folders, atomic writes, markers
    "capture": {"types", "errors"},
    "inference": {"types", "errors", "userdata"},
    "recognizers": {"inference", "types", "errors"},
    "game": {"types", "errors", "userdata"},
    "pipeline": {"capture", "inference", "types", "errors"},
    "modeltools": {"recognizers", "inference", "capture", "game", "types", "errors",
                   "userdata"},
    "app": {"modeltools", "pipeline", "game", "recognizers", "inference", "capture", "types",
            "errors", "userdata"},
    "bench": {"pipeline", "inference", "capture", "types", "errors", "userdata"},
    "serve": {"recognizers", "inference", "types", "errors", "userdata"},  # rps serve
    "cli": {"app", "bench", "modeltools", "recognizers", "inference", "capture", "errors",
            "userdata", "serve"},
}


def _part(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _rps_imports(path: Path) -> set[str]:
    """The parts of rps a module imports, function-level imports included."""
    parts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            bits = name.split(".")
            if bits[0] == "rps" and len(bits) > 1:
                parts.add(bits[1])
    return parts


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def test_imports_run_one_way():
    wrong = []
    for path in _modules():
        part = _part(path)
        if part in ("__init__", "__main__"):
            continue
        for used in _rps_imports(path) - {part} - ALLOWED[part]:
            wrong.append(f"{path.relative_to(PKG)} imports rps.{used}")
    assert wrong == []


def test_every_part_is_known_and_the_top_level_is_small():
    parts = {_part(p) for p in _modules()} - {"__init__", "__main__"}
    assert parts == set(ALLOWED)
    top = [p.name for p in PKG.glob("*.py") if p.name != "__init__.py"]
    assert len(top) <= 6, top


def test_game_logic_imports_neither_pygame_nor_openvino():
    for path in (PKG / "game").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        mods = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}
        mods |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module}
        assert not mods & {"pygame", "openvino", "cv2"}, path


def test_no_module_is_over_300_lines():
    long = {str(p.relative_to(PKG)): n for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert long == {}


def test_every_sub_package_says_what_it_owns_and_may_import():
    for init in PKG.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, init


def test_shipped_models_and_the_demo_clip_are_package_data():
    """Found inside the package (importlib.resources), so a plain `pip install` carries
    them; nothing the commands need at run time lives beside the package."""
    from rps.capture import DEMO_CLIP
    from rps.inference.modelfiles import DEFAULT_MODEL, load_model_files
    from rps.recognizers.hand.recognizer import DEFAULT_HAND_MODEL, DEFAULT_STAGES

    assert load_model_files(None).root == DEFAULT_MODEL == PKG / "models" / "rps-mobilenet"
    for path in (DEFAULT_HAND_MODEL, DEFAULT_STAGES, DEMO_CLIP):
        assert path.is_relative_to(PKG) and path.exists(), path


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _import_edges(path: Path, known: set[str]) -> set[str]:
    """rps modules that ``path`` imports when it is imported (top level, TYPE_CHECKING
    blocks included; imports inside functions run later and make no circle)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = list(tree.body)
    for node in tree.body:  # if TYPE_CHECKING: / try: bodies at the top level
        if isinstance(node, ast.If | ast.Try):
            nodes += node.body + getattr(node, "orelse", [])
    out = set()
    for node in nodes:
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known
                     else node.module for a in node.names]
        out |= {n for n in names if n in known}
    return out


def test_no_import_circle():
    modules = {_module_name(p): p for p in _modules()}
    graph = {m: _import_edges(p, set(modules)) - {m} for m, p in modules.items()}
    state: dict[str, int] = {}  # 1: on the path, 2: done
    circles = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                circles.append(" -> ".join([*path[path.index(n):], n]))
            elif n not in state:
                visit(n, [*path, n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert circles == []


def _imports_anywhere(path: Path) -> set[str]:
    return {a.name for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Import) for a in n.names} | {
        n.module for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(n, ast.ImportFrom) and n.module}


def test_app_and_cli_name_no_concrete_recognizer_and_no_executor():
    """They ask the registry (rps.recognizers) and the Backend; a new recognizer or a new
    backend changes nothing there."""
    from rps.recognizers import RECOGNIZERS

    wrong = []
    for path in [*(PKG / "app").rglob("*.py"), *(PKG / "cli").rglob("*.py")]:
        for mod in _imports_anywhere(path):
            if mod.startswith("rps.recognizers.") or mod.split(".")[0] == "openvino" or \
                    mod.startswith(("rps.inference.ov_backend", "rps.inference.core",
                                    "rps.inference.devices")):
                wrong.append(f"{path.relative_to(PKG)} imports {mod}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in RECOGNIZERS.names():
                wrong.append(f"{path.relative_to(PKG)} names the {node.value!r} recognizer")
    assert wrong == []


def test_only_the_inference_backend_makes_a_core_or_compiles():
    """Recognizers, the pipeline, bench, app and cli compile through a Backend."""
    wrong = []
    for path in _modules():
        part = _part(path)
        if part in ("inference", "modeltools"):  # the backend; offline tools
            continue
        text = path.read_text(encoding="utf-8")
        for word in ("ov.Core(", "compile_model(", "make_core("):
            if word in text:
                wrong.append(f"{path.relative_to(PKG)}: {word}")
        if part in ("pipeline", "bench", "app", "cli", "game", "capture", "userdata") and \
                "openvino" in {m.split(".")[0] for m in _imports_anywhere(path)}:
            wrong.append(f"{path.relative_to(PKG)} imports openvino")
    assert wrong == []
