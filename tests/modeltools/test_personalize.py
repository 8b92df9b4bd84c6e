"""Recording the player's frames and refitting the CNN's head on them (`rps personalize`,
teach mode with the CNN)."""

import cv2
import numpy as np
import openvino as ov
import pytest

from rps.capture import SyntheticSource
from rps.errors import RpsError
from rps.game.teach import (
    MIN_CHANGE,
    distance,
    landmark_descriptor,
)
from rps.inference.modelfiles import load_model_files
from rps.modeltools.collect import Recorder, collect, thumbnail
from rps.modeltools.personalize import (
    Head,
    augment,
    extract_features,
    fit_head,
    personalize,
    read_head,
)
from rps.userdata.marks import clear_recording
from tests.fakes import gaps_while


def test_descriptor_scales():
    lm = np.zeros((21, 3), np.float32)
    lm[:, 0] = np.linspace(100, 300, 21)
    moved = lm + np.array([6.4, 0, 0], np.float32)  # 1% of a 640-wide frame
    a, b = (landmark_descriptor(x, (640, 480)) for x in (lm, moved))
    assert distance(a, b) == pytest.approx(0.01 / np.sqrt(2), rel=1e-5)
    img = np.full((480, 640, 3), 100, np.uint8)
    assert thumbnail(img).shape == (24, 32) and thumbnail(img).max() <= 1.0
    noisy = np.clip(img + np.random.default_rng(0).normal(0, 4, img.shape), 0, 255)
    assert distance(thumbnail(img), thumbnail(noisy.astype(np.uint8))) < MIN_CHANGE / 2
    shifted = img.copy()
    cv2.circle(shifted, (320, 240), 80, (200, 200, 200), -1)  # a hand comes in
    assert distance(thumbnail(img), thumbnail(shifted)) > 5 * MIN_CHANGE


def test_each_frame_is_on_disk_as_it_is_taken_and_survives_an_interruption(tmp_path):
    rec = Recorder(tmp_path / "rec")

    class Dies(SyntheticSource):
        """A camera that fails after 25 frames (unplugged mid-recording)."""

        def read(self):
            if self._n >= 25:
                raise OSError("device unplugged")
            return super().read()

    with pytest.raises(RpsError, match="device unplugged"):
        collect(Dies(fps=200), rec, per_class=4, rate=50, countdown=0)
    counts = rec.counts()
    assert sum(counts.values()) >= 4 and "none" in counts
    for path in (tmp_path / "rec").rglob("*.jpg"):
        assert cv2.imread(str(path)) is not None  # complete files, no partial writes
    assert not list((tmp_path / "rec").rglob(".*rps-tmp*"))
    before = sum(counts.values())
    collect(SyntheticSource(fps=200), rec, per_class=2, rate=50, countdown=0)
    assert sum(rec.counts().values()) == before + 8  # recording again adds to the set
    assert clear_recording(rec.root) == (before + 8, 0)
    assert rec.counts() == {} and not rec.root.exists()


def _recording(root, classes=("none", "rock", "paper", "scissors"), n=6, seed=0):
    rng = np.random.default_rng(seed)
    for i, c in enumerate(classes):
        (root / c).mkdir(parents=True)
        for k in range(n):
            img = np.full((60, 80, 3), 40 * i, np.uint8)
            img += rng.integers(0, 30, img.shape, dtype=np.uint8)
            cv2.imwrite(str(root / c / f"{k}.png"), img)
    return root


def test_personal_ir_outputs_match_the_numpy_head(tiny_model, tmp_path):
    data = _recording(tmp_path / "rec")
    out = tmp_path / "personal"
    result = personalize(data, tiny_model, out)
    files = load_model_files(out)
    assert set(files.variants) == {"FP32", "FP16"} and files.labels[0] == "none"
    head: Head = result["head"]
    images = [cv2.imread(str(p)) for p in sorted((data / "rock").glob("*.png"))]
    core = ov.Core()
    feats = extract_features(files, images, core)
    want = head.scores(feats)
    from rps.recognizers.cnn import prepare_model
    compiled = core.compile_model(prepare_model(core, files, "FP32", (60, 80)), "CPU",
                                  {"INFERENCE_PRECISION_HINT": "f32"})
    got = np.stack([compiled(img[None])[0][0] for img in images])
    assert np.allclose(got, want, atol=1e-4)
    shipped = read_head(core.read_model(load_model_files(tiny_model).xml("FP32")))
    assert not np.allclose(head.w, shipped.w)  # the head really changed
    assert result["fit_accuracy"] >= 0.9


