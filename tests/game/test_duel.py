"""Two players on one webcam: the round state machine and who owns which hand."""

import random

import numpy as np

from rps.game import Duel, DuelRound, Game, State, assign_hands
from rps.types import CLASSES, Hand, Prediction
from tests.fakes import FakeClock

W = 640  # camera frame width in pixels
P1_X, P2_X = 480.0, 160.0  # camera's right half = the mirrored screen's left = player 1


def hand(cx: float, label: str = "rock", presence: float = 0.9, conf: float = 0.95) -> Hand:
    """A real Hand: 21 landmarks spread around (cx, 240) in unmirrored camera pixels."""
    lm = np.zeros((21, 3))
    lm[:, 0] = cx + np.linspace(-40, 40, 21)
    lm[:, 1] = 240 + np.linspace(-60, 60, 21)
    scores = np.full(len(CLASSES), (1 - conf) / (len(CLASSES) - 1))
    scores[CLASSES.index(label)] = conf
    box = (cx - 40, 180.0, cx + 40, 300.0)
    return Hand(lm, box, "Right", presence, scores)


def frame(t: float, p1: str | None, p2: str | None) -> Prediction:
    """One frame with player 1's and player 2's hands (None: that side is empty). The frame's
    own scores say "none" and the hands come right to left, so a duel that read the
    frame label or the hand order instead of the sides would fail."""
    hands = [hand(x, label) for x, label in ((P2_X, p2), (P1_X, p1)) if label]
    scores = np.array([1.0, 0.0, 0.0, 0.0])
    return Prediction(0, t, t + 0.01, scores, CLASSES, 3.0, "CPU", "FP32", hands=tuple(hands))


def play(duel: Duel, clock: FakeClock, p1: str | None, p2: str | None,
         fps: float = 30) -> None:
    """From a started round through the read window: both players pump fists during the
    countdown, then show ``p1`` / ``p2`` after "Shoot!"."""
    t = duel.timings
    end = clock.t + 3 * t.beat + t.read + 0.05
    while clock.t < end:
        clock.t += 1 / fps
        shooting = duel.state == State.SHOOT
        duel.feed(frame(clock.t, p1 if shooting else "rock", p2 if shooting else "rock"), W)
        duel.update()


def next_round(duel: Duel, clock: FakeClock) -> None:
    clock.t += duel.timings.reveal + 0.1
    duel.update()
    duel.start_round()


def test_two_player_round_step_by_step():
    clock = FakeClock()
    duel = Duel(clock, first_to=2)
    assert duel.players == 2 and duel.state == State.IDLE
    assert duel.score == {"player 1": 0, "player 2": 0}
    duel.start_round()
    assert duel.state == State.COUNTDOWN and duel.round == DuelRound()
    assert (duel.countdown_word, duel.countdown_number) == ("Rock...", 3)
    clock.t += 0.61
    duel.update()
    assert (duel.countdown_word, duel.countdown_number) == ("Paper...", 2)
    clock.t += 0.6
    duel.update()
    assert (duel.countdown_word, duel.countdown_number) == ("Scissors...", 1)
    clock.t += 0.6
    duel.update()
    assert duel.state == State.SHOOT and duel.countdown_word == "Shoot!"
    assert duel.countdown_number == 0
    assert duel.sounds == ["tick", "tick", "tick", "shoot"]
    for _ in range(17):  # 0.85 s of both hands: the whole read window
        clock.t += 0.05
        duel.feed(frame(clock.t, "rock", "scissors"), W)
    duel.update()
    assert duel.state == State.REVEAL
    assert duel.rounds == [DuelRound("rock", "scissors", "player 1")]
    assert duel.score == {"player 1": 1, "player 2": 0}
    assert duel.message == "Player 1 wins the round!" and duel.sounds[-1] == "win"
    clock.t += 2.1
    duel.update()
    assert duel.state == State.IDLE and "Space" in duel.message


def test_player_2_winning_scores_for_player_2():
    clock = FakeClock()
    duel = Duel(clock)
    duel.start_round()
    play(duel, clock, "rock", "paper")
    assert duel.rounds[-1] == DuelRound("rock", "paper", "player 2")
    assert duel.score == {"player 1": 0, "player 2": 1}
    assert duel.message == "Player 2 wins the round!"


def test_one_player_missing_replays_and_says_who():
    clock = FakeClock()
    duel = Duel(clock)
    duel.start_round()
    play(duel, clock, "paper", None)  # player 2 pumped fists, then dropped the hand
    assert duel.state == State.COUNTDOWN
    assert duel.message == "No throw seen from player 2 (right) - replaying the round"
    assert duel.rounds == [] and duel.score == {"player 1": 0, "player 2": 0}
    play(duel, clock, None, "rock")  # a second miss in a row: wait for Space
    assert duel.state == State.IDLE
    assert duel.message == "No throw seen from player 1 (left) - press Space when ready"
    duel.start_round()
    play(duel, clock, "scissors", "paper")
    assert duel.state == State.REVEAL and duel.score == {"player 1": 1, "player 2": 0}
    next_round(duel, clock)
    play(duel, clock, None, "paper")  # the decided round reset the count: replayed at once
    assert duel.state == State.COUNTDOWN and "player 1 (left)" in duel.message
    assert duel.score == {"player 1": 1, "player 2": 0}


def test_both_missing_replays_once_then_waits():
    clock = FakeClock()
    duel = Duel(clock)
    duel.start_round()
    play(duel, clock, None, None)
    assert duel.state == State.COUNTDOWN
    assert duel.message == "No throw seen from either player - replaying the round"
    play(duel, clock, None, None)
    assert duel.state == State.IDLE and "press Space" in duel.message
    assert duel.rounds == []


