"""The pygame front end under SDL's dummy video driver, driven by posted key presses."""


import pygame

from rps.app.teach_flow import LOADING
from rps.game import State
from rps.game.history import History
from rps.modeltools.personal import personal_dir
from rps.recognizers import load_recognizer


def press(key: int, char: str = "") -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=char, mod=0))


def test_keys_drive_the_game_over_300_frames(app):
    script = {
        10: (pygame.K_SPACE, ""),
        40: (pygame.K_h, ""),
        60: (pygame.K_d, ""),
        150: (pygame.K_p, ""),
        200: (pygame.K_F1, ""),
        299: (pygame.K_ESCAPE, ""),
    }
    seen = {}
    frames = 0
    while app.running and frames < 400:
        if frames in script:
            press(*script[frames])
        app.step()
        frames += 1
        seen.setdefault(app.game.state, frames)
        if frames == 11:
            assert app.game.state == State.COUNTDOWN  # Space started a round
            assert app.game.round.computer in ("rock", "paper", "scissors")
        if frames == 41:
            assert app.view.hud_mode == "full"
        if frames == 201:
            assert app.view.show_help is True
    assert frames == 300 and not app.running  # Esc quit on its frame
    assert State.SHOOT in seen  # the round went through the countdown to the read
    assert app.device == "AUTO"  # D moved CPU -> AUTO once it was compiled
    assert app.precision == "FP16"  # P moved FP32 -> FP16
    assert app.pipe.metrics.snapshot().display_fps > 5
    assert app.last is not None and app.last.device in ("CPU", "AUTO")


def test_number_keys_pick_devices_and_a_screenshot_is_saved(app, tmp_path):
    press(pygame.K_3)  # the third device in `rps devices` order: MULTI:CPU here
    for _ in range(60):
        app.step()
        if app.device == app.devices[2]:
            break
    assert app.device == app.devices[2]
    press(pygame.K_s)
    app.step()
    shots = list((tmp_path / "screenshots").glob("*.png"))
    assert len(shots) == 1 and shots[0].stat().st_size > 1000


def test_a_finished_match_is_saved_to_history(any_app, tmp_path):
    app = any_app
    app.game.first_to = 1
    app.game.start_round()
    app.game._judge({"rock": "paper", "paper": "scissors",
                     "scissors": "rock"}[app.game.round.computer])
    app.step()
    saved = History(tmp_path / "history.json").matches
    assert len(saved) == 1 and saved[0]["result"] == "win"
    assert saved[0]["device"] == "CPU" and saved[0]["model"] == app.pipe.model.name


def test_a_failed_switch_says_why_and_stays(any_app):
    app = any_app
    app.switch(device="HETERO:NOPE")
    for _ in range(30):
        app.step()
    assert app.device == "CPU"
    assert any("Switch failed" in s for _, s in app.toasts)


def test_teach_mode_records_retrains_and_hot_swaps(app, tmp_path):
    app.teacher.settings = {"per_class": 3, "rate": 30.0, "countdown": 0.0}
    press(pygame.K_t)
    frames = 0
    while app.pipe.model.root != personal_dir("cnn") and frames < 600:
        app.step()
        frames += 1
    assert app.pipe.model.root == personal_dir("cnn")  # the personal model serves
    for _ in range(5):
        app.step()
    assert not app.game.message.startswith(LOADING)  # the message ended with its state
    assert "k-fold" in app.game.message  # and says how the refit did
    assert app.teacher.recorder.counts() == {"none": 3, "rock": 3, "paper": 3, "scissors": 3}
    assert app.last is not None
    press(pygame.K_o)  # back to the shipped model
    for _ in range(120):
        app.step()
        if app.pipe.model.root == app.teacher.shipped.root:
            break
    assert app.pipe.model.root == app.teacher.shipped.root


def test_camera_lost_mid_match_pauses_and_resumes(make_app, tiny_model):
    import threading
    import time

    from rps.capture import SyntheticSource

    class Camera(SyntheticSource):
        live = True
        dark = threading.Event()

        def read(self):
            time.sleep(1 / 60)
            return None if self.dark.is_set() else super().read()

    cam = Camera(320, 240)
    app = make_app(load_recognizer("cnn", tiny_model), cam)
    app.game.start_round()
    app.step()
    cam.dark.set()
    t_end = time.perf_counter() + 4
    while not app.paused and time.perf_counter() < t_end:
        app.step()
    assert app.paused and "Camera lost" in app.game.message
    assert app.game.state == State.IDLE and app.game.round is None  # round cancelled
    cam.dark.clear()
    t_end = time.perf_counter() + 4
    while app.paused and time.perf_counter() < t_end:
        app.step()
    assert not app.paused and "Camera back" in app.game.message