def test_fit_head_learns_a_separable_problem_and_respects_the_prior():
    rng = np.random.default_rng(0)
    f = rng.standard_normal((80, 8)).astype(np.float32)
    y = (f[:, 0] > 0).astype(int) + 2 * (f[:, 1] > 0).astype(int)
    prior = Head(np.zeros((8, 4), np.float32), np.zeros(4, np.float32))
    free = fit_head(f, y, prior, l2=0.0, steps=500)
    assert (free.scores(f).argmax(1) == y).mean() > 0.9
    tight = fit_head(f, y, prior, l2=100.0, steps=500)
    assert np.abs(tight.w).max() < np.abs(free.w).max() / 10


def test_augmented_copies_move_mirror_and_relight_the_frame():
    img = np.zeros((224, 224, 3), np.uint8)
    img[80:144, 20:60] = 200  # a bright block on the left
    rng = np.random.default_rng(0)
    copies = [augment(img, rng) for _ in range(200)]
    assert all(c.shape == img.shape and c.dtype == np.uint8 for c in copies)
    left = [c[:, :112].sum() > c[:, 112:].sum() for c in copies]
    assert 0.35 < np.mean(left) < 0.65  # about half are the other hand
    kept = [c for c, is_left in zip(copies, left, strict=True) if is_left]
    cols = [np.nonzero(c.max(axis=(0, 2)) > 100)[0] for c in kept]
    assert len({(x[0], x[-1]) for x in cols}) > 10  # moved and resized, not one copy
    assert all(abs(x.mean() - 40) < 30 for x in cols)  # but still near where it was
    peaks = {int(c.max()) for c in copies}
    assert min(peaks) < 190 and max(peaks) > 210  # exposure varies


@pytest.mark.parametrize(("make", "message"), [
    (lambda root: root.mkdir(), "no images"),
    (lambda root: _recording(root, classes=("rock",)), "only 'rock' recorded"),
])
def test_bad_recordings_are_clear_errors(tiny_model, tmp_path, make, message):
    make(tmp_path / "rec")
    with pytest.raises(RpsError, match=message):
        personalize(tmp_path / "rec", tiny_model, tmp_path / "out")


def test_unreadable_image_names_the_file(tiny_model, tmp_path):
    data = _recording(tmp_path / "rec", n=2)
    (data / "rock" / "broken.png").write_bytes(b"not a png")
    with pytest.raises(RpsError, match=r"broken\.png"):
        personalize(data, tiny_model, tmp_path / "out")


def test_retraining_keeps_the_caller_responsive(tiny_model, tmp_path):
    """Personalize on a worker thread while the main thread keeps ticking."""
    data = _recording(tmp_path / "rec", n=30)
    gaps = gaps_while(personalize, data, tiny_model, tmp_path / "o", tick=0.01)
    assert len(gaps) > 5 and max(gaps) < 0.5


def test_a_head_without_bias_gets_one(tmp_path):
    """Converters fold an all-zero bias away; personalization must put one back."""
    from openvino import opset13 as ops

    from rps.modeltools.personalize import with_head

    x = ops.parameter([1, 8], ov.Type.f32)
    mm = ops.matmul(x, ops.constant(np.eye(8, 4, dtype=np.float32)), False, False)
    model = ov.Model([ops.softmax(mm, 1)], [x])
    head = read_head(model)
    assert np.all(head.b == 0)
    new = Head(head.w * 2, np.arange(4, dtype=np.float32))
    out = ov.Core().compile_model(with_head(model, new), "CPU",
                                  {"INFERENCE_PRECISION_HINT": "f32"})
    f = np.random.default_rng(0).standard_normal((1, 8)).astype(np.float32)
    assert np.allclose(out(f)[0], new.scores(f), atol=1e-5)
    assert np.allclose(read_head(with_head(model, new)).b, new.b)


def test_personalize_swaps_the_whole_folder_in_or_leaves_the_old_one(tiny_model, tmp_path,
                                                                    monkeypatch):
    """A failure (or a kill) mid-write leaves the previous model whole: the new one is
    written beside it and renamed into place only when complete."""
    import rps.modeltools.personalize as per

    data = _recording(tmp_path / "rec")
    out = tmp_path / "personal"
    per.personalize(data, tiny_model, out, copies=1)
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*.bin")}
    real_save, saved = ov.save_model, []

    def dies_after_one(model, path, **kw):
        if saved:
            raise OSError(28, "No space left on device", str(path))
        saved.append(path)
        real_save(model, path, **kw)

    monkeypatch.setattr(per.ov, "save_model", dies_after_one)
    with pytest.raises(OSError):
        per.personalize(data, tiny_model, out, copies=1)
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*.bin")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["personal", "rec"]  # no leftovers
    monkeypatch.setattr(per.ov, "save_model", real_save)
    per.personalize(data, tiny_model, out, copies=1, l2=1.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["personal", "rec"]
    assert load_model_files(out).variants.keys() == {"FP32", "FP16"}
