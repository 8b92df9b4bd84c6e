"""rps: real-time webcam rock-paper-scissors on OpenVINO.

Data flows one way: capture -> engine -> game -> ui.
"""

import os

__version__ = "0.1.0"


def _quiet_native_logs() -> None:
    """Native libraries print to stderr on their own (FFmpeg on a bad video, TensorFlow at
    start-up, pygame's greeting) where rps already says what went wrong in one line. They
    read these when they load, which is after this; a value the user set wins."""
    for name, value in (("OPENCV_FFMPEG_LOGLEVEL", "-8"), ("OPENCV_LOG_LEVEL", "SILENT"),
                        ("TF_CPP_MIN_LOG_LEVEL", "3"), ("PYGAME_HIDE_SUPPORT_PROMPT", "1")):
        os.environ.setdefault(name, value)


_quiet_native_logs()
