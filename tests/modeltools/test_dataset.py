import cv2
import numpy as np
import pytest

from rps.errors import RpsError
from rps.modeltools import synth
from rps.modeltools.dataset import canonical_class, render_group, scan, split_by_group
from rps.modeltools.samples import CANVAS, SIZE, load_hands, make_set, to_input


@pytest.mark.parametrize(("name", "want"), [
    ("Rock", "rock"), ("stone", "rock"), ("PAPER", "paper"), ("Scissors", "scissors"),
    ("nothing", "none"), ("Background", "none"), ("no hand", "none"), ("banana", None),
])
def test_class_synonyms(name, want):
    assert canonical_class(name) == want


def test_split_is_by_render_group_and_holds_out_the_last(cgi_data):
    split = split_by_group(scan(cgi_data))
    groups = {k: {s.group for s in v} for k, v in split.items()}
    assert not groups["train"] & groups["test"] and not groups["val"] & groups["test"]
    assert {"paper07", "rock07", "testscissors03"} <= groups["test"]
    assert len(groups["test"]) == 3 and len(groups["val"]) == 3
    assert render_group(split["test"][0].path) in groups["test"]


def test_unknown_class_folder_is_an_error(tmp_path):
    (tmp_path / "bananas").mkdir()
    with pytest.raises(RpsError, match="unknown class folder"):
        scan(tmp_path)


def test_epsrc_horns_are_read_as_none_and_nothing_else_is(tmp_path):
    """The index-and-pinky frames EPSRC files under "two" are not scissors; the same file
    name in another set, or another EPSRC frame, keeps its folder's label."""
    img = np.full((8, 8, 3), 128, np.uint8)
    for where in ("epsrc-fingers/scissors/Set2_two_2.jpg", "epsrc-fingers/scissors/Set2_two_1.jpg",
                  "other/scissors/Set2_two_2.jpg"):
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(tmp_path / where), img)
    assert [s.label for s in scan(tmp_path / "epsrc-fingers")] == ["scissors", "none"]
    assert [s.label for s in scan(tmp_path / "other")] == ["scissors"]


def test_subhih_four_finger_frames_filed_as_paper_are_read_as_none(tmp_path):
    img = np.full((8, 8, 3), 128, np.uint8)
    for where in ("subhih-webcam/paper/5_pic00009_427_76.jpg",
                  "subhih-webcam/paper/5_pic00008_457_59.jpg",
                  "subhih-webcam/rock/5_pic00009_427_76.jpg"):
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(tmp_path / where), img)
    assert [(s.path.name[:10], s.label) for s in scan(tmp_path / "subhih-webcam")] == [
        ("5_pic00008", "paper"), ("5_pic00009", "none"), ("5_pic00009", "rock")]


def test_hand_mask_finds_the_hand_and_not_the_white(cgi_data):
    path = next((cgi_data / "paper").iterdir())
    img = cv2.imread(str(path))
    mask = synth.hand_mask(img)
    assert mask[:10, :10].max() == 0  # the white corner is background
    frac = (mask > 127).mean()
    assert 0.05 < frac < 0.6


def test_scenes_hide_the_white_background(cgi_data):
    split = split_by_group(scan(cgi_data))
    hands = load_hands(split["test"][:3])
    rng = np.random.default_rng(0)
    x, y = make_set(hands, 3, rng, plain_p=0.0)
    assert x.shape == (6, SIZE, SIZE, 3) and x.dtype == np.float32
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert list(y[3:]) == [0, 0, 0]
    # composited scenes are not mostly white any more
    assert (x[:3] > 0.9).all(axis=-1).mean() < 0.5


def test_to_input_matches_the_engine_convention():
    img = np.zeros((*CANVAS, 3), np.uint8)
    img[..., 2] = 255  # pure red in BGR
    x = to_input(img)
    assert x.shape == (SIZE, SIZE, 3)
    assert np.allclose(x[0, 0], [1.0, -1.0, -1.0])  # RGB, [-1, 1]
