"""The window on the shipped hand recognizer (real palm, landmark and classifier IR) and the
demo clip, under SDL's dummy driver: the skeleton, the stage HUD, two players."""


import re
import time
from pathlib import Path

import cv2
import numpy as np
import pygame
import pytest

from rps.app.hud import CLASS_COLOURS
from rps.app.overlay import to_screen
from rps.app.window import App
from rps.game import DuelRound, State
from rps.game.history import History
from rps.modeltools.personal import personal_dir
from rps.recognizers import load_recognizer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rps-cgi"


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


class Player:
    """A camera in front of a player who does what teach mode asks: an empty grey room
    for the empty-room step, else CGI renders of the prompted throw, a new one for each
    frame taken. ``shows``: the throw this player shows for a prompt (whose rock looks like
    scissors, say); ``slips``: every other frame taken shows the next throw instead."""

    live, fps, name = False, 30.0, "player"
    THROWS = ("rock", "paper", "scissors")

    def __init__(self, shows: dict[str, str] | None = None, slips: bool = False):
        self.teacher = None  # set once the App exists
        self.shows, self.slips = shows or {}, slips
        self.room = np.full((240, 320, 3), 90, np.uint8)
        self.hands = {c: [cv2.resize(cv2.imread(str(f)), (320, 240))
                          for f in sorted((FIXTURES / c).glob("*.jpg"))] for c in self.THROWS}

    def read(self):
        time.sleep(1 / self.fps)
        t = self.teacher.session if self.teacher is not None else None
        step = t.step if t is not None else None
        if step is None or not step.vary or step.label not in self.hands:
            return self.room
        shown = self.shows.get(step.label, step.label)
        if self.slips and t.taken % 2 == 0:
            shown = self.THROWS[(self.THROWS.index(shown) + 1) % 3]
        return self.hands[shown][t.taken % len(self.hands[shown])]

    def rewind(self) -> bool:
        return True

    def close(self) -> None:
        pass


def _player_app(make_app, player: Player, classes=Player.THROWS) -> App:
    app = make_app(load_recognizer("hand"), player)
    player.teacher = app.teacher
    app.teacher.settings = {"per_class": 6, "rate": 5.0, "countdown": 0.0,
                            "classes": classes}
    return app


def test_teach_on_landmarks_refits_the_classifier_and_hot_swaps_it(make_app):
    """A player whose rock looks like scissors to the shipped classifier teaches it."""
    app = _player_app(make_app, Player({"rock": "scissors"}), ("rock", "paper"))
    press(pygame.K_t)
    personal = personal_dir("hand")
    _step_until(app, lambda: app.pipe.model.root == personal, 1800)
    assert app.pipe.model.root == personal  # the refitted classifier serves
    assert app.teacher.recorder.counts() == {"rock": 6, "paper": 6}
    assert len(app.teacher._hands) == 12  # landmarks kept with every frame
    assert (personal / "FP16" / "model.xml").is_file()
    _step_until(app, lambda: "is on" in app.game.message, 300)
    found = re.search(r"k-fold (\d+)/12 vs shipped (\d+)/12", app.game.message)  # shown
    assert found and int(found[1]) > int(found[2])
    press(pygame.K_o)  # back to the shipped classifier
    _step_until(app, lambda: app.pipe.model.root == app.teacher.shipped.root, 900)
    assert app.pipe.model.root == app.teacher.shipped.root


def test_teach_refuses_a_worse_refit_with_a_message_and_keeps_the_model(make_app):
    app = _player_app(make_app, Player(slips=True))
    press(pygame.K_t)
    _step_until(app, lambda: "Kept the shipped model" in app.game.message, 1800)
    assert re.search(r"k-fold \d+/18 vs shipped \d+/18", app.game.message)
    assert app.pipe.model.root == app.teacher.shipped.root and not app.teacher.retraining
    assert not personal_dir("hand").exists()  # nothing written
    assert app.teacher.recorder.counts() == {"rock": 6, "paper": 6, "scissors": 6}  # kept


def test_teach_refuses_an_empty_frame_with_the_hand_recognizer(make_app):
    """No hand in the picture, ever: nothing goes into a hand class, and after a few
    seconds the step is given up and the CNN offered; Y records again for it."""
    from rps.capture import SyntheticSource

    app = make_app(load_recognizer("hand"), SyntheticSource(320, 240))
    app.teacher.settings = {"per_class": 3, "rate": 30.0, "countdown": 0.0}
    press(pygame.K_t)
    _step_until(app, lambda: app.teacher.offer, 1800)
    assert app.teacher.offer == "cnn" and "Y teaches the CNN" in app.game.message
    assert app.teacher.recorder.counts() == {"none": 1}  # the empty room only
    assert not app.teacher.retraining and not app.teacher.active
    press(pygame.K_y)
    _step_until(app, lambda: app.teacher.active, 30)
    assert app.teacher.kind == "cnn" and not app.teacher.session.need_hand
    t_end = time.perf_counter() + 240  # a CNN refit, five times over: seconds, not frames
    while not app.teacher.figures and time.perf_counter() < t_end:
        app.step()
    assert not app.teacher.active, app.teacher.session.hint
    assert re.search(r"k-fold \d+/\d+ vs shipped \d+/\d+", app.game.message)
    assert app.teacher.recorder.counts()["none"] == 1 + 3  # the first session's frame kept
