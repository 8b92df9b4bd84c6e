"""Synthetic scenes from CGI hands: cut the hand off its white background, put it in a room.

The shared data shows every hand on plain white; a classifier trained on that learns
"white = gesture". Here hands are composited onto generated backgrounds (gradients, noise
textures, blurred shapes, room-like layouts) with webcam-like distortions, and the ``none``
class is drawn from the same backgrounds, so the background never tells the class.
Used by training and by the demo-clip script; needs only numpy and cv2.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

Rng = np.random.Generator


# ---- hands ---------------------------------------------------------------------------------
def hand_mask(img: np.ndarray) -> np.ndarray:
    """Soft alpha (uint8) of the hand in a white-background image: the largest non-white
    region, holes filled, edge pulled in a pixel to drop the white halo, then feathered."""
    f = img.astype(np.int16)
    mx, mn = f.max(2), f.min(2)
    fg = np.where((mx > 185) & ((mx - mn) < 22), 0, 255).astype(np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(fg)
    if n > 1:
        fg = np.where(lab == 1 + np.argmax(stats[1:, cv2.CC_STAT_AREA]), 255, 0).astype(np.uint8)
    holes = 255 - fg
    cv2.floodFill(holes, np.zeros((fg.shape[0] + 2, fg.shape[1] + 2), np.uint8), (0, 0), 0)
    fg = cv2.morphologyEx(fg | holes, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    fg = cv2.erode(fg, np.ones((3, 3), np.uint8))
    return cv2.GaussianBlur(fg, (5, 5), 0)


def green_mask(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A real hand photographed on green (rps-cv): the hand with the green spill taken off
    its edges, and its soft alpha (uint8): the largest non-green region, holes filled."""
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    green = cv2.inRange(hsv, (35, 60, 35), (90, 255, 255))
    fg = cv2.morphologyEx(255 - green, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(fg)
    if n > 1:
        fg = np.where(lab == 1 + np.argmax(stats[1:, cv2.CC_STAT_AREA]), 255, 0).astype(np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    fg = cv2.erode(fg, np.ones((3, 3), np.uint8))
    b, g, r = cv2.split(img)
    despilled = cv2.merge([b, np.minimum(g, np.maximum(b, r)), r])  # no green cast at edges
    return despilled, cv2.GaussianBlur(fg, (5, 5), 0)


# ---- backgrounds ---------------------------------------------------------------------------
def _colour(rng: Rng, dark: float = 0.0) -> np.ndarray:
    hsv = np.uint8([[[rng.integers(0, 180), rng.integers(0, 200), rng.integers(40, 256)]]])
    bgr = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)
    return bgr * (1 - dark)


def _gradient(rng: Rng, h: int, w: int) -> np.ndarray:
    a, b = _colour(rng), _colour(rng)
    ang = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (np.cos(ang) * xx / w + np.sin(ang) * yy / h)
    t = (t - t.min()) / max(float(np.ptp(t)), 1e-6)
    return a * (1 - t[..., None]) + b * t[..., None]


def _noise_texture(rng: Rng, h: int, w: int) -> np.ndarray:
    cells = int(rng.integers(2, 24))
    small = rng.random((cells, max(2, cells * w // h), 3)).astype(np.float32)
    img = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    base, span = _colour(rng), rng.uniform(40, 160)
    img = base + (img - 0.5) * span
    fine = rng.normal(0, rng.uniform(0, 18), (h, w, 1)).astype(np.float32)
    return img + fine


def _shapes(rng: Rng, h: int, w: int) -> np.ndarray:
    img = np.empty((h, w, 3), np.float32)
    img[:] = _colour(rng)
    for _ in range(int(rng.integers(3, 14))):
        c = _colour(rng).tolist()
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        s = int(rng.integers(h // 12, h // 2))
        kind = rng.integers(0, 3)
        if kind == 0:
            cv2.rectangle(img, (x, y), (x + s, y + int(s * rng.uniform(0.3, 2))), c, -1)
        elif kind == 1:
            cv2.circle(img, (x, y), s // 2, c, -1)
        else:
            cv2.line(img, (x, y), (int(rng.integers(0, w)), int(rng.integers(0, h))), c,
                     int(rng.integers(2, 12)))
    k = int(rng.integers(0, 4)) * 4 + 1
    return cv2.GaussianBlur(img, (k, k), 0) if k > 1 else img


def room(rng: Rng, h: int, w: int) -> np.ndarray:
    """Wall, floor or desk, a window or door, shelves and frames, lit from one side."""
    img = np.empty((h, w, 3), np.float32)
    img[:] = _colour(rng) * rng.uniform(0.5, 1.0)
    horizon = int(h * rng.uniform(0.55, 0.95))
    img[horizon:] = _colour(rng) * rng.uniform(0.3, 0.9)
    for _ in range(int(rng.integers(1, 6))):
        x0, y0 = int(rng.integers(-w // 4, w)), int(rng.integers(0, horizon))
        bw, bh = int(rng.integers(w // 10, w // 2)), int(rng.integers(h // 10, h // 1.5))
        fill = _colour(rng) * rng.uniform(0.4, 1.2)
        cv2.rectangle(img, (x0, y0), (x0 + bw, y0 + bh), fill.tolist(), -1)
        if rng.random() < 0.5:  # a frame or shelf edge
            cv2.rectangle(img, (x0, y0), (x0 + bw, y0 + bh), (_colour(rng) * 0.5).tolist(), 3)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    lx, ly = rng.uniform(0, w), rng.uniform(-h / 2, h / 2)
    light = 1.25 - 0.6 * np.sqrt((xx - lx) ** 2 + (yy - ly) ** 2) / np.hypot(w, h)
    return cv2.GaussianBlur(img, (5, 5), 0) * light[..., None]


def _stripes(rng: Rng, h: int, w: int) -> np.ndarray:
    a, b = _colour(rng), _colour(rng)
    period = rng.uniform(6, 60)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ang = rng.uniform(0, np.pi)
    t = (np.sin((np.cos(ang) * xx + np.sin(ang) * yy) * 2 * np.pi / period) > 0)
    if rng.random() < 0.4:  # checks
        t ^= (np.sin((-np.sin(ang) * xx + np.cos(ang) * yy) * 2 * np.pi / period) > 0)
    return np.where(t[..., None], a, b).astype(np.float32)


def _pink_noise(rng: Rng, h: int, w: int) -> np.ndarray:
    """1/f noise: the power spectrum of natural photographs, in random colours."""
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    f = np.sqrt(fx**2 + fy**2)
    f[0, 0] = 1.0
    amp = f ** -rng.uniform(1.0, 1.6)
    chans = []
    for _ in range(3):
        phase = rng.uniform(0, 2 * np.pi, amp.shape)
        chans.append(np.fft.irfft2(amp * np.exp(1j * phase), s=(h, w)))
    img = np.stack(chans, -1)
    mix = rng.uniform(0.2, 1.0, (3, 3))  # correlated channels, like real colour
    img = img @ mix.T
    img = (img - img.mean()) / (img.std() + 1e-6)
    return (_colour(rng) + img * rng.uniform(20, 60)).astype(np.float32)


def _dead_leaves(rng: Rng, h: int, w: int) -> np.ndarray:
    """Overlapping shapes with power-law sizes (the 'dead leaves' model of clutter)."""
    img = np.empty((h, w, 3), np.float32)
    img[:] = _colour(rng)
    for _ in range(int(rng.integers(40, 160))):
        r = int(min(h, w) * 0.5 * rng.uniform(0.02, 1.0) ** 2.5) + 2
        c = (_colour(rng) * rng.uniform(0.5, 1.1)).tolist()
        x, y = int(rng.integers(-r, w + r)), int(rng.integers(-r, h + r))
        if rng.random() < 0.5:
            cv2.circle(img, (x, y), r, c, -1)
        else:
            cv2.rectangle(img, (x - r, y - r), (x + r, y + int(r * rng.uniform(0.3, 2))), c, -1)
    return cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 2.0))


def _plain(rng: Rng, h: int, w: int) -> np.ndarray:
    """A studio-white wall like the source renders, so white alone never means a gesture."""
    img = _gradient(rng, h, w) * 0.15 + rng.uniform(190, 250)
    return img.astype(np.float32)


GENERATORS = (_gradient, _noise_texture, _shapes, room, room, _stripes, _plain, _pink_noise,
              _pink_noise, _dead_leaves, _dead_leaves)


def make_background(rng: Rng, h: int, w: int, photos: Sequence[np.ndarray] = (),
                    photo_p: float = 0.3) -> np.ndarray:
    """A random generated background, or with probability ``photo_p`` a random crop of one
    of ``photos``; uint8 BGR."""
    if photos and rng.random() < photo_p:
        p = photos[int(rng.integers(0, len(photos)))]
        s = rng.uniform(0.5, 1.0)
        ch, cw = int(p.shape[0] * s), int(p.shape[1] * s)
        y, x = int(rng.integers(0, p.shape[0] - ch + 1)), int(rng.integers(0, p.shape[1] - cw + 1))
        img = cv2.resize(p[y:y + ch, x:x + cw], (w, h)).astype(np.float32)
        if img.ndim == 2:  # a grey texture: tint it
            img = img[..., None] * (0.4 + 0.6 * _colour(rng) / 255.0)
    else:
        img = GENERATORS[int(rng.integers(0, len(GENERATORS)))](rng, h, w)
    if rng.random() < 0.5:
        img = img[:, ::-1]
    return np.clip(img, 0, 255).astype(np.uint8)


# ---- composition ---------------------------------------------------------------------------
def hand_layer(hand: np.ndarray, alpha: np.ndarray, rng: Rng, h: int, w: int, *,
               scale: float | None = None, visible: float = 1.0, spread: float = 1.0
               ) -> tuple[np.ndarray, np.ndarray]:
    """A hand warped into an h x w layer with its alpha (float 0..1): random size, tilt,
    mirror and position, its wrist entering from the bottom (as an arm does) most of the
    time. ``visible`` < 1 pushes the hand mostly off-frame (used for ``none``); ``spread``
    < 1 narrows position and tilt, as one player sitting in front of one camera."""
    if rng.random() < 0.5:
        hand, alpha = hand[:, ::-1], alpha[:, ::-1]
    # Extend the wrist downwards so a hand lifted into the frame still has an arm below it.
    hand = cv2.copyMakeBorder(hand, 0, hand.shape[0] // 2, 0, 0, cv2.BORDER_REPLICATE)
    alpha = cv2.copyMakeBorder(alpha, 0, alpha.shape[0] // 2, 0, 0, cv2.BORDER_REPLICATE)
    hs, ws = hand.shape[:2]
    size = (scale or rng.uniform(0.5, 1.0)) * h / (hs / 1.5)
    wild = spread >= 1 and rng.random() >= 0.85
    angle = rng.uniform(-90, 90) if wild else rng.normal(0, 15 * spread)
    cx = (0.5 + rng.uniform(-0.25, 0.25) * spread) * w
    cy = (0.5 + rng.uniform(-0.15, 0.15) * spread) * h + (1 - visible) * h * 0.9
    if visible < 1 and rng.random() < 0.5:  # or off a side
        cy, cx = rng.uniform(0.3, 0.7) * h, (-0.35 if rng.random() < 0.5 else 1.35) * w
    m = cv2.getRotationMatrix2D((ws / 2, hs / 3), angle, size)  # pivot near the palm
    m[:, 2] += (cx - ws / 2, cy - hs / 3)
    warped = cv2.warpAffine(hand, m, (w, h), flags=cv2.INTER_LINEAR)
    a = cv2.warpAffine(alpha, m, (w, h), flags=cv2.INTER_LINEAR).astype(np.float32)[..., None]
    return warped, a / 255.0


def blend(bg: np.ndarray, layer: np.ndarray, a: np.ndarray) -> np.ndarray:
    return (layer * a + bg * (1 - a)).astype(np.uint8)


def place_hand(bg: np.ndarray, hand: np.ndarray, alpha: np.ndarray, rng: Rng, *,
               scale: float | None = None, visible: float = 1.0) -> np.ndarray:
    """Composite a hand onto ``bg`` (see ``hand_layer``)."""
    layer, a = hand_layer(hand, alpha, rng, *bg.shape[:2], scale=scale, visible=visible)
    return blend(bg, layer, a)


def skin_blob(bg: np.ndarray, rng: Rng) -> np.ndarray:
    """A skin-toned blur (a face or arm out of focus) so skin alone never means a gesture."""
    h, w = bg.shape[:2]
    tone = np.float32([rng.uniform(40, 200), rng.uniform(60, 210), rng.uniform(90, 240)])
    mask = np.zeros((h, w), np.float32)
    centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
    axes = (int(rng.integers(w // 10, w // 3)), int(rng.integers(h // 8, h // 2)))
    cv2.ellipse(mask, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(3, 15))[..., None]
    return (bg * (1 - mask) + tone * mask).astype(np.uint8)


def webcam_look(img: np.ndarray, rng: Rng) -> np.ndarray:
    """Colour cast, brightness, contrast, blur, sensor noise and JPEG artefacts."""
    f = img.astype(np.float32)
    f *= rng.uniform(0.8, 1.2, 3).astype(np.float32)  # white balance
    mean = f.mean()
    f = (f - mean) * rng.uniform(0.6, 1.3) + mean * rng.uniform(0.6, 1.3)
    if rng.random() < 0.4:
        f = cv2.GaussianBlur(f, (0, 0), rng.uniform(0.3, 1.8))
    if rng.random() < 0.5:
        f += rng.normal(0, rng.uniform(1, 10), f.shape).astype(np.float32)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        q = int(rng.integers(30, 90))
        out = cv2.imdecode(cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, q])[1], 1)
    return out


def gesture_scene(hand: np.ndarray, alpha: np.ndarray, rng: Rng, h: int, w: int,
                  photos: Sequence[np.ndarray] = (), photo_p: float = 0.3) -> np.ndarray:
    bg = make_background(rng, h, w, photos, photo_p)
    if rng.random() < 0.2:
        bg = skin_blob(bg, rng)
    return webcam_look(place_hand(bg, hand, alpha, rng), rng)


def none_scene(rng: Rng, h: int, w: int, hands: Sequence[tuple[np.ndarray, np.ndarray]] = (),
               photos: Sequence[np.ndarray] = (), photo_p: float = 0.3) -> np.ndarray:
    """An empty view: background, sometimes a skin blur, sometimes a hand barely in frame."""
    img = make_background(rng, h, w, photos, photo_p)
    r = rng.random()
    if r < 0.3:
        img = skin_blob(img, rng)
    elif r < 0.5 and hands:
        hand, alpha = hands[int(rng.integers(0, len(hands)))]
        img = place_hand(img, hand, alpha, rng, visible=rng.uniform(0.0, 0.1))
    return webcam_look(img, rng)
