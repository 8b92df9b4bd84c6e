"""`rps train --recognizer hand`: the gesture classifier on hand landmarks.

Landmarks are read from the CGI renders, the real hands on green (rps-cv-real) and the
real-more webcam sets (non-throw poses as none; whole sessions held out) with the shipped
MediaPipe stages; a small Keras MLP learns the four classes from pose features
(rps.recognizers.hand.features) of those hands, of copies turned out of the image plane,
and of recombined `none` poses; it is converted to IR so it runs through OpenVINO like the
rest. Held out and reported: the CGI test render groups and one in seven real hands.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import openvino as ov

from rps.errors import RpsError
from rps.inference.core import save_ir
from rps.inference.modelfiles import stamp_model
from rps.modeltools.dataset import held_out_session, render_group, split_by_group
from rps.modeltools.hand_data import HandSet, read_folder, training_features
from rps.modeltools.report import classification_report
from rps.recognizers.hand.features import SIZE, batch
from rps.types import CLASSES

CREDITS = ["Rock Paper Scissors dataset by Laurence Moroney, CC BY 2.0",
           "rps-cv images by Julien de la Bruère-Terreault, CC BY-SA 4.0",
           "MediaPipe Hands palm detection and hand landmark models, Google, Apache-2.0"]
MORE_CREDITS = {  # real-more sets (../shared/data/real-more/*/SOURCE.txt), when trained on
    "subhih-webcam": "HandsDataset by SubhiH, Apache-2.0",
    "epsrc-fingers": "Human-Robot Finger-Counting Dataset by EPSRC-NUMBERS, CC BY-SA 4.0",
    "far-emrecandir9": "custom-gesture-dataset by emrecandir9, MIT",
    "sign-digits": "Sign Language Digits Dataset by Arda Mavi, Zeynep Dikle and the students "
                   "of Ayranci Anadolu High School, Apache-2.0"}


@dataclass
class HandTrainConfig:
    cgi: Path
    real: Path | None
    out: Path
    more: tuple[Path, ...] = ()  # real-more sets: trained on, whole sessions held out
    spoiled: bool = True  # also train on hands read from spoiled copies (degrade.spoil)
    epochs: int = 60
    copies: int = 4  # turned / jittered copies of each hand
    none_share: float = 0.3  # recombined `none` poses, as a share of the real hands
    seed: int = 0
    cache: Path = Path("runs/hand-landmarks")


def split(hands: HandSet, cgi: bool) -> tuple[HandSet, HandSet]:
    """CGI: the test render groups held out (as for the CNN); real hands: 1 in 7 by a hash
    of the file name (there are no groups); real-more: whole sessions
    (``dataset.held_out_session``)."""
    if cgi:
        from rps.modeltools.dataset import Sample

        samples = [Sample(Path(p), CLASSES[y], render_group(Path(p)))
                   for p, y in zip(hands.paths, hands.labels, strict=True)]
        test = {str(s.path) for s in split_by_group(samples)["test"]}
        held = np.array([p in test for p in hands.paths])
    else:
        held = np.array([held_out_session(Path(p)) for p in hands.paths])

    def pick(mask: np.ndarray) -> HandSet:
        return HandSet(hands.landmarks[mask], hands.labels[mask],
                       [p for p, m in zip(hands.paths, mask, strict=True) if m], 0)

    return pick(~held), pick(held)


def build_mlp(x: np.ndarray, seed: int):
    import keras

    keras.utils.set_random_seed(seed)
    norm = keras.layers.Normalization()
    norm.adapt(x)
    model = keras.Sequential([
        keras.Input((SIZE,)), norm,
        keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.2),
        keras.layers.Dense(64, activation="relu"), keras.layers.Dropout(0.1),
        keras.layers.Dense(len(CLASSES), activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _need_keras() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        import keras  # noqa: F401
    except ImportError:
        raise RpsError("training needs TensorFlow: pip install 'rps[train]'") from None


def gather(cfg: HandTrainConfig) -> dict[str, tuple[HandSet, HandSet]]:
    """(train, held out) hands of each set, by the name its held-out part is reported as."""
    sets = {}
    for folder in [cfg.cgi] + ([cfg.real] if cfg.real is not None else []) + list(cfg.more):
        name = "cgi_test_groups" if folder == cfg.cgi else "real_held_out" \
            if folder == cfg.real else f"{folder.name}_held_out"
        train, test = split(read_folder(folder, cfg.cache), cgi=folder == cfg.cgi)
        if cfg.spoiled:  # the spoiled readings of the training images only
            train = join([train, split(read_folder(folder, cfg.cache, spoiled=True),
                                       cgi=folder == cfg.cgi)[0]])
        sets[name] = (train, test)
    return sets


def join(parts: list[HandSet]) -> HandSet:
    return HandSet(np.concatenate([s.landmarks for s in parts]),
                   np.concatenate([s.labels for s in parts]), [p for s in parts for p in s.paths],
                   sum(s.missed for s in parts))


def fit(train: HandSet, cfg: HandTrainConfig):
    """The MLP fitted on ``train`` (turned copies and recombined `none` poses added); with
    the unturned features, which become teach mode's anchors."""
    n_none = int(cfg.none_share * len(train.labels))
    x, y = training_features(train, cfg.copies, n_none, cfg.seed)
    model = build_mlp(x, cfg.seed)
    order = np.random.default_rng(cfg.seed).permutation(len(y))
    model.fit(x[order], y[order], epochs=cfg.epochs, batch_size=256, verbose=0)
    return model, (x[:len(train.labels) + n_none], y[:len(train.labels) + n_none])


