"""TensorFlow's C++ start-up lines (the oneDNN notice, absl's "before InitializeLog"
warning) ignore TF_CPP_MIN_LOG_LEVEL in current builds, so they are kept off the terminal
by pointing the stderr file descriptor at /dev/null while TensorFlow loads."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Descriptor 2 goes to /dev/null inside the block, and back after (Python exceptions
    are raised after it, so they still reach the user)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def import_keras() -> ModuleType:
    """``import keras`` (with TensorFlow under it) without its start-up lines."""
    with native_stderr_silenced():
        import keras
    return keras
