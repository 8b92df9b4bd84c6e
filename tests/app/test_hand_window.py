"""The window on the shipped hand recognizer (real palm, landmark and classifier IR) and the
demo clip, under SDL's dummy driver: the skeleton, the stage HUD, two players."""


import numpy as np
import pygame
import pytest

from rps.app.hud import CLASS_COLOURS
from rps.app.overlay import to_screen
from rps.app.window import App
from rps.capture import open_source
from rps.game import DuelRound, State
from rps.game.history import History
from rps.modeltools.personal import personal_dir
from rps.recognizers import load_recognizer


def press(key: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode="", mod=0))


def step_until_hand(app: App, limit: int = 900):
    """Until the frame on screen has a hand whose wrist is well inside it: the hand search
    also finds hands cut by the frame's edge, whose wrist no pixel shows, and the bottom
    fifth of the view is under the message line."""
    for _ in range(limit):
        app.step()
        p = app.last
        if p is not None and p.hands and app.pipe.latest.seq == p.seq:
            h, w = app.pipe.latest.image.shape[:2]
            x, y = p.hands[0].landmarks[0][:2]
            if 0 <= x < w and 0.2 * h <= y < 0.8 * h:
                return p
    pytest.fail("the hand recognizer found no hand in the demo clip")


def wrist_pixel(app: App, p) -> tuple[tuple[int, int], tuple[int, int, int]]:
    frame = app.pipe.latest.image
    rect = pygame.Rect(app.view._frame_surf.get_rect(topleft=(0, 0)))
    rect.center = app.screen.get_rect().center
    x, y = to_screen(p.hands[0].landmarks[:1], frame.shape[1], rect)[0].round().astype(int)
    return (x, y), tuple(app.screen.get_at((x, y)))[:3]


def test_the_skeleton_sits_on_the_hand_in_its_class_colour_and_l_hides_it(hand_app):
    hand_app.on_start = False  # the camera fills the window in play
    p = step_until_hand(hand_app)
    hand_app.draw()
    where, colour = wrist_pixel(hand_app, p)
    label = p.labels[int(np.argmax(p.hands[0].scores))]
    assert colour == CLASS_COLOURS[label], (where, colour, label)  # the wrist joint's dot
    press(pygame.K_l)
    hand_app.step()
    assert not hand_app.view.show_skeleton
    hand_app.last = p
    hand_app.draw()
    assert wrist_pixel(hand_app, p)[1] != CLASS_COLOURS[label]
    assert any("skeleton off" in s for _, s in hand_app.toasts)


def test_the_hud_shows_each_stage_and_how_often_palm_detection_ran(hand_app):
    step_until_hand(hand_app)
    for _ in range(30):
        hand_app.step()
    lines = hand_app.stages.lines()
    assert lines[0].startswith("ms: palm") and "landmarks" in lines[0]
    assert "classifier" in lines[0]
    assert "palm on" in lines[1] and "hands seen" in lines[1]


def test_two_players_switch_to_two_hands_and_back(hand_app):
    press(pygame.K_n)
    _step_until(hand_app, lambda: hand_app.pipe.model.max_hands == 2, 300)
    assert hand_app.players == 2 and hand_app.pipe.model.max_hands == 2
    assert hand_app.score_sides() == (("Player 1", 0), ("Player 2", 0))
    hand_app.game.start_round()
    for _ in range(5):
        hand_app.step()
    assert hand_app.game.state == State.COUNTDOWN
    duel = hand_app.duel
    duel.rounds, duel.score = [DuelRound("rock", "paper", "player 2")], {"player 1": 0,
                                                                          "player 2": 1}
    duel._finish_match()  # as the round's judge does at first_to
    hand_app.step()
    saved = History(hand_app.history.path).matches[-1]
    assert saved["mode"] == "two-player" and saved["throws"] == [["rock", "paper"]]
    assert hand_app.game.state == State.MATCH_OVER
    press(pygame.K_n)
    _step_until(hand_app, lambda: hand_app.pipe.model.max_hands == 1, 300)
    assert hand_app.players == 1 and hand_app.pipe.model.max_hands == 1


def test_two_players_with_the_cnn_say_they_need_a_recognizer_of_hands(make_app, tiny_model):
    app = make_app(load_recognizer("cnn", tiny_model), players=2)
    app.step()
    assert app.players == 1
    assert any("need a recognizer that reads hands" in s for _, s in app.toasts)
    assert app.stages.lines() == []  # the CNN's HUD is what it was


def _teach_app(make_app, source) -> App:
    app = make_app(load_recognizer("hand"), source)
    app.teacher.settings = {"per_class": 3, "rate": 30.0, "countdown": 0.0}
    return app


def _step_until(app: App, done, limit: int = 900) -> None:
    for _ in range(limit):
        app.step()
        if done():
            return


def test_teach_on_landmarks_refits_the_classifier_and_hot_swaps_it(make_app, tmp_path,
                                                                   cgi_data):
    hands = tmp_path / "hands"  # a "camera" that always shows a hand: CGI paper renders
    hands.mkdir()
    for f in sorted((cgi_data / "paper").glob("*.jpg"))[:6]:
        (hands / f.name).write_bytes(f.read_bytes())
    app = _teach_app(make_app, open_source(hands))
    press(pygame.K_t)
    personal = personal_dir("hand")
    _step_until(app, lambda: app.pipe.model.root == personal)
    assert app.pipe.model.root == personal  # the refitted classifier serves
    assert app.teacher.recorder.counts() == {"none": 3, "rock": 3, "paper": 3,
                                             "scissors": 3}
    assert len(app.teacher._hands) >= 9  # landmarks kept with the throw frames
    assert (personal / "FP16" / "model.xml").is_file()
    press(pygame.K_o)  # back to the shipped classifier
    _step_until(app, lambda: app.pipe.model.root == app.teacher.shipped.root, 300)
    assert app.pipe.model.root == app.teacher.shipped.root
    assert app.last is not None and app.last.hands  # it still reads the hand


def test_when_the_hand_is_missed_teach_mode_offers_the_cnn_and_y_takes_it(make_app):
    from rps.capture import SyntheticSource

    app = _teach_app(make_app, SyntheticSource(320, 240))  # no hand, ever
    press(pygame.K_t)
    _step_until(app, lambda: app.teacher.offer)
    assert app.teacher.offer == "cnn" and "press Y" in app.game.message
    assert not app.teacher.retraining
    press(pygame.K_y)
    _step_until(app, lambda: app.pipe.model.root == personal_dir("cnn"), 1800)
    assert app.pipe.model.root == personal_dir("cnn")  # the personal CNN