def train_hand(cfg: HandTrainConfig) -> dict:
    _need_keras()
    sets = gather(cfg)
    train = join([tr for tr, _ in sets.values()])
    model, anchors = fit(train, cfg)
    report = {}
    for name, (_, test) in sets.items():
        pred = model.predict(batch(list(test.landmarks)), verbose=0).argmax(1)
        report[name] = classification_report(test.labels, pred, CLASSES)
        print(f"{name}: {report[name]['accuracy']:.2%} of {len(test.labels)} hands")
    xn, yn = training_features(HandSet(train.landmarks, train.labels, [], 0), 0,
                               len(train.labels) // 4, cfg.seed + 1)
    nones = yn == 0
    report["recombined_none_fresh"] = float((model.predict(xn[nones], verbose=0).argmax(1)
                                             == 0).mean())
    export(model, cfg.out, report, {"train_hands": len(train.labels),
                                    "none_poses": int(cfg.none_share * len(train.labels)),
                                    "copies": cfg.copies, "epochs": cfg.epochs,
                                    "sets": list(sets)}, anchors)
    return report


def leave_one_source_out(cfg: HandTrainConfig) -> dict:
    """The recipe's reading of a source it never saw: for each real-more set, the classifier
    fitted without any of it (the other sets' training parts only) reads all of its hands;
    images where no hand was found count as read `none`. Per class, the shares read as each
    class (``read_as``; its own is the share read right): a source's `none` that reads as
    one throw is a pose the other sources call that throw."""
    _need_keras()
    sets = gather(cfg)
    out = {}
    for folder in cfg.more:
        name = f"{folder.name}_held_out"
        model, _ = fit(join([tr for k, (tr, _) in sets.items() if k != name]), cfg)
        whole = read_folder(folder, cfg.cache)
        pred = model.predict(batch(list(whole.landmarks)), verbose=0).argmax(1)
        missed = missed_labels(folder, whole)
        out[folder.name] = read_as(np.concatenate([whole.labels, missed]),
                                   np.concatenate([pred, np.zeros(len(missed), int)]))
        print(folder.name, "; ".join(
            f"{c} {shares[c]:.1%}" + "".join(f", as {k} {f:.1%}" for k, f in shares.items()
                                             if k != c and f > 0)
            for c, shares in out[folder.name].items()), flush=True)
    return out


def read_as(truth: np.ndarray, got: np.ndarray) -> dict[str, dict[str, float]]:
    """Per class present in ``truth``, the shares of it read as each class (class indices
    into CLASSES); its own share is the share read right."""
    return {c: {k: float((got[truth == i] == j).mean()) for j, k in enumerate(CLASSES)}
            for i, c in enumerate(CLASSES) if (truth == i).any()}


def missed_labels(folder: Path, hands: HandSet) -> np.ndarray:
    """The classes of the images of ``folder`` in which no hand was found."""
    from rps.modeltools.dataset import scan

    found = set(hands.paths)
    return np.array([CLASSES.index(s.label) for s in scan(folder) if str(s.path) not in found],
                    int)


def export(model, out: Path, report: dict, recipe: dict,
           anchors: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """IR FP32 / FP16 of the classifier with labels and metadata (credits, licence), and
    ``anchors.npz`` from the training features ``anchors`` (x, y) for teach mode."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model.export(str(Path(tmp) / "saved_model"), verbose=False)
        ir = ov.convert_model(str(Path(tmp) / "saved_model"))
    for p in ("FP32", "FP16"):
        save_ir(ir, out / p / "model.xml", compress_to_fp16=(p == "FP16"))
    (out / "labels.txt").write_text("\n".join(CLASSES) + "\n")
    meta = {
        "name": out.name, "kind": "hand-gesture-classifier", "labels": list(CLASSES),
        "input": {"features": SIZE, "from": "rps.recognizers.hand.features"},
        "stages": "../mediapipe-hands", "date": date.today().isoformat(),
        "credit": "; ".join(CREDITS + [MORE_CREDITS[k.removesuffix("_held_out")]
                                       for k in recipe.get("sets", ())
                                       if k.removesuffix("_held_out") in MORE_CREDITS]),
        "licence": "CC BY-SA 4.0 (the weights: trained on "
        "rps-cv images); the code that made them keeps its own licence",
        "accuracy": {k: v["accuracy"] if isinstance(v, dict) else v for k, v in report.items()},
        "recipe": recipe,
    }
    (out / "metadata.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    (out / "training-report.json").write_text(json.dumps(report, indent=2) + "\n")
    if anchors is not None:
        from rps.modeltools.refit_hand import write_anchors

        write_anchors(out, *anchors)
    stamp_model(out)  # the size and sha256 of each IR file, checked at every load
