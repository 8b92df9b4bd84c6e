"""Capture: where frames come from (camera, video, image folder, synthetic) and the thread
that hands the newest one on.

Owns: frame sources and the capture thread. May import: ``rps.types``, ``rps.errors``.
"""

from rps.capture.sources import (
    DEMO_CLIP,
    IMAGE_SUFFIXES,
    CameraSource,
    FrameSource,
    ImageFolderSource,
    SyntheticSource,
    VideoSource,
    open_source,
    pick_source,
)
from rps.capture.thread import CaptureThread

__all__ = ["DEMO_CLIP", "IMAGE_SUFFIXES", "CameraSource", "CaptureThread", "FrameSource",
           "ImageFolderSource", "SyntheticSource", "VideoSource", "open_source", "pick_source"]
