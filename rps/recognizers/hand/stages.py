"""Palm detection -> ROI -> landmarks, the hand recognizer's OpenVINO stages, each timed:
the tracker (``tracker``) decides which run on a frame; these run them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import openvino as ov

from rps.recognizers.hand import palm, roi
from rps.recognizers.hand.tracker import HandTracker, Reading
from rps.recognizers.timing import StageClock

LANDMARK_SIZE = 224
WEAK_PALM = 0.1  # palms under palm.MIN_SCORE but above this are kept for the landmarks to confirm
MARGIN = 0.25  # letterbox margin around the frame for palm detection, of its long side


@dataclass(frozen=True)
class StageReading:
    """What the stages read in one frame: the hands, each stage's ms, whether palm
    detection ran."""

    readings: list[Reading]
    ms: dict[str, float]
    palm_ran: bool


class HandStages:
    """Palm detection (when tracking lost a hand) -> ROI -> landmarks, timed per stage."""

    def __init__(self, palm_model: ov.CompiledModel, lm_model: ov.CompiledModel,
                 max_hands: int = 1, track: bool = True, realtime: bool = True,
                 blocky_model: ov.CompiledModel | None = None):
        self._palm = palm_model.create_infer_request()
        # Up to max_hands palm ROIs plus the hands still tracked can be read in one frame.
        # (a search reads its candidates in chunks of as many).
        n = max(2, 2 * max_hands)
        self._lm = [lm_model.create_infer_request() for _ in range(n)]
        # Frames judged blocky (heavy JPEG) are read by the landmark model distilled on
        # such frames (``modeltools.distill_landmarks``); every other frame by MediaPipe's.
        self._lm_blocky = [blocky_model.create_infer_request() for _ in range(n)] \
            if blocky_model is not None else self._lm
        self._anchors = palm.ssd_anchors()
        self._palm_scores = int(np.argmin([o.get_partial_shape()[-1].get_length()
                                           for o in palm_model.outputs]))
        self._clock = StageClock(("palm", "landmarks"))
        self.tracker = HandTracker(self._clock.timed("palm", self._detect),
                                   self._clock.timed("landmarks", self._read), max_hands,
                                   track=track, realtime=realtime)

    def __call__(self, image: np.ndarray) -> list[Reading]:
        return self.read(image).readings

    def read(self, image: np.ndarray) -> StageReading:
        """The hands of one frame, with the time each stage took on it."""
        readings = self.tracker(image)
        return StageReading(readings, self._clock.lap(), self.tracker.palm_ran)

    def _detect(self, image: np.ndarray, tile: tuple[float, float, float, float] | None = None
                ) -> list[palm.Palm]:
        """Palms in the whole frame (letterboxed with a margin), or in one tile of it."""
        m = palm.letterbox((image.shape[1], image.shape[0]), MARGIN) if tile is None else \
            palm.zoom(tile)
        self._palm.infer({0: palm.detector_input(image, m)[None]})
        scores = self._palm.get_output_tensor(self._palm_scores).data
        boxes = self._palm.get_output_tensor(1 - self._palm_scores).data
        return palm.palms(boxes, scores, self._anchors, m, WEAK_PALM)

    def _read(self, image: np.ndarray, rois: list[roi.Roi]) -> list[Reading]:
        """The landmark model on each ROI, as many at once as there are requests."""
        out = []
        lm = self._lm_blocky if self.tracker.deblock.blocky else self._lm
        for at in range(0, len(rois), len(lm)):
            chunk = rois[at:at + len(lm)]
            reqs = lm[:len(chunk)]
            for req, r in zip(reqs, chunk, strict=True):
                req.start_async({0: roi.crop(image, r, LANDMARK_SIZE)[None]})
            for req, r in zip(reqs, chunk, strict=True):
                req.wait()
                pts = req.get_output_tensor(0).data.reshape(21, 3)
                presence = float(req.get_output_tensor(1).data.reshape(-1)[0])
                left = float(req.get_output_tensor(2).data.reshape(-1)[0])
                out.append(Reading(roi.project(pts, r, LANDMARK_SIZE), presence, left, r))
        return out

    def perf_counts(self) -> list:
        return list(self._lm[0].get_profiling_info())
