"""Teach mode inside the window: prompts and recording, then a background refit and a hot
swap to the personal model, like a device switch. O toggles shipped / personal.

With the hand recognizer each recorded frame keeps the landmarks the engine read from it,
and the refit is the landmark classifier's last layer (a fraction of a second); when the
palm detector missed too many of the player's frames (a dim grey camera, say) the flow
offers the CNN instead, refitted on the same frames (Y), so every room has a way to a
working game. With the CNN the frames refit its head, as before. The timing, hints and
near-duplicate check are pure (``rps.game.teach``); this adds the frames, the disk and the
refit thread, and reports through the game's message line and toasts.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from concurrent import futures
from pathlib import Path

import numpy as np

from rps.errors import RpsError, check_writable, describe
from rps.game import Game
from rps.game.teach import TeachSession, landmark_descriptor
from rps.modeltools.collect import Recorder, thumbnail
from rps.modeltools.personalize import personalize
from rps.modeltools.refit_hand import coverage_problem, hand_coverage, refit_hand
from rps.pipeline import Pipeline
from rps.recognizers.cnn import CnnModel, load_cnn
from rps.recognizers.hand.recognizer import HandModel, load_hand
from rps.types import Hand, Prediction, RecognizerModel
from rps.userdata import personal_model


class TeachFlow:
    """Records the player's gestures from the pipeline and refits off the display thread."""

    def __init__(self, pipe: Pipeline, game: Game, toast: Callable[[str], None],
                 recorder: Recorder | None = None, personal_dir: Path | None = None,
                 personal_hand_dir: Path | None = None):
        self.pipe = pipe
        self.game = game
        self.toast = toast
        self.shipped: RecognizerModel = pipe.model
        self.recorder = recorder or Recorder()
        self.personal_dir = personal_dir or personal_model("personal")  # the CNN's
        self.personal_hand_dir = personal_hand_dir or personal_model("personal-hand")
        self.settings = {"per_class": 30, "rate": 5.0, "countdown": 3.0}
        self.session: TeachSession | None = None
        self.offer_cnn = False  # the hand was missed too often: Y refits the CNN instead
        self.last: Prediction | None = None
        self._seq = -1
        self._hands: list[tuple[np.ndarray, int]] = []  # landmarks, class index
        self._missed: dict[str, int] = {}
        self._total: dict[str, int] = {}
        self._writer = futures.ThreadPoolExecutor(1, thread_name_prefix="rps-teach-write")
        self._writes: list[futures.Future] = []
        self._retrain: threading.Thread | None = None
        self._result: RecognizerModel | RpsError | None = None

    @property
    def reads_hands(self) -> bool:
        return isinstance(self.shipped, HandModel)

    @property
    def active(self) -> bool:
        return self.session is not None

    def feed(self, p: Prediction) -> None:
        self.last = p

    def toggle(self) -> None:
        if self.session is not None:
            self.session.cancel()
            self.session = None
            self.toast(f"Teach mode stopped; frames so far are kept in {self.recorder.root}")
            return
        if self._retrain is not None:
            self.toast("Still retraining - one moment")
            return
        try:  # find out now, not three seconds into the first class
            check_writable(self.recorder.root)
        except RpsError as exc:
            self.toast(f"Teach mode needs somewhere to keep your frames: {exc}")
            return
        self.game.cancel_round("Teach mode: follow the prompts (T stops)")
        self.session = TeachSession(time.perf_counter, **self.settings)
        self._hands, self._missed, self._total, self.offer_cnn = [], {}, {}, False

    def step(self) -> None:
        """Record a frame when the session says so; refit when it is complete; swap in the
        result when the refit is done."""
        t, frame, p = self.session, self.pipe.latest, self.last
        if t is not None:
            # The frame and the reading of it (or of the one before: a frame may land
            # between the two) belong together.
            if frame is not None and frame.seq != self._seq and p is not None and \
                    frame.seq - p.seq <= 1 and t.due():
                self._seq = frame.seq
                label = t.step.label  # type: ignore[union-attr]
                hand = p.hands[0] if p.hands else None
                h, w = frame.image.shape[:2]
                descriptor = landmark_descriptor(hand.landmarks, (w, h)) if hand is not None \
                    else thumbnail(frame.image)
                if t.offer(descriptor) and not self._save(label, frame.image, hand):
                    return
            if t.done:
                self.session = None
                self._finished()
        self._check_retrain()

    def _save(self, label: str, image: np.ndarray, hand: Hand | None) -> bool:
        """Queue the frame for the writer thread (a JPEG and an fsync can take longer than
        a display frame); a write that failed stops the session here, with why."""
        if not self._writes_ok():
            return False
        self._writes.append(self._writer.submit(self.recorder.save, label, image))
        self._total[label] = self._total.get(label, 0) + 1
        if hand is None:
            self._missed[label] = self._missed.get(label, 0) + 1
        elif self.reads_hands:
            self._hands.append((hand.landmarks, self.shipped.files.labels.index(label)))
        return True

    def _writes_ok(self, wait: bool = False) -> bool:
        """Whether every queued frame reached the disk (``wait``: once they are written)."""
        if wait:
            futures.wait(self._writes)
        failed = next((f.exception() for f in self._writes if f.done() and f.exception()),
                      None)
        self._writes = [f for f in self._writes if not f.done()]
        if failed is None:
            return True
        why = describe(failed) if isinstance(failed, OSError) else str(failed)
        self.session, self._writes = None, []
        self.toast(f"Teach mode stopped: a frame could not be saved ({why})")
        return False

    def close(self) -> None:
        """Write every recorded frame before the window goes (nothing recorded is lost)."""
        self._writer.shutdown(wait=True)

    def _finished(self) -> None:
        if not self._writes_ok(wait=True):  # the refit reads the folder
            return
        if not self.reads_hands:
            self.retrain("cnn")
        elif coverage_problem(self._missed, self._total) is not None:
            self.offer_cnn = True
            found = hand_coverage(self._missed, self._total)
            self.game.message = (f"Your hand was found in only {found:.0%} of the frames: "
                                 "press Y to teach the CNN on them instead")
        else:
            self.retrain("hand")

    def accept_cnn(self) -> None:
        """Y: refit the CNN on the recording the hand recognizer could not read."""
        if not self.offer_cnn:
            return
        self.offer_cnn = False
        self.retrain("cnn")

    def retrain(self, kind: str) -> None:
        """Refit in a background thread; the next steps swap the result in."""
        self.game.message = "Retraining on your frames..."
        self._retrain = threading.Thread(target=self._retrain_run, args=(kind,),
                                         name="rps-retrain", daemon=True)
        self._retrain.start()

    @property
    def retraining(self) -> bool:
        """A refit is running or its result has not been swapped in yet."""
        return self._retrain is not None

    def _retrain_run(self, kind: str) -> None:
        try:
            if kind == "hand":
                lms = np.stack([lm for lm, _ in self._hands]) if self._hands else \
                    np.zeros((0, 21, 3), np.float32)
                refit_hand(lms, np.array([y for _, y in self._hands], int), self.shipped.root,
                           self.personal_hand_dir)
                self._result = self._load_personal("hand")
            else:
                cnn = self.shipped.root if isinstance(self.shipped, CnnModel) else None
                personalize(self.recorder.root, cnn, self.personal_dir)
                self._result = self._load_personal("cnn")
        except RpsError as exc:
            self._result = exc
        except Exception as exc:  # reported in the window, never a crash
            self._result = RpsError(f"retraining failed: {exc}")

    def _load_personal(self, kind: str) -> RecognizerModel:
        if kind == "hand":
            return load_hand(self.personal_hand_dir, max_hands=self.shipped.max_hands)
        return load_cnn(self.personal_dir)

    def _check_retrain(self) -> None:
        if self._retrain is None or self._retrain.is_alive():
            return
        self._retrain = None
        result, self._result = self._result, None
        if isinstance(result, RpsError) or result is None:
            self.game.message = f"Retraining failed: {result}"
            return
        self.pipe.switch(model=result)
        self.game.message = "Your personal model is loading (O returns to the shipped one)"

    def toggle_model(self) -> None:
        serving = self.pipe.engine.model  # type: ignore[union-attr]
        if serving.root != self.shipped.root:
            self.toast(f"Back to {self.shipped.name}...")
            self.pipe.switch(model=_like(self.shipped, serving))
            return
        kinds = ("hand", "cnn") if self.reads_hands else ("cnn",)
        for kind in kinds:  # the recognizer's own personal model first
            try:
                personal = self._load_personal(kind)
            except RpsError:
                continue
            self.toast(f"Switching to {personal.name}...")
            self.pipe.switch(model=_like(personal, serving))
            return
        self.toast("No personal model yet: press T to teach it your hand")


def _like(model: RecognizerModel, serving: RecognizerModel) -> RecognizerModel:
    """``model`` tracking as many hands as the one serving (two players need two)."""
    if isinstance(model, HandModel) and isinstance(serving, HandModel):
        return dataclasses.replace(model, max_hands=serving.max_hands)
    return model
