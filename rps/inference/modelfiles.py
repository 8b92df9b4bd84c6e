"""Where a model lives on disk and what it says about itself.

A model folder holds one IR per precision plus what the engine needs to feed it::

    models/<name>/FP32/model.xml|.bin   (FP16/, INT8/ likewise, each optional)
    models/<name>/labels.txt            one class name per line, in output order
    models/<name>/metadata.json         input size and scaling, source, accuracy, data credit,
                                        and the size and sha256 of each IR file ("files")

A bare ``model.xml`` with ``labels.txt`` beside it works too (taken as FP32). Every tool
that writes a model folder stamps it (``stamp_model``) and every IR read is checked against
the stamp (``check_ir``), so another precision's ``.bin`` or a damaged copy is one line
naming the file, not a model that silently reads every frame wrong. The shipped
folders are package data (``rps/models/``), found through ``importlib.resources`` so a
plain ``pip install`` finds them as a checkout does.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from rps.errors import ModelError
from rps.types import CLASSES, PRECISIONS
from rps.userdata.files import write_text

SHIPPED_MODELS = Path(str(files("rps") / "models"))  # installed wheels unpack to a folder
DEFAULT_MODEL = SHIPPED_MODELS / "rps-mobilenet"
# Training data, weights and source models beside a checkout (development only: they do
# not ship; an installed package has none there and the training tools say so).
SHARED = Path(__file__).resolve().parents[2].parent / "shared"

# MobileNet / Teachable Machine convention: RGB scaled to [-1, 1] as (x - 127.5) / 127.5.
DEFAULT_MEAN = (127.5, 127.5, 127.5)
DEFAULT_SCALE = (127.5, 127.5, 127.5)


@dataclass(frozen=True)
class ModelFiles:
    """A model folder: its IR per precision, labels and input preprocessing."""

    root: Path
    variants: dict[str, Path]  # precision -> model.xml
    labels: tuple[str, ...] = CLASSES
    mean: tuple[float, float, float] = DEFAULT_MEAN
    scale: tuple[float, float, float] = DEFAULT_SCALE
    metadata: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.metadata.get("name") or self.root.name)

    @property
    def input_size(self) -> int:
        """The network's square input side (metadata, else MobileNet's 224); checked by
        ``load_model_files``."""
        return int(self.metadata.get("input", {}).get("size", [224])[0])

    def xml(self, precision: str) -> Path:
        precision = precision.upper()
        if precision not in self.variants:
            have = ", ".join(self.variants) or "none"
            raise ModelError(f"model {self.name} has no {precision} variant (has: {have})")
        return self.variants[precision]


def read_labels(path: Path) -> tuple[str, ...]:
    """Labels, one a line; Teachable Machine writes '0 rock', so a leading index is dropped."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError(f"no labels file {path}") from None
    except UnicodeDecodeError as exc:
        raise ModelError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") \
            from None
    except OSError as exc:
        raise ModelError(f"cannot read labels {path}: {exc.strerror or exc}") from None
    labels = []
    for line in text.splitlines():
        parts = line.strip().split(maxsplit=1)
        if not parts:
            continue
        labels.append(parts[1] if len(parts) == 2 and parts[0].isdigit() else parts[0])
    if not labels:
        raise ModelError(f"{path} holds no labels")
    return tuple(labels)


def _check_pair(xml: Path) -> Path:
    if not xml.is_file():
        raise ModelError(f"model file missing: {xml}")
    if not xml.with_suffix(".bin").is_file():
        raise ModelError(f"weights file missing: {xml.with_suffix('.bin')} (needed beside {xml})")
    return xml


