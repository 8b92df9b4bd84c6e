"""Features of a hand pose from its 21 landmarks that do not change with where the hand is,
how it is turned in the image plane, how big it is, or which hand it is.

The hand is put in a canonical frame: wrist at the origin, wrist -> middle-finger base
pointing up and one unit long, and mirrored if needed so the index finger's base is always
on the same side of the pinky's (a left hand, or a right hand seen from the back, then
looks like a right palm). The image-plane pose comes from that frame; the depth only
through joint angles and distances, which no rotation or mirroring changes (a mirror flips
depth for the back of a hand but not for the other hand, so raw depth is not used).
"""

from __future__ import annotations

import numpy as np

FINGERS = ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20))
TIPS = (4, 8, 12, 16, 20)
SIZE = 21 * 2 + 15 + 5 + 4  # canonical xy, joint angles, tip reach, neighbouring tips


def canonical(landmarks: np.ndarray) -> np.ndarray:
    """21 x 3 landmarks (x, y, depth; any units) in the canonical hand frame."""
    p = np.asarray(landmarks, np.float64)[:, :3] - landmarks[0, :3]
    axis = p[9, :2]
    scale = float(np.hypot(*axis)) or 1.0
    c, s = axis / scale
    # Rotate so the wrist -> middle base vector points along -y (up in image terms).
    rot = np.array([[-s, c], [-c, -s]])
    xy = p[:, :2] @ rot.T
    out = np.concatenate([xy, p[:, 2:3]], axis=1) / scale
    if out[5, 0] > out[17, 0]:  # mirror: index base always left of pinky base
        out[:, 0] *= -1
    return out


# Each joint as (previous point, joint, next point): the wrist, then each finger's chain.
JOINTS = np.array([(a, b, c) for f in FINGERS for a, b, c in
                   zip((0, *f), f, f[1:], strict=False)]).T


def joint_cosines(p: np.ndarray) -> np.ndarray:
    """Cosine of the bend at each finger's three joints (15 values), from 3-D landmarks
    (all at once: this runs on every frame with a hand)."""
    u, v = p[JOINTS[0]] - p[JOINTS[1]], p[JOINTS[2]] - p[JOINTS[1]]
    return (u * v).sum(1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1) + 1e-9)


def features(landmarks: np.ndarray) -> np.ndarray:
    """The classifier's input: a float32 vector of length SIZE."""
    p = canonical(landmarks)
    reach = np.linalg.norm(p[list(TIPS)], axis=1)  # fingertip distance from the wrist
    spread = np.linalg.norm(np.diff(p[list(TIPS)], axis=0), axis=1)  # neighbouring tips
    return np.concatenate([p[:, :2].reshape(-1), joint_cosines(p), reach, spread]
                          ).astype(np.float32)


def batch(landmarks: list[np.ndarray]) -> np.ndarray:
    return np.stack([features(lm) for lm in landmarks]) if landmarks else \
        np.zeros((0, SIZE), np.float32)
