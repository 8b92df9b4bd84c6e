"""The hand pipeline against MediaPipe's own Python hands solution, on the same frames.

One run over the first --frames 640x480 frames of rps/assets/demo.mp4, fed one at a time with
tracking on, as the game does: rps's palm + landmark stages and gesture classifier on
OpenVINO (CPU, the recognizer's default precision unless --precision), in this process,
against mediapipe==0.10.21 solutions.hands (model_complexity=1, one hand, tracking on).
Per-frame latency is the time of rps's `read()` (BGR in, classifier included) and of
MediaPipe's `process()` (RGB made beforehand, untimed); throughput is frames / the sum of
those times, after the same few warm-up frames on each side. --rounds alternates the two
sides (the machine is shared and noisy); the ratio is the median of the rounds'. Also
printed: how often each found a hand and, over frames where both did, the median of the
per-frame median landmark distance over hand size (the diagonal of MediaPipe's landmark
bounding box). Last line `ratio X.XX`: rps throughput / MediaPipe throughput. Goal:
ratio >= 1.5, landmark distance < 3% of hand size.

mediapipe 0.10.21 pins numpy<2, protobuf<5 and opencv-contrib, so it cannot share the
project's environment (and is never a dependency of it): on first use this script makes
its own venv under the user cache (platformdirs.user_cache_dir("rps")/mediapipe-venv) and
runs a small worker there on the frames it wrote to a temp .npy; later runs reuse it.

    python benchmarks/hand_vs_mediapipe.py [--frames 300] [--warmup 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import platformdirs

from rps.capture import DEMO_CLIP
from rps.inference.backend import open_backend
from rps.recognizers import load_recognizer
from rps.types import Frame, RingSettings

MEDIAPIPE = "mediapipe==0.10.21"
W, H = 640, 480

WORKER = """\
import sys, time
import numpy as np
import mediapipe as mp

frames_path, warmup_path, out_path = sys.argv[1:4]
frames = np.load(frames_path)
rgb = [np.ascontiguousarray(f[..., ::-1]) for f in frames]  # MediaPipe expects RGB
h, w = frames.shape[1:3]
hands = mp.solutions.hands.Hands(static_image_mode=False, max_num_hands=1,
                                 model_complexity=1, min_detection_confidence=0.5,
                                 min_tracking_confidence=0.5)
for img in np.load(warmup_path):
    hands.process(np.ascontiguousarray(img[..., ::-1]))
lat = np.zeros(len(rgb))
pts = np.full((len(rgb), 21, 2), np.nan)
for i, img in enumerate(rgb):
    t0 = time.perf_counter()
    res = hands.process(img)
    lat[i] = time.perf_counter() - t0
    if res.multi_hand_landmarks:
        pts[i] = [(p.x * w, p.y * h) for p in res.multi_hand_landmarks[0].landmark]
hands.close()
np.savez(out_path, latency=lat, landmarks=pts, version=mp.__version__)
"""


class SetupError(Exception):
    """The MediaPipe side cannot run; the message is the one line to print."""


def mediapipe_python() -> Path:
    """The MediaPipe venv's python, made (venv + pip install) on first use."""
    cache = Path(platformdirs.user_cache_dir("rps"))
    venv = cache / "mediapipe-venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = venv / "installed.txt"
    if stamp.is_file() and stamp.read_text().strip() == MEDIAPIPE and python.exists():
        return python
    log = cache / "mediapipe-venv.log"
    print(f"making the MediaPipe venv (first use): {venv}, pip log {log}", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        for cmd, what in (([sys.executable, "-m", "venv", str(venv)], "python -m venv"),
                          ([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                            MEDIAPIPE], f"pip install {MEDIAPIPE}")):
            try:
                failed = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT).returncode
                why = f"see {log}"
            except OSError as exc:
                failed, why = 1, exc.strerror
            if failed:
                raise SetupError(f"cannot make the MediaPipe venv at {venv}: {what} failed "
                                 f"({why})")
    stamp.write_text(MEDIAPIPE + "\n")
    return python


def load_frames(n: int) -> np.ndarray:
    cap = cv2.VideoCapture(str(DEMO_CLIP))
    frames = []
    while len(frames) < n:
        ok, img = cap.read()
        if not ok:
            break
        if img.shape[:2] != (H, W):
            img = cv2.resize(img, (W, H), interpolation=cv2.INTER_AREA)
        frames.append(img)
    cap.release()
    if not frames:
        raise SetupError("cannot read frames from rps/assets/demo.mp4")
    return np.stack(frames)


def warmup_frames(frames: np.ndarray, n: int) -> np.ndarray:
    """n frames spread over the run (so both stages warm up on hands), then two black ones
    that end any tracking, so the measured run starts from scratch on both sides (without
    MediaPipe's reset(), which restarts its graph and so undoes the warm-up)."""
    picked = frames[np.linspace(0, len(frames) - 1, n).astype(int)] if n else frames[:0]
    return np.concatenate([picked, np.zeros((2, *frames.shape[1:]), np.uint8)])


