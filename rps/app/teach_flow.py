"""Teach mode inside the window: prompts and recording, then a background refit and a hot
swap to the personal model, like a device switch. O toggles shipped / personal.

With a recognizer that reads hands only frames with a hand found are recorded for a hand
prompt, each with the landmarks the engine read from it (the hand recognizer refits its
landmark classifier on them, in about a second); when no hand is found in most frames for
a few seconds (a dim grey camera, say) the step is given up and the flow offers a
recognizer of whole frames instead (Y), recorded again with its own rule (frames that
differ from the empty room), so every room has a way to a working game. Frames already
recorded stay. A refit that reads the recording's held-out frames worse than the model it
replaces is not applied, and the window says so with the figures. Which recognizer, and
how it is refitted, is asked of ``rps.modeltools.personal``; what to record is pure
(``rps.game.teach``); this adds the frames, the disk and the refit thread, and reports
through the game's message line and toasts.
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
from rps.modeltools.fitcheck import FitCheck, RefitRefused
from rps.pipeline import Pipeline
from rps.types import Hand, Prediction, RecognizerModel

# What teach mode ends with, one line each, short enough for a 640-pixel window: the
# figures are the point (the layout test renders these at 640 x 360).
LOADING = "Loading your model"
SERVED = "Your model is on: {figures} (O: shipped)"
REFUSED = "Kept the {kept} model, the refit is worse: {figures}"  # kept: "shipped", a name
LOST = "Hand found in {found:.0%} of frames: Y teaches the {other} instead, T retries"
DIM = "Hand found in {found:.0%} of frames: more light or closer, then T"


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
        self.kind: str | None = None  # the recognizer this session teaches (None: serving's)
        self.figures = ""  # the last refit's k-fold figures, for the window
        self.last: Prediction | None = None
        self._seq = -1
        self._hands: list[tuple[np.ndarray, str]] = []  # landmarks, class
        self._writer = futures.ThreadPoolExecutor(1, thread_name_prefix="rps-teach-write")
        self._writes: list[futures.Future] = []
        self._retrain: threading.Thread | None = None
        self._result: tuple[RecognizerModel, FitCheck | None] | RpsError | None = None

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
        self._begin(None)

    def _begin(self, kind: str | None) -> None:
        """A new session teaching ``kind`` (None: the serving recognizer's own)."""
        if self.game.state == State.MATCH_OVER:
            self.game.reset()  # the end screen does not come back after teach mode
        self.game.cancel_round("Teach mode: follow the prompts (T stops)")
        self.kind, self._hands, self.offer = kind, [], None
        self.session = TeachSession(time.perf_counter, **self.settings,
                                    need_hand=self.reads_hands and kind is None)

    def step(self) -> None:
        """Record a frame when the session says so; refit when it is complete; swap in the
        result when the refit is done."""
        t, frame, p = self.session, self.pipe.latest, self.last
        if t is not None:
            # The frame and the reading of it (or of the one before: a frame may land
            # between the two) belong together.
            if frame is not None and frame.seq != self._seq and p is not None and \
                    frame.seq - p.seq <= 1 and t.step is not None:
                self._seq = frame.seq
                label = t.step.label
                hand = p.hands[0] if p.hands else None
                h, w = frame.image.shape[:2]
                pose = landmark_descriptor(hand.landmarks, (w, h)) if hand is not None \
                    else None
                if t.admit(pose, thumbnail(frame.image)) and \
                        not self._save(label, frame.image, hand):
                    return
            if t.lost:
                self._lost(t)
            elif t.done:
                self.session = None
                self._finished()
        self._check_retrain()

    def _save(self, label: str, image: np.ndarray, hand: Hand | None) -> bool:
        """Queue the frame for the writer thread (a JPEG and an fsync can take longer than
        a display frame); a write that failed stops the session here, with why."""
        if not self._writes_ok():
            return False
        self._writes.append(self._writer.submit(self.recorder.save, label, image))
        if hand is not None and self.reads_hands:
            self._hands.append((hand.landmarks, label))
        return True

    def _lost(self, t: TeachSession) -> None:
        """No hand in most frames of a hand step: stop, keep what was recorded, and offer
        the recognizer of whole frames when there is one."""
        t.cancel()
        self.session = None
        other = personal.fallback(self.shipped)
        if other is None:
            self.game.message = DIM.format(found=t.found_share)
            return
        self.offer = other
        self.game.message = LOST.format(found=t.found_share, other=other.upper())

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
        return personal.Recording(self.recorder.root, tuple(self._hands))

    def _finished(self) -> None:
        if not self._writes_ok(wait=True):  # the refit reads the folder
            return
        if not self.shipped.teachable:
            self.game.message = f"{self.shipped.name} cannot be taught; frames kept"
            return
        self.retrain(self.kind)

    def accept(self) -> None:
        """Y: record again for the offered recognizer of whole frames, then refit it."""
        if self.offer is None or self.session is not None or self._retrain is not None:
            return
        self._begin(self.offer)

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
        if isinstance(result, RefitRefused):
            self.figures = result.check.figures
            self.game.message = REFUSED.format(kept=result.check.against, figures=self.figures)
            return
        if isinstance(result, RpsError) or result is None:
            self.game.message = f"Retraining failed: {result}"
            return
        model, check = result
        self.figures = check.figures if isinstance(check, FitCheck) else ""
        self.pipe.switch(model=model)
        self.game.message = f"{LOADING}: {self.figures}" if self.figures else LOADING

    def served(self) -> str:
        """The line once the personal model serves: what the refit scored, what next."""
        return SERVED.format(figures=self.figures or "taught")

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