def test_a_draw_scores_nothing():
    clock = FakeClock()
    duel = Duel(clock)
    duel.start_round()
    play(duel, clock, "paper", "paper")
    assert duel.state == State.REVEAL
    assert duel.rounds == [DuelRound("paper", "paper", "draw")]
    assert duel.score == {"player 1": 0, "player 2": 0}
    assert duel.message == "Draw" and duel.sounds[-1] == "draw"


def test_first_to_n_ends_the_match_and_records_both_throws():
    clock = FakeClock()
    duel = Duel(clock, first_to=2)
    throws = [("rock", "paper"), ("scissors", "paper"), ("rock", "rock"),
              ("paper", "scissors")]
    duel.start_round()
    for i, (p1, p2) in enumerate(throws):
        if i:
            next_round(duel, clock)
        assert duel.state == State.COUNTDOWN
        play(duel, clock, p1, p2)
    assert duel.state == State.MATCH_OVER and duel.message == "Player 2 wins the match!"
    assert duel.finished_matches == [{
        "mode": "two-player", "rounds": 4, "throws": [list(t) for t in throws],
        "score": {"player 1": 1, "player 2": 2}, "result": "player 2"}]
    clock.t += 5
    duel.update()
    assert duel.state == State.MATCH_OVER  # stays until Space
    duel.start_round()  # Space after a match starts a new one
    assert duel.state == State.COUNTDOWN and duel.score == {"player 1": 0, "player 2": 0}
    assert duel.rounds == [] and len(duel.finished_matches) == 1


def test_cancel_round_drops_it_and_reset_clears_the_match():
    clock = FakeClock()
    duel = Duel(clock)
    duel.start_round()
    play(duel, clock, "rock", "scissors")
    next_round(duel, clock)
    clock.t += 2.0
    duel.update()
    assert duel.state == State.SHOOT
    duel.cancel_round("Camera lost")
    assert duel.state == State.IDLE and duel.round is None and duel.message == "Camera lost"
    assert duel.score == {"player 1": 1, "player 2": 0} and len(duel.rounds) == 1
    duel.reset()
    assert duel.state == State.IDLE and duel.rounds == [] and duel.round is None
    assert duel.score == {"player 1": 0, "player 2": 0} and "New match" in duel.message


def test_unsure_hands_are_no_throw():
    clock = FakeClock()
    duel = Duel(clock)
    duel.start_round()
    t = duel.timings
    end = clock.t + 3 * t.beat + t.read + 0.05
    while clock.t < end:
        clock.t += 1 / 30
        hands = (hand(P1_X, "rock"), hand(P2_X, "paper", conf=0.4))
        duel.feed(Prediction(0, clock.t, clock.t, np.array([1.0, 0, 0, 0]), CLASSES, 3.0,
                             "CPU", "FP32", hands=hands), W)
        duel.update()
    assert "player 2 (right)" in duel.message and duel.rounds == []


def test_a_hand_seen_for_a_moment_is_outvoted_by_an_empty_side():
    clock = FakeClock()
    duel = Duel(clock)
    duel.start_round()
    clock.t += 3 * duel.timings.beat + 0.01
    duel.update()
    assert duel.state == State.SHOOT
    for i in range(17):  # player 2's hand is there for the first 4 frames only
        clock.t += 0.05
        duel.feed(frame(clock.t, "paper", "rock" if i < 4 else None), W)
    duel.update()
    assert "player 2 (right)" in duel.message and duel.rounds == []


def owners(*hands: Hand) -> tuple[Hand | None, Hand | None]:
    return assign_hands(hands, W)


def same(got: tuple, want: tuple) -> bool:
    """The very same hands (Hands hold arrays, so == would compare them element-wise)."""
    return len(got) == len(want) and all(g is w for g, w in zip(got, want, strict=True))


def test_a_hand_on_the_cameras_right_half_is_player_1():
    a, b = hand(P1_X), hand(P2_X)
    assert same(owners(a), (a, None))  # on screen (mirrored) it is on the left
    assert same(owners(b), (None, b))
    assert same(owners(b, a), (a, b)) and same(owners(a, b), (a, b))
    # The players swap places: the hands swap players.
    a2, b2 = hand(P2_X), hand(P1_X)
    assert same(owners(a2, b2), (b2, a2))
    near_right, near_left = hand(W / 2 + 1), hand(W / 2 - 1)
    assert same(owners(near_right, near_left), (near_right, near_left))


def test_two_hands_on_one_side_keep_the_more_present_one():
    weak, strong = hand(500, presence=0.6), hand(400, presence=0.95)
    other, stronger = hand(100, presence=0.5), hand(200, presence=0.9)
    assert same(owners(weak, strong), (strong, None))
    assert same(owners(strong, weak, other), (strong, other))
    assert same(owners(other, stronger), (None, stronger))


def test_no_hands_is_nobody():
    assert owners() == (None, None)


def test_one_player_matches_record_their_mode():
    clock = FakeClock()
    game = Game(clock, first_to=1, rng=random.Random(4))
    game.start_round()
    clock.t += 3 * game.timings.beat + 0.01
    game.update()
    game._judge({"rock": "paper", "paper": "scissors", "scissors": "rock"}
                [game.round.computer])
    assert game.state == State.MATCH_OVER
    assert game.finished_matches[-1]["mode"] == "one-player"