def run_mediapipe(tmp: Path, frames: np.ndarray, warm: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, str]:
    python = mediapipe_python()
    frames_path, warmup_path = tmp / "frames.npy", tmp / "warmup.npy"
    np.save(frames_path, frames)
    np.save(warmup_path, warm)
    worker, out = tmp / "mediapipe_worker.py", tmp / "mediapipe.npz"
    worker.write_text(WORKER)
    env = {**os.environ, "GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONPATH": ""}
    proc = subprocess.run([str(python), str(worker), str(frames_path), str(warmup_path),
                           str(out)], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["no output"]
        raise SetupError(f"the MediaPipe worker failed: {lines[-1]}")
    res = np.load(out)
    return res["latency"], res["landmarks"], str(res["version"])


def run_rps(frames: np.ndarray, warm: np.ndarray, precision: str | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    model = load_recognizer("hand")  # one hand, tracking on: as `rps play`
    precision = precision or model.default_precision
    rec = model.build(open_backend(), "CPU", precision, (H, W), RingSettings())
    for i, img in enumerate(warm):
        rec.read(Frame(i, time.perf_counter(), img))
    lat = np.zeros(len(frames))
    pts = np.full((len(frames), 21, 2), np.nan)
    palm = np.zeros(len(frames), bool)
    for i, img in enumerate(frames):
        frame = Frame(i, time.perf_counter(), img)
        t0 = time.perf_counter()
        p = rec.read(frame)
        lat[i] = time.perf_counter() - t0
        palm[i] = p.palm_ran
        if p.hands:
            pts[i] = p.hands[0].landmarks[:, :2]
    return lat, pts, palm


def landmark_distance(ours: np.ndarray, theirs: np.ndarray) -> tuple[float, np.ndarray]:
    """Median over frames both read of (median point distance / MediaPipe's box diagonal);
    also the per-frame values, NaN where either side found no hand."""
    both = ~np.isnan(ours[:, 0, 0]) & ~np.isnan(theirs[:, 0, 0])
    per = np.full(len(ours), np.nan)
    diag = np.linalg.norm(theirs.max(1) - theirs.min(1), axis=1)
    per[both] = np.median(np.linalg.norm(ours - theirs, axis=2), axis=1)[both] / diag[both]
    return (float(np.median(per[both])) if both.any() else float("nan")), per


def row(name: str, lat: np.ndarray, found: int, extra: str = "") -> str:
    ms = lat * 1000
    return (f"{name:<18} {np.median(ms):8.2f} {np.percentile(ms, 95):8.2f} "
            f"{len(lat) / lat.sum():8.1f} {found:5d}/{len(lat)}{extra}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=300, help="first N frames of the clip")
    ap.add_argument("--warmup", type=int, default=10, help="untimed frames first, each side "
                    "(spread over the run, then two black frames to end tracking)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating runs of both sides")
    ap.add_argument("--precision", help="rps side (default: the hand recognizer's own)")
    args = ap.parse_args()
    ratios = []
    try:
        frames = load_frames(args.frames)
        warm = warmup_frames(frames, args.warmup)
        for _ in range(max(1, args.rounds)):
            with tempfile.TemporaryDirectory() as tmp:
                mp_lat, mp_pts, version = run_mediapipe(Path(tmp), frames, warm)
            lat, pts, palm = run_rps(frames, warm, args.precision)
            ratios.append(mp_lat.sum() / lat.sum())
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    dist, per = landmark_distance(pts, mp_pts)
    found, mp_found = (int((~np.isnan(p[:, 0, 0])).sum()) for p in (pts, mp_pts))
    both = ~np.isnan(per)
    print(f"{len(frames)} frames {W}x{H} of rps/assets/demo.mp4, one at a time, tracking on; "
          f"{len(warm)} warm-up frames each ({args.warmup} of them + 2 black)")
    print(f"{'ms per frame':<18} {'median':>8} {'p95':>8} {'fps':>8} {'hands':>9}")
    split = "".join(f", {what} {np.median(lat[sel]) * 1000:.2f}" for what, sel in
                    (("median then", palm), ("else", ~palm)) if sel.any())
    print(row("rps (OpenVINO)", lat, found, f"   palm detection on {palm.mean():.0%} of "
              f"frames{split} ms"))
    print(row(f"mediapipe {version}", mp_lat, mp_found))
    spread = (f"median {dist:.2%}, p95 {np.percentile(per[both], 95):.2%}, max "
              f"{per[both].max():.2%}" if both.any() else "n/a")
    print(f"landmark distance / hand size (MediaPipe's box diagonal), {both.sum()} frames "
          f"both read: {spread}")
    print(f"throughput ratio per round: {', '.join(f'{r:.2f}' for r in ratios)} (last round "
          "shown above)")
    print(f"ratio {float(np.median(ratios)):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
