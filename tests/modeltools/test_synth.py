"""Cutting hands out of their photos: CGI renders on white, real hands on green."""

import cv2
import numpy as np

from rps.modeltools.synth import green_mask, hand_mask


def _photo(background: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    img = np.zeros((200, 300, 3), np.uint8)
    img[:] = background
    truth = np.zeros((200, 300), np.uint8)
    cv2.ellipse(truth, (150, 100), (60, 80), 20, 0, 360, 255, -1)
    img[truth > 0] = (120, 150, 200)  # skin (BGR)
    img[95:105, 140:160] = background  # a gap between fingers that is background
    return img, truth


def test_green_is_keyed_out_and_the_hand_kept():
    img, truth = _photo((60, 170, 70))
    hand, alpha = green_mask(img)
    inside = alpha[truth > 0]
    assert (inside > 200).mean() > 0.9  # the hand stays...
    assert (alpha[truth == 0] > 50).mean() < 0.02  # ...the green goes
    # spill: a greenish edge pixel on the hand loses its excess green
    img[100, 89] = (90, 200, 110)
    hand, _ = green_mask(img)
    assert hand[100, 89, 1] <= max(hand[100, 89, 0], hand[100, 89, 2])


def test_white_is_cut_away_from_a_render():
    img, truth = _photo((250, 250, 250))
    alpha = hand_mask(img)
    assert (alpha[truth > 0] > 200).mean() > 0.9
    assert (alpha[truth == 0] > 50).mean() < 0.02
