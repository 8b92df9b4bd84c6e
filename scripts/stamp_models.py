"""Record the size and sha256 of each IR file of the shipped model folders (or of the
folders given) in their metadata.json, as every tool that writes a model does; rps checks
them at every load. Run it after replacing a shipped model's files by hand or with a tool
from before stamps:

    python scripts/stamp_models.py [FOLDER ...]      # default: every folder in rps/models
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rps.inference.modelfiles import SHIPPED_MODELS, stamp_model
from rps.types import PRECISIONS


def is_model(folder: Path) -> bool:
    return any((folder / p / "model.xml").is_file() for p in PRECISIONS)


def model_folders(root: Path) -> list[Path]:
    """Folders under ``root`` holding ``<precision>/model.xml``."""
    return sorted(d for d in root.rglob("*") if d.is_dir() and is_model(d))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, help="model folders (default: all shipped)")
    args = ap.parse_args()
    folders = args.folders or model_folders(SHIPPED_MODELS)
    for folder in folders:
        if not is_model(folder):
            print(f"{folder}: no <precision>/model.xml inside", file=sys.stderr)
            return 2
        files = stamp_model(folder)["files"]
        print(f"{folder}: {len(files)} files stamped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
