"""A second opinion on a hand the landmark model doubts (issue 16, item 5).

In a grey or dim room, under heavy JPEG or in a close-up, the landmark model often finds a
real fist or V sign yet flags it at 0.5-0.9, below the search's ``CONFIRM``, where non-throw
hands and faces also score. Two models that look at different things then vouch for it
together: the gesture classifier reads a throw from its landmarks, and the whole-frame CNN
(`rps-mobilenet`) reads the same throw from an upright crop around it. On fit data (real-more's
fitted sessions, rps-cv hands on rooms, seven conditions) this read 60 of 118 missed throws
and no throw wrongly, for one non-throw hand read as a throw.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openvino as ov

from rps.errors import DeviceError
from rps.inference.backend import Backend, compile_timed
from rps.inference.modelfiles import SHIPPED_MODELS, ModelFiles, load_model_files
from rps.recognizers.cnn import prepare_model
from rps.recognizers.hand.roi import Roi, crop, roi_from_landmarks
from rps.types import RingSettings

DEFAULT_SECOND = SHIPPED_MODELS / "rps-mobilenet"
SIZE = 224  # the crop the CNN reads (its own input size: the resize is then a no-op)
CROP = 1.3  # the crop around the hand's own ROI: the CNN learnt hands with room around them


def second_files(path: Path = DEFAULT_SECOND) -> ModelFiles | None:
    """The CNN that gives the second opinion; None where it is not installed."""
    return load_model_files(path) if (path / "labels.txt").is_file() else None


@dataclass
class SecondOpinion:
    """The CNN compiled for square crops, and the label it reads in one."""

    request: ov.InferRequest
    labels: tuple[str, ...]

    def throw(self, image: np.ndarray, landmarks: np.ndarray) -> str:
        """The CNN's label for an upright square around the hand."""
        r = roi_from_landmarks(landmarks)
        self.request.infer({0: crop(image, Roi(r.cx, r.cy, r.size * CROP, 0.0), SIZE)[None]})
        return self.labels[int(np.argmax(self.request.get_output_tensor(0).data))]


def compile_second(backend: Backend, files: ModelFiles, device: str, precision: str,
                   settings: RingSettings) -> tuple[SecondOpinion | None, float]:
    """The CNN on ``device`` in ``precision`` where it has that variant (else FP32), and the
    milliseconds the compile took; None where the device cannot take it (the hand
    recognizer then reads as it did without it)."""
    precision = precision if precision in files.variants else "FP32"
    model = prepare_model(backend, files, precision, (SIZE, SIZE))  # a broken file: an error
    try:
        compiled, ms = compile_timed(backend, model, device, precision,
                                     RingSettings(settings.hint))
    except DeviceError:
        return None, 0.0
    return SecondOpinion(compiled.create_infer_request(), files.labels), ms
