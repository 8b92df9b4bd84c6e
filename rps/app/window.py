"""`rps play`: the pygame front end. It maps keys to game commands, feeds predictions to
the game, and draws; the rules live in rps.game and the pixels in rps.app.hud."""

from __future__ import annotations

import os
import time
from collections import deque

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

from rps.app import hud, keys
from rps.app.commands import Commands
from rps.app.overlay import StageWindow
from rps.app.scene import Reveal, Scene, TeachPrompt
from rps.app.sound import Sounds
from rps.app.teach_flow import LOADING, TeachFlow
from rps.app.view import View
from rps.errors import RpsError
from rps.game import Duel, DuelRound, Game, State
from rps.game.guidance import SHOW, Guide
from rps.game.history import History
from rps.modeltools.collect import Recorder
from rps.pipeline import Pipeline
from rps.types import Prediction

STALL_PAUSE = 1.0  # seconds without frames before a live camera counts as lost
SAVE_RETRY = 10.0  # seconds between tries to save match history that failed to save
NO_DISPLAY = "no display available: rps play needs a window; for a headless run use `rps bench`"


class App(Commands):
    """One window, one pipeline, one game. ``step()`` runs one display frame."""

    def __init__(self, pipeline: Pipeline, first_to: int = 3, history: History | None = None,
                 fullscreen: bool = False, muted: bool = False, size=(1280, 720), note: str = "",
                 recorder: Recorder | None = None, keys: list[tuple[int, int]] | None = None,
                 players: int = 1, autoplay: bool = False):
        self.pipe = pipeline
        self.devices = [d.name for d in pipeline.backend.devices()]
        self.history = history or History()
        # A steady hand starts a round in front of a camera; the demo clip waits for Space
        # unless asked to play by itself.
        self.solo = Game(time.perf_counter, first_to=first_to,
                         history=self.history.player_throws(),
                         hand_starts=autoplay or pipeline.capture.source.live)
        self.on_start = not autoplay  # the start screen, until Space
        self.duel: Duel | None = None  # the two-player game, while that mode is on
        self.guide = Guide(time.perf_counter)
        self.toasts: deque[tuple[float, str]] = deque(maxlen=3)
        self.teacher = TeachFlow(pipeline, self.solo, self.toast, recorder)
        self.stages = StageWindow()  # the recognizer's recent stage times, for the HUD
        pygame.display.init()
        pygame.font.init()
        self.fullscreen = fullscreen
        self.windowed_size = size
        try:
            self.screen = self._set_mode()
        except pygame.error:
            raise RpsError(NO_DISPLAY) from None
        pygame.display.set_caption("rps - rock paper scissors")
        self.view = View(self.screen)
        self.sounds = Sounds(muted)
        self.clock = pygame.time.Clock()
        self.running = True
        self.paused = False
        self.last: Prediction | None = None
        self.frame_ms: deque[float] = deque(maxlen=10000)  # display frame times
        self._t_last = time.perf_counter()
        self._retry_at = 0.0  # when to try saving unsaved matches again
        self.matches_played = 0
        self.script = keys or []  # (frame, key code) presses, for scripted runs
        for s in (note, self.history.warning):
            if s:
                self.toast(s)
        if players == 2:
            self.cmd_players(0)

    # ---- window ----------------------------------------------------------------------------
    def _set_mode(self) -> pygame.Surface:
        if self.fullscreen:
            return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        return pygame.display.set_mode(self.windowed_size, pygame.RESIZABLE)

    def toast(self, s: str, secs: float = 3.0) -> None:
        self.toasts.append((time.perf_counter() + secs, s))

    # ---- input -----------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
        elif event.type == pygame.VIDEORESIZE and not self.fullscreen:
            self.windowed_size = (max(320, event.w), max(240, event.h))
            self.screen = self._set_mode()
            self.view.resized(self.screen)
        elif event.type == pygame.KEYDOWN:
            self.key(event.key, event.unicode)

    def key(self, key: int, char: str = "") -> None:
        cmd = keys.command(key, char)
        if cmd is not None:
            name, arg = cmd
            getattr(self, f"cmd_{name}")(arg)

    @property
    def device(self) -> str:
        return self.pipe.device

    @property
    def precision(self) -> str:
        return self.pipe.precision

    @property
    def players(self) -> int:
        return 1 if self.duel is None else 2

    @property
    def reads_hands(self) -> bool:
        return self.pipe.model.max_hands > 0

    @property
    def opponent_name(self) -> str:
        return self.solo.opponent.name if self.duel is None else "player 2"

    def message(self) -> str:
        """The game's line, unless the player's hand needs a word while a throw is awaited
        (no hand at all is already what the idle line asks for)."""
        waiting = self.game.state in (State.COUNTDOWN, State.SHOOT) or (
            self.game.state == State.IDLE and self.guide.message != SHOW)
        if self.duel is None and self.reads_hands and waiting and self.guide.message:
            return self.guide.message
        return self.game.message

    def score_sides(self) -> tuple[tuple[str, int], tuple[str, int]]:
        s = self.game.score
        if self.duel is not None:
            return ("Player 1", s["player 1"]), ("Player 2", s["player 2"])
        return ("You", s["player"]), ("Computer", s["computer"])

    def reveal_cards(self) -> Reveal:
        """Left card, right card, banner and its colour for the last round."""
        r, age = self.game.rounds[-1], self.game.state_age
        if isinstance(r, DuelRound):
            banner = {"draw": "Draw"}.get(r.result, f"{r.result.capitalize()} wins!")
            winner = {"player 1": 0, "player 2": 1}.get(r.result)
            return Reveal(("Player 1", r.p1), ("Player 2", r.p2), banner, hud.ACCENT, winner,
                          age)
        banner = {"win": "You win!", "lose": "Computer wins", "draw": "Draw"}[r.result]
        colour = {"win": hud.GOOD, "lose": hud.BAD}.get(r.result, hud.WHITE)
        return Reveal(("You", r.player), ("Computer", r.computer), banner, colour,
                      {"win": 0, "lose": 1}.get(r.result), age)

    def scene(self) -> Scene:
        """This display frame, frozen for the View."""
        g, t, now = self.game, self.teacher.session, time.perf_counter()
        teach = countdown = reveal = None
        if t is not None and t.step is not None:
            teach = TeachPrompt(t.step.prompt, t.seconds_left, t.progress,
                                f"{t.step.label}: {t.taken}/{t.step.frames}", t.hint)
        elif g.state in (State.COUNTDOWN, State.SHOOT):
            countdown = (g.countdown_word, g.countdown_number)
        elif g.state in (State.REVEAL, State.MATCH_OVER) and g.rounds:
            reveal = self.reveal_cards()
        (left, a), (right, b) = self.score_sides()
        end = None
        if g.state == State.MATCH_OVER and t is None:
            end = (g.message, f"{left} {a}  :  {b} {right}",
                   None if self.duel is not None else a > b)
        return Scene(self.pipe.latest, self.last, self.pipe.metrics.snapshot(),
                     self.pipe.backend.describe(self.device), self.precision,
                     self.pipe.model.name, self.opponent_name, tuple(self.stages.lines()),
                     self.players == 2, self.score_sides(), g.first_to, self.message(),
                     tuple(s for until, s in self.toasts if until > now), teach, countdown,
                     reveal, self.on_start, end)

    # ---- one frame -------------------------------------------------------------------------
    def step(self) -> None:
        for event in pygame.event.get():
            self.handle(event)
        self.pipe.check()
        for p in self.pipe.poll():
            self._feed(p)
        self._watch_camera()
        for e in self.pipe.events():
            if e.kind == "ready":
                self.pipe.metrics.reset()
                if self.game.message.startswith(LOADING):  # the message ends with its state
                    self.game.message = self.teacher.served()
                self.toast(f"Now on {e.device} {e.precision} ({e.message})")
                self.sounds.play("switch")
            elif e.kind == "lost":
                self.toast(f"Lost {e.device} (server gone or not answering); back to a "
                           "local device", 5)
            else:
                self.toast(f"Switch failed: {e.message}; staying on {self.device}", 5)
        self.teacher.step()
        if self.game.state != State.IDLE or self.teacher.active:  # a round or teach mode,
            self.on_start = False  # started by any means, ends the start screen
        if not (self.paused or self.teacher.active or self.on_start):
            self.game.update()
        for cue in self.game.sounds:
            self.sounds.play(cue)
        self.game.sounds.clear()
        self._save_matches()
        self.draw()
        self.clock.tick(60)
        now = time.perf_counter()
        self.frame_ms.append((now - self._t_last) * 1000)
        self._t_last = now
        self.pipe.metrics.on_display(now)

    def _feed(self, p: Prediction) -> None:
        self.last = p
        if p.stages_ms:
            self.stages.add(p)
        else:  # a recognizer without stages serves now: the old times are not its own
            self.stages.clear()
        self.teacher.feed(p)
        frame = self.pipe.latest
        hw = frame.image.shape[:2] if frame is not None else (0, 0)
        if self.duel is not None:
            self.duel.feed(p, hw[1])
        else:
            self.solo.feed(p)
            self.guide.feed(p, hw)

    def _save_matches(self) -> None:
        """Finished matches go to the history. A failed save is a toast when a match ends
        (not each retry), is retried every few seconds, and the game goes on."""
        games = [g for g in (self.solo, self.duel) if g is not None]
        now, ended = time.perf_counter(), [m for g in games for m in g.finished_matches]
        if not ended and not (self.history.pending and now >= self._retry_at):
            return
        failing = bool(self.history.pending)
        self.matches_played += len(ended)
        for match in ended:
            self.history.queue({**match, "device": self.device, "precision": self.precision,
                                "model": self.pipe.model.name})
        problem = self.history.save()
        if problem and ended:
            self.toast(f"{problem} - kept, will retry" if self.history.pending else problem, 5)
        elif not problem and failing:
            self.toast("Match history saved")
        for g in games:
            g.finished_matches.clear()
        self._retry_at = now + SAVE_RETRY

    def _watch_camera(self) -> None:
        """A live camera that stops: pause with a message, resume when frames return."""
        if not self.pipe.capture.source.live:
            return
        stalled = self.pipe.capture.stalled_for() > STALL_PAUSE
        if stalled and not self.paused:
            self.paused = True
            self.game.cancel_round("Camera lost - waiting for it to come back...")
        elif not stalled and self.paused:
            self.paused = False
            self.game.message = "Camera back - press Space to play"

    def draw(self) -> None:
        self.view.draw(self.scene())

    def run(self, max_frames: int = 0) -> None:
        n = 0
        while self.running and not (max_frames and n >= max_frames):
            for key in (k for f, k in self.script if f == n):
                char = chr(key) if key < 0x110000 and chr(key).isprintable() else ""
                pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=char,
                                                     mod=0))
            self.step()
            n += 1

    def close(self) -> None:
        self.teacher.close()
        pygame.quit()

