"""Teach mode inside the window: prompts and recording, then a background refit and a hot
swap to the personal model, like a device switch. O toggles shipped / personal.

With a recognizer that reads hands each recorded frame keeps the landmarks the engine read
from it (the hand recognizer refits its landmark classifier on them, in a fraction of a
second); when its hands were missed in too many of the player's frames (a dim grey camera,
say) the flow offers a recognizer of whole frames instead, refitted on the same frames
(Y), so every room has a way to a working game. Which recognizer, and how it is refitted,
is asked of ``rps.modeltools.personal``; the timing, hints and near-duplicate check are
pure (``rps.game.teach``); this adds the frames, the disk and the refit thread, and
reports through the game's message line and toasts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent import futures

import numpy as np

from rps.errors import RpsError, check_writable, describe
from rps.game import Game, State
from rps.game.teach import TeachSession, landmark_descriptor
from rps.modeltools import personal
from rps.modeltools.collect import Recorder, thumbnail
from rps.pipeline import Pipeline
from rps.types import Hand, Prediction, RecognizerModel

LOADING = "Your personal model is loading (O returns to the shipped one)"


class TeachFlow:
    """Records the player's gestures from the pipeline and refits off the display thread."""

    def __init__(self, pipe: Pipeline, game: Game, toast: Callable[[str], None],
                 recorder: Recorder | None = None):
        self.pipe = pipe
        self.game = game
        self.toast = toast
        self.shipped: RecognizerModel = pipe.model
        self.recorder = recorder or Recorder()
        self.settings = {"per_class": 30, "rate": 5.0, "countdown": 3.0}
        self.session: TeachSession | None = None
        self.offer: str | None = None  # hands missed too often: Y teaches this one instead
        self.last: Prediction | None = None
        self._seq = -1
        self._hands: list[tuple[np.ndarray, str]] = []  # landmarks, class
        self._missed: dict[str, int] = {}
        self._total: dict[str, int] = {}
        self._writer = futures.ThreadPoolExecutor(1, thread_name_prefix="rps-teach-write")
        self._writes: list[futures.Future] = []
        self._retrain: threading.Thread | None = None
        self._result: RecognizerModel | RpsError | None = None

    @property
    def reads_hands(self) -> bool:
        return self.shipped.max_hands > 0

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
        if self.game.state == State.MATCH_OVER:
            self.game.reset()  # the end screen does not come back after teach mode
        self.game.cancel_round("Teach mode: follow the prompts (T stops)")
        self.session = TeachSession(time.perf_counter, **self.settings)
        self._hands, self._missed, self._total, self.offer = [], {}, {}, None

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
            self._hands.append((hand.landmarks, label))
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

    def recording(self) -> personal.Recording:
        return personal.Recording(self.recorder.root, tuple(self._hands), dict(self._missed),
                                  dict(self._total))

    def _finished(self) -> None:
        if not self._writes_ok(wait=True):  # the refit reads the folder
            return
        if not self.shipped.teachable:
            self.game.message = f"{self.shipped.name} cannot be taught; frames kept"
            return
        why = personal.problem(self.shipped, self.recording())
        other = personal.fallback(self.shipped) if why is not None else None
        if other is not None:
            self.offer = other
            found = personal.hands_found(self.recording())
            self.game.message = (f"Your hand was found in only {found:.0%} of the frames: "
                                 f"press Y to teach the {other} recognizer on them instead")
        else:
            self.retrain(None)

    def accept(self) -> None:
        """Y: teach the offered recognizer on the recording the serving one could not read."""
        if self.offer is None:
            return
        kind, self.offer = self.offer, None
        self.retrain(kind)

    def retrain(self, kind: str | None) -> None:
        """Refit ``kind`` (None: the shipped model's own) in a background thread; the next
        steps swap the result in."""
        self.game.message = "Retraining on your frames..."
        self._retrain = threading.Thread(target=self._retrain_run, args=(kind,),
                                         name="rps-retrain", daemon=True)
        self._retrain.start()

    @property
    def retraining(self) -> bool:
        """A refit is running or its result has not been swapped in yet."""
        return self._retrain is not None

    def _retrain_run(self, kind: str | None) -> None:
        try:
            self._result = personal.refit(self.shipped, self.recording(), kind)
        except RpsError as exc:
            self._result = exc
        except Exception as exc:  # reported in the window, never a crash
            self._result = RpsError(f"retraining failed: {exc}")

    def _check_retrain(self) -> None:
        if self._retrain is None or self._retrain.is_alive():
            return
        self._retrain = None
        result, self._result = self._result, None
        if isinstance(result, RpsError) or result is None:
            self.game.message = f"Retraining failed: {result}"
            return
        self.pipe.switch(model=result)
        self.game.message = LOADING

    def toggle_model(self) -> None:
        serving = self.pipe.model
        if serving.root != self.shipped.root:
            self.toast(f"Back to {self.shipped.name}...")
            self.pipe.switch(model=self.shipped.with_hands(serving.max_hands))
            return
        kinds = [self.shipped.kind, personal.fallback(self.shipped)]
        for kind in filter(None, kinds):  # the recognizer's own personal model first
            try:
                model = personal.load_personal(kind, like=serving)
            except RpsError:
                continue
            self.toast(f"Switching to {model.name}...")
            self.pipe.switch(model=model)
            return
        self.toast("No personal model yet: press T to teach it your hand")