def load_model_files(path: str | Path | None = None, need_labels: bool = True) -> ModelFiles:
    """Resolve a model folder or .xml path into its variants, labels and metadata (a stage
    that outputs no classes, such as a palm detector, needs no labels)."""
    path = Path(path).expanduser() if path else DEFAULT_MODEL
    if not path.exists():
        raise ModelError(f"no model at {path}: pass --model models/<name> or a model.xml")
    if path.is_file():
        if path.suffix != ".xml":
            raise ModelError(f"{path} is not an OpenVINO IR (.xml); convert it with `rps convert`")
        root = path.parent.parent if path.parent.name.upper() in PRECISIONS else path.parent
        variants = {"FP32": _check_pair(path)}
    else:
        root = path
        variants = {
            p: _check_pair(path / p / "model.xml")
            for p in PRECISIONS
            if (path / p / "model.xml").exists()
        }
        if not variants and (path / "model.xml").exists():
            variants = {"FP32": _check_pair(path / "model.xml")}
        if not variants:
            raise ModelError(f"no model.xml under {path} (expected {path}/FP32/model.xml)")
    meta_path = root / "metadata.json"
    meta = read_metadata(meta_path) if meta_path.is_file() else {}
    labels_path = next((p for p in (root / "labels.txt", path.parent / "labels.txt")
                        if p.is_file()), None)
    if labels_path is not None:
        labels = read_labels(labels_path)
    elif meta.get("labels"):
        labels = tuple(meta["labels"])
    elif not need_labels:
        labels = ()
    else:
        raise ModelError(f"no labels.txt in {root}: one class name per line, in output order")
    inp = meta.get("input", {})
    try:
        mean = tuple(float(v) for v in inp.get("mean", DEFAULT_MEAN))
        scale = tuple(float(v) for v in inp.get("scale", DEFAULT_SCALE))
    except (TypeError, ValueError):
        mean = scale = ()
    if len(mean) != 3 or len(scale) != 3 or 0 in scale:
        raise ModelError(f"{meta_path}: input mean and scale need three values, scale non-zero")
    return ModelFiles(root, variants, labels, mean, scale, meta)  # type: ignore[arg-type]


def read_metadata(path: Path) -> dict:
    """metadata.json, checked for the shape the engine relies on: an object whose ``input``
    is an object with a ``size`` of one or two positive whole numbers and a list of labels."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"corrupt {path}: {exc}") from None
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not isinstance(meta, dict):
        raise ModelError(f"corrupt {path}: expected a JSON object, found {type(meta).__name__}")
    inp = meta.get("input", {})
    size = inp.get("size", [224]) if isinstance(inp, dict) else None
    if not (isinstance(size, list) and 1 <= len(size) <= 2 and all(
            type(v) is int and 0 < v <= 4096 for v in size)):
        raise ModelError(f"{path}: input.size must be [side] or [side, side] in pixels "
                         f"(found {size if isinstance(inp, dict) else inp!r})")
    labels = meta.get("labels", [])
    if not (isinstance(labels, list) and all(isinstance(v, str) for v in labels)):
        raise ModelError(f"{path}: labels must be a list of class names")
    return meta


def _ir_files(root: Path) -> list[Path]:
    """The IR files of a model folder: ``<precision>/model.xml|.bin``, or a bare pair."""
    found = [root / p / f"model{ext}" for p in PRECISIONS for ext in (".xml", ".bin")]
    found += [root / "model.xml", root / "model.bin"]
    return [f for f in found if f.is_file()]


@functools.lru_cache(maxsize=64)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    """Once per process per version of a file (the size and time are the cache key)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def file_digest(path: Path) -> tuple[int, str]:
    """Size and sha256 of a file, hashed once per process per version of it (however the
    path is spelled: the folder's stamp check and the served name share one hash)."""
    st = path.stat()
    return st.st_size, _sha256(str(path.resolve()), st.st_size, st.st_mtime_ns)


def stamp_model(root: Path) -> dict:
    """Record in ``root``/metadata.json the size and sha256 of each IR file of the folder,
    for ``check_ir``; every tool that writes a model folder calls this last."""
    meta_path = root / "metadata.json"
    meta = read_metadata(meta_path) if meta_path.is_file() else {}
    meta["files"] = {f.relative_to(root).as_posix(): dict(zip(("size", "sha256"), file_digest(f),
                                                              strict=True))
                     for f in _ir_files(root)}
    write_text(meta_path, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    return meta


def check_ir(xml: Path) -> None:
    """Raise ModelError naming the file when ``xml`` or its ``.bin`` differs from the size
    and sha256 recorded in the folder's metadata.json. A folder with no record (made
    before stamps, or by hand) is not checked."""
    root = xml.parent.parent if xml.parent.name.upper() in PRECISIONS else xml.parent
    meta_path = root / "metadata.json"
    stamps = read_metadata(meta_path).get("files") if meta_path.is_file() else None
    if not isinstance(stamps, dict):
        return
    for path in (xml, xml.with_suffix(".bin")):
        want = stamps.get(path.relative_to(root).as_posix())
        if not isinstance(want, dict):
            continue
        try:
            size, sha = file_digest(path)
        except OSError as exc:
            raise ModelError(f"cannot read {path}: {exc.strerror or exc}") from None
        if size != want.get("size") or sha != want.get("sha256"):
            what = (f"{size} bytes where {meta_path.name} records {want.get('size')}"
                    if size != want.get("size") else f"its sha256 differs from {meta_path.name}'s")
            raise ModelError(f"{path} is damaged or belongs to another model ({what}); copy "
                             "the model folder again, or convert it again")