def test_a_match_that_cannot_be_saved_is_a_toast_and_is_saved_later(app, tmp_path):
    blocker = tmp_path / "blocked"
    blocker.write_text("")  # the history's folder is a file: every save fails
    app.history = History(blocker / "history.json")
    app.game.first_to = 1
    app.game.start_round()
    app.game._judge({"rock": "paper", "paper": "scissors",
                     "scissors": "rock"}[app.game.round.computer])
    app.step()
    assert any("not saved" in s and "will retry" in s for _, s in app.toasts)
    assert app.running and len(app.history.pending) == 1
    blocker.unlink()  # the folder becomes writable
    app._retry_at = 0.0  # instead of waiting the retry interval
    app.step()
    assert app.history.pending == [] and any(s == "Match history saved" for _, s in app.toasts)
    assert len(History(blocker / "history.json").matches) == 1


def test_screenshot_and_teach_on_an_unwritable_folder_are_toasts(app, tmp_path, monkeypatch):
    blocker = tmp_path / "blocked"
    blocker.write_text("")
    monkeypatch.setenv("RPS_DATA_DIR", str(blocker / "data"))
    app.teacher.recorder.root = blocker / "data" / "recordings"
    press(pygame.K_s)
    press(pygame.K_t)
    app.step()
    assert any("Screenshot not saved" in s for _, s in app.toasts)
    assert any("Teach mode needs" in s for _, s in app.toasts)
    assert app.running and not app.teacher.active


def test_a_disk_that_fills_up_mid_recording_stops_teach_mode_with_a_message(app):
    import errno

    class FullDisk:
        root = app.teacher.recorder.root

        def save(self, label, image):
            raise OSError(errno.ENOSPC, "No space left on device")

    app.teacher.recorder = FullDisk()
    app.teacher.settings = {"per_class": 3, "rate": 30.0, "countdown": 0.0}
    press(pygame.K_t)
    for _ in range(120):
        app.step()
        if not app.teacher.active:
            break
    assert not app.teacher.active and app.running
    assert any("could not be saved" in s and "No space" in s for _, s in app.toasts)
    assert not app.teacher.retraining


def test_the_demo_waits_on_the_start_screen_and_space_plays(app):
    assert app.scene().start and not app.solo.hand_starts  # the demo clip, no --autoplay
    for _ in range(30):
        app.step()
    assert app.on_start and app.game.state == State.IDLE
    press(pygame.K_SPACE)
    app.step()
    assert not app.on_start and app.game.state == State.COUNTDOWN
    assert not app.scene().start


def test_autoplay_skips_the_start_screen(make_app, tiny_model):
    app = make_app(load_recognizer("cnn", tiny_model), autoplay=True)
    assert not app.on_start and app.solo.hand_starts and not app.scene().start


def test_help_pauses_the_game_no_round_is_scored_behind_it(app):
    press(pygame.K_SPACE)
    app.step()
    assert app.game.state == State.COUNTDOWN
    press(pygame.K_F1)
    for _ in range(200):  # over 3 s: a countdown, a read and a reveal would fit
        app.step()
    assert app.view.show_help and app.game.paused
    assert app.game.state == State.IDLE and app.game.rounds == []
    assert sum(app.game.score.values()) == 0
    press(pygame.K_F1)
    app.step()
    assert not app.game.paused and "Space" in app.game.message


def test_the_end_of_a_match_says_what_comes_next(app):
    app.game.first_to = 1
    app.game.start_round()
    app.game._judge({"rock": "paper", "paper": "scissors",
                     "scissors": "rock"}[app.game.round.computer])
    app.step()
    result, score, won = app.scene().end
    assert result == "You win the match!" and score == "You 1  :  0 Computer" and won
    press(pygame.K_SPACE)
    app.step()
    assert app.scene().end is None and app.game.score == {"player": 0, "computer": 0}


def test_the_hud_never_shows_nan_and_h_cycles_it():
    from rps.app.hud import hud_lines
    from rps.types import Metrics

    for full in (False, True):
        lines = hud_lines(Metrics(), "CPU", "FP32", "cnn", "fair", (), full)
        assert lines and not any("nan" in s for s in lines)
    assert len(hud_lines(Metrics(), "CPU", "FP32", "cnn", "fair", (), False)) == 1


def test_stage_times_end_when_a_recognizer_without_stages_serves(app):
    import dataclasses

    while app.last is None:
        app.step()
    app.stages.add(dataclasses.replace(app.last, stages_ms=(("palm", 3.0),)))
    assert app.stages.lines()  # as left by the hand recognizer before a switch to the CNN
    seq = app.last.seq
    while app.last.seq == seq:
        app.step()
    assert app.stages.lines() == []


def test_t_on_the_start_screen_opens_teach_mode_in_view(app):
    assert app.on_start
    press(pygame.K_t)
    app.step()
    assert app.teacher.active and not app.on_start
    scene = app.scene()
    assert not scene.start and scene.teach is not None  # its prompt is drawn, not the start
