import itertools
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from rps.capture import CaptureThread, ImageFolderSource, SyntheticSource, VideoSource, open_source
from rps.errors import SourceError


def _drain(cap: CaptureThread, n: int, delay: float = 0.0, timeout: float = 5.0) -> list:
    frames, t_end = [], time.perf_counter() + timeout
    while len(frames) < n and time.perf_counter() < t_end:
        f = cap.get(0.2)
        if f is not None:
            frames.append(f)
            time.sleep(delay)
        elif cap.finished:
            break
    return frames


def test_max_mode_delivers_every_frame_in_order():
    cap = CaptureThread(SyntheticSource(count=200), paced=False).start()
    frames = _drain(cap, 200)
    cap.stop()
    assert [f.seq for f in frames] == list(range(1, 201))
    assert cap.dropped == 0 and cap.finished


def test_slow_consumer_gets_newest_frame_and_drops_are_counted():
    cap = CaptureThread(SyntheticSource(fps=400), paced=True).start()
    frames = _drain(cap, 15, delay=0.02)  # consumer at ~50 fps, source at 400 fps
    cap.stop()
    seqs = [f.seq for f in frames]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert max(b - a for a, b in itertools.pairwise(seqs)) > 1  # gaps: frames skipped
    assert cap.dropped >= len(frames)
    ts = [f.t_capture for f in frames]
    assert ts == sorted(ts)


def test_paced_source_runs_at_its_frame_rate():
    cap = CaptureThread(SyntheticSource(fps=100, count=50), paced=True).start()
    t0 = time.perf_counter()
    frames = _drain(cap, 50)
    elapsed = time.perf_counter() - t0
    cap.stop()
    # Every frame is delivered or counted as replaced (newest wins: a consumer preempted
    # for 10 ms on a busy machine misses one), in order, at no more than the source's rate.
    assert len(frames) + cap.dropped == 50 and len(frames) >= 45
    assert [f.seq for f in frames] == sorted(f.seq for f in frames) and frames[-1].seq == 50
    assert elapsed > 0.4  # 50 frames at 100 fps cannot arrive faster than ~0.5 s


def _write_video(path: Path, n: int = 20, size=(160, 120)) -> Path:
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25, size)
    for i in range(n):
        img = np.full((size[1], size[0], 3), i * 10 % 255, np.uint8)
        w.write(img)
    w.release()
    return path


def test_video_file_plays_and_loops(tmp_path):
    src = VideoSource(_write_video(tmp_path / "clip.mp4"))
    assert src.fps == pytest.approx(25, abs=0.1)
    cap = CaptureThread(src, paced=False, loop=True).start()
    frames = _drain(cap, 45)  # more than the 20 frames in the file
    cap.stop()
    assert len(frames) == 45 and frames[0].image.shape == (120, 160, 3)


def test_image_folder_resizes_to_first_image(tmp_path):
    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((60, 80, 3), np.uint8))
    cv2.imwrite(str(tmp_path / "b.jpg"), np.zeros((30, 30, 3), np.uint8))
    (tmp_path / "notes.txt").write_text("not an image")
    cap = CaptureThread(ImageFolderSource(tmp_path), paced=False).start()
    frames = _drain(cap, 5)
    cap.stop()
    assert [f.image.shape for f in frames] == [(60, 80, 3), (60, 80, 3)]


def test_unreadable_image_in_folder_surfaces_as_source_error(tmp_path):
    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((20, 20, 3), np.uint8))
    (tmp_path / "b.png").write_bytes(b"garbage")
    cap = CaptureThread(ImageFolderSource(tmp_path), paced=False).start()
    _drain(cap, 5)
    cap.stop()
    assert isinstance(cap.error, SourceError) and "b.png" in str(cap.error)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("97", "no camera at index 97"),
        ("/no/such/file.mp4", "does not exist"),
        ("synthetic:big", "bad synthetic size"),
    ],
)
def test_bad_sources_fail_fast_with_one_line(spec, message):
    t0 = time.perf_counter()
    with pytest.raises(SourceError, match=message) as err:
        open_source(spec)
    assert time.perf_counter() - t0 < 5
    assert "\n" not in str(err.value)


def test_unreadable_video_is_a_clear_error(tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00" * 1000)
    with pytest.raises(SourceError, match="cannot read video"):
        open_source(bad)


def test_empty_image_folder(tmp_path):
    with pytest.raises(SourceError, match="no images"):
        open_source(tmp_path)


class FlakyCamera:
    """A live source that delivers a few frames, goes dark, then comes back."""

    live = True
    name = "camera test"
    fps = 100.0

    def __init__(self) -> None:
        self.n = 0
        self.dark = threading.Event()
        self.rewinds = 0

    def read(self):
        time.sleep(0.01)
        if self.dark.is_set():
            return None
        self.n += 1
        return np.zeros((8, 8, 3), np.uint8)

    def rewind(self) -> bool:
        self.rewinds += 1
        return True

    def close(self) -> None:
        pass


def test_camera_lost_then_back_is_retried_and_reported_as_stalled():
    cam = FlakyCamera()
    cap = CaptureThread(cam).start()
    assert _drain(cap, 3)
    cam.dark.set()
    time.sleep(0.6)
    assert cap.stalled_for() > 0.4 and cam.rewinds >= 1 and cap.alive
    cam.dark.clear()
    assert _drain(cap, 2)
    assert cap.stalled_for() < 0.2
    t0 = time.perf_counter()
    cap.stop()
    assert not cap.alive and time.perf_counter() - t0 < 2


def test_auto_source_falls_back_to_the_demo_clip_without_a_camera(capsys):
    from rps.capture import CameraSource, pick_source

    try:
        CameraSource(0).close()
        pytest.skip("this machine has a camera")
    except SourceError:
        pass
    source, note = pick_source("auto")
    source.close()
    assert "demo.mp4" in source.name and "No camera found" in note
    assert "rps play --demo" in capsys.readouterr().err
