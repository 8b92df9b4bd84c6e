"""`rps train`: which trainer each recognizer has, so the command names none of them.
TensorFlow and the trainers load only when one runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rps.errors import RpsError
from rps.inference.modelfiles import SHARED

TRAINABLE = ("cnn", "hand")  # `rps train --recognizer`; the first is its default


@dataclass(frozen=True)
class TrainRequest:
    """What `rps train` was asked for; each trainer takes the fields it knows."""

    data: Path
    out: Path
    real: Path | None  # real hands on green, trained on beside the CGI ones
    more: tuple[Path, ...] | None = None  # hand: real-more sets (None: the shared ones)
    seed: int = 0
    weights: str | None = None
    head_epochs: int = 3
    epochs: int = 24
    batch: int = 32
    limit: int = 0
    use_val: bool = False


def train(kind: str, req: TrainRequest) -> None:
    if kind == "hand":
        from rps.modeltools.train_hand import HandTrainConfig, train_hand

        more = req.more if req.more is not None else tuple(sorted(
            p for p in (SHARED / "data" / "real-more").glob("*") if p.is_dir()))
        train_hand(HandTrainConfig(req.data, req.real, req.out, more, seed=req.seed))
    elif kind == "cnn":
        from rps.modeltools.train import TrainConfig
        from rps.modeltools.train import train as train_cnn

        train_cnn(TrainConfig(data=req.data, out=req.out, weights=req.weights,
                              head_epochs=req.head_epochs, epochs=req.epochs, batch=req.batch,
                              seed=req.seed, limit=req.limit, use_val=req.use_val,
                              real=req.real))
    else:
        raise RpsError(f"rps train has no trainer for the {kind} recognizer "
                       f"(it trains {', '.join(TRAINABLE)})")
