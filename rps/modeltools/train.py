"""`rps train`: MobileNet v1 (alpha 0.25) with a small head, trained on composited scenes.

Needs the ``train`` extra (TensorFlow / Keras); nothing in play or bench imports this.
Every sample is drawn fresh each epoch by ``rps.modeltools.synth``: a CGI hand cut out and placed
on a generated background with webcam distortions, or an empty ``none`` view made from
the same backgrounds, then squashed 4:3 -> square exactly as the engine resizes frames.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rps.errors import RpsError
from rps.inference.modelfiles import SHARED
from rps.modeltools.dataset import Sample, held_out_real, scan, split_by_group
from rps.modeltools.quiet import import_keras
from rps.modeltools.report import classification_report, save_report
from rps.modeltools.samples import (
    SIZE,
    load_hands,
    load_real_hands,
    make_set,
    render,
    to_input,
    training_photos,
)
from rps.types import CLASSES
from rps.userdata.files import write_text

SHARED_WEIGHTS = SHARED / "weights" / "mobilenet_v1_0.25_224_imagenet_no_top.h5"
CREDIT = "Rock Paper Scissors dataset by Laurence Moroney, CC BY 2.0"
REAL_CREDIT = "rps-cv images by Julien de la Bruère-Terreault, CC BY-SA 4.0"


def build_model(weights: str | None, dropout: float = 0.3):
    import keras

    base = keras.applications.MobileNet(input_shape=(SIZE, SIZE, 3), alpha=0.25,
                                        include_top=False, weights=weights)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(base.output)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    out = keras.layers.Dense(len(CLASSES), activation="softmax", name="scores")(x)
    return keras.Model(base.input, out, name="rps_mobilenet"), base


@dataclass
class TrainConfig:
    data: Path
    out: Path
    weights: str | None = None  # None: shared weights if present, else Keras' imagenet
    head_epochs: int = 3
    epochs: int = 12
    batch: int = 32
    seed: int = 0
    limit: int = 0  # images per class (0 = all), for quick runs and tests
    none_ratio: float = 0.35  # none scenes per gesture image
    use_val: bool = False  # also train on the validation groups (the final, shipped model)
    real: Path | None = None  # real hands on green (rps-cv) composited beside the CGI ones


def _batches(cfg: TrainConfig, hands: list, photos: list, epoch: int):
    import keras

    class Scenes(keras.utils.PyDataset):
        """Fresh composites each epoch; a worker thread renders while TF trains."""

        def __init__(self) -> None:
            super().__init__(workers=1, use_multiprocessing=False)
            rng = np.random.default_rng((cfg.seed, epoch))
            items = [*hands, *([None] * int(len(hands) * cfg.none_ratio))]
            self.order = [items[i] for i in rng.permutation(len(items))]

        def __len__(self) -> int:
            return max(1, len(self.order) // cfg.batch)

        def __getitem__(self, i: int):
            rng = np.random.default_rng((cfg.seed, epoch, i))
            part = self.order[i * cfg.batch:(i + 1) * cfg.batch]
            x = np.stack([to_input(render(it, rng, hands, photos)) for it in part])
            y = np.array([0 if it is None else it[2] for it in part])
            return x, y

    return Scenes()


def train(cfg: TrainConfig) -> dict:
    """Train, report on the held-out render groups, and save Keras, SavedModel and labels."""
    keras = import_keras()

    keras.utils.set_random_seed(cfg.seed)
    split = split_by_group(scan(cfg.data))
    if cfg.limit:
        split = {k: _limit(v, cfg.limit) for k, v in split.items()}
    if not split["train"]:
        raise RpsError(f"{cfg.data}: no training images after the split")
    weights = cfg.weights or (str(SHARED_WEIGHTS) if SHARED_WEIGHTS.is_file() else "imagenet")
    if weights == "none":  # random initialisation: offline tests, or training from scratch
        weights = None
    elif weights != "imagenet" and not Path(weights).is_file():
        raise RpsError(f"no weights file at {weights}")
    hands = {k: load_hands([s for s in v if s.label != "none"]) for k, v in split.items()}
    if cfg.real is not None:
        real = real_split(scan(cfg.real))
        if cfg.limit:
            real = {k: _limit(v, cfg.limit) for k, v in real.items()}
        hands["train"] += load_real_hands(real["train"])
        hands["real_test"] = load_real_hands(real["test"])
    rng = np.random.default_rng(cfg.seed + 1000)
    val_x, val_y = make_set(hands["val"] or hands["train"][:64], 60, rng, [])
    model, base = build_model(weights)
    cfg.out.mkdir(parents=True, exist_ok=True)
    history: list[dict] = []
    t0 = time.perf_counter()
    train_hands = hands["train"] + (hands["val"] if cfg.use_val else [])
    photos = training_photos()
    steps = len(_batches(cfg, train_hands, [], 0))
    # The head learns first on a frozen backbone; then everything but BatchNorm is
    # fine-tuned with a cosine-decaying rate.
    phases = [("head", cfg.head_epochs, 1e-3, False),
              ("fine-tune", cfg.epochs, keras.optimizers.schedules.CosineDecay(
                  2e-4, max(1, cfg.epochs * steps), alpha=0.02), True)]
    epoch = 0
    for name, n, lr, unfreeze in phases:
        for layer in base.layers:  # BatchNorm stays frozen: small batches would wreck it
            is_bn = isinstance(layer, keras.layers.BatchNormalization)
            layer.trainable = unfreeze and not is_bn
        model.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        for _ in range(n):
            h = model.fit(_batches(cfg, train_hands, photos, epoch), epochs=1, verbose=0,
                          validation_data=(val_x, val_y), validation_batch_size=64)
            row = {k: float(v[-1]) for k, v in h.history.items()}
            history.append({"epoch": epoch, "phase": name, **row})
            print(f"epoch {epoch:2d} {name:9s} loss {row['loss']:.3f} acc {row['accuracy']:.3f}"
                  f" val_acc {row['val_accuracy']:.3f}  ({time.perf_counter() - t0:.0f} s)")
            epoch += 1
    return _finish(cfg, model, hands, split, history, time.perf_counter() - t0)


def real_split(samples: list[Sample]) -> dict[str, list[Sample]]:
    """rps-cv has no render groups: the held-out seventh is kept for the report."""
    return {"train": [s for s in samples if not held_out_real(s.path)],
            "test": [s for s in samples if held_out_real(s.path)]}


def _limit(samples: list[Sample], n: int) -> list[Sample]:
    out: list[Sample] = []
    for label in CLASSES:
        out += [s for s in samples if s.label == label][:n]
    return out


def _finish(cfg: TrainConfig, model, hands: dict, split: dict, history: list,
            seconds: float) -> dict:
    rng = np.random.default_rng(cfg.seed + 2000)
    test_items = hands["test"]
    x = np.stack([to_input(img) for img, _, _ in test_items]) if test_items else None
    nx, ny = make_set([], max(1, len(test_items) // 3), rng, [])
    xs = nx if x is None else np.concatenate([x, nx])
    ys = np.concatenate([np.array([c for _, _, c in test_items], dtype=int), ny])
    pred = model.predict(xs, batch_size=64, verbose=0).argmax(1)
    report = classification_report(ys, pred, CLASSES)
    real_report = None
    if hands.get("real_test"):  # held-out real hands, composited into unseen scenes
        rx, ry = make_set(hands["real_test"], 0, rng, [], plain_p=0.0)
        real_report = classification_report(ry, model.predict(rx, batch_size=64, verbose=0)
                                            .argmax(1), CLASSES)
        print(f"held-out real hands in generated scenes: {real_report['accuracy']:.4f} "
              f"on {len(ry)}")
    model.save(cfg.out / "model.keras")
    model.export(str(cfg.out / "saved_model"), verbose=False)
    write_text(cfg.out / "labels.txt", "\n".join(CLASSES) + "\n")
    summary = {
        "data": str(cfg.data), "credit": CREDIT + ("; " + REAL_CREDIT if cfg.real else ""),
        "seconds": round(seconds, 1),
        "groups": {k: sorted({s.group for s in v}) for k, v in split.items()},
        "test": report, "real_test": real_report, "history": history,
        "config": {k: str(v) for k, v in vars(cfg).items()},
    }
    save_report(summary, cfg.out / "report", title="Held-out render groups + generated none")
    print(f"held-out accuracy {report['accuracy']:.4f} on {len(ys)} images -> {cfg.out}")
    return summary
