"""Teach mode inside the window: prompts and recording, then a background refit and a hot
swap to the personal model, like a device switch. O toggles shipped / personal.

The timing of the prompts is pure (``rps.game.teach``); this adds the frames, the disk and
the retraining thread, and reports through the game's message line and toasts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from rps.errors import RpsError, check_writable, describe
from rps.game import Game
from rps.game.teach import TeachSession
from rps.modeltools.collect import Recorder, personal_models
from rps.modeltools.personalize import personalize
from rps.pipeline import Pipeline
from rps.recognizers.cnn import CnnModel, load_cnn
from rps.types import RecognizerModel


class TeachFlow:
    """Records the player's gestures from the pipeline and retrains off the display thread."""

    def __init__(self, pipe: Pipeline, game: Game, toast: Callable[[str], None],
                 recorder: Recorder | None = None, personal_dir: Path | None = None):
        self.pipe = pipe
        self.game = game
        self.toast = toast
        self.shipped: RecognizerModel = pipe.model
        self.recorder = recorder or Recorder()
        self.personal_dir = personal_dir or personal_models()
        self.settings = {"per_class": 30, "rate": 5.0, "countdown": 3.0}
        self.session: TeachSession | None = None
        self._seq = -1
        self._retrain: threading.Thread | None = None
        self._result: CnnModel | RpsError | None = None

    @property
    def active(self) -> bool:
        return self.session is not None

    def toggle(self) -> None:
        if self.session is not None:
            self.session.cancel()
            self.session = None
            self.toast(f"Teach mode stopped; frames so far are kept in {self.recorder.root}")
            return
        if self._retrain is not None:
            self.toast("Still retraining - one moment")
            return
        if not isinstance(self.shipped, CnnModel):
            self.toast("Teach mode refits the CNN for now: play with --recognizer cnn to use it")
            return
        try:  # find out now, not three seconds into the first class
            check_writable(self.recorder.root)
        except RpsError as exc:
            self.toast(f"Teach mode needs somewhere to keep your frames: {exc}")
            return
        self.game.cancel_round("Teach mode: follow the prompts (T stops)")
        self.session = TeachSession(time.perf_counter, **self.settings)

    def step(self) -> None:
        """Record a frame when the session says so; retrain when it is complete; swap in
        the result when the retraining is done."""
        t, frame = self.session, self.pipe.latest
        if t is not None:
            if frame is not None and frame.seq != self._seq and t.due():
                self._seq = frame.seq
                try:
                    self.recorder.save(t.step.label, frame.image)  # type: ignore[union-attr]
                except (OSError, RpsError) as exc:  # the disk filled up mid-recording
                    why = describe(exc) if isinstance(exc, OSError) else str(exc)
                    self.session = None
                    self.toast(f"Teach mode stopped: a frame could not be saved ({why})")
                    return
                t.taken_one()
            if t.done:
                self.session = None
                self.retrain()
        self._check_retrain()

    def retrain(self) -> None:
        """Refit on the recording in a background thread; the next steps swap it in."""
        self.game.message = "Retraining on your frames..."
        self._retrain = threading.Thread(target=self._retrain_run, name="rps-retrain",
                                         daemon=True)
        self._retrain.start()

    @property
    def retraining(self) -> bool:
        """A refit is running or its result has not been swapped in yet."""
        return self._retrain is not None

    def _retrain_run(self) -> None:
        try:
            personalize(self.recorder.root, self.shipped.root, self.personal_dir)
            self._result = load_cnn(self.personal_dir)
        except RpsError as exc:
            self._result = exc
        except Exception as exc:  # reported in the window, never a crash
            self._result = RpsError(f"retraining failed: {exc}")

    def _check_retrain(self) -> None:
        if self._retrain is None or self._retrain.is_alive():
            return
        self._retrain = None
        result, self._result = self._result, None
        if isinstance(result, CnnModel):
            self.pipe.switch(model=result)
            self.game.message = "Your personal model is loading (O returns to the shipped one)"
        else:
            self.game.message = f"Retraining failed: {result}"

    def toggle_model(self) -> None:
        serving = self.pipe.engine.model  # type: ignore[union-attr]
        if serving.root != self.shipped.root:
            self.toast(f"Back to {self.shipped.name}...")
            self.pipe.switch(model=self.shipped)
            return
        try:
            personal = load_cnn(self.personal_dir)
        except RpsError:
            self.toast("No personal model yet: press T to teach it your hand")
            return
        self.toast(f"Switching to {personal.name}...")
        self.pipe.switch(model=personal)
