"""What one display frame shows, frozen: the App builds a Scene each frame from the game,
the pipeline and the teach flow, and the View draws it without asking anything back
(after depthai_hand_tracker's ``draw(frame, hands)`` renderer)."""

from __future__ import annotations

from dataclasses import dataclass

from rps.types import Frame, Metrics, Prediction

Side = tuple[str, int]  # a name on the score bar and its score
Card = tuple[str, str | None]  # who threw, and what (None: nothing read)


@dataclass(frozen=True)
class TeachPrompt:
    """Teach mode's overlay: the prompt, the countdown, progress and what to do."""

    prompt: str
    seconds_left: float
    progress: float
    count: str
    hint: str


@dataclass(frozen=True)
class Reveal:
    """The last round's two cards and the banner above them; ``winner``: 0 the left card,
    1 the right, None a draw; ``age``: seconds since the reveal began (its animation)."""

    left: Card
    right: Card
    banner: str
    colour: tuple[int, int, int]
    winner: int | None = None
    age: float = 1.0


@dataclass(frozen=True)
class Scene:
    frame: Frame | None  # the newest camera frame
    last: Prediction | None  # the newest reading (the skeleton, the score bars)
    metrics: Metrics
    device: str  # the HUD's label of the serving device
    precision: str
    model: str
    opponent: str
    stage_lines: tuple[str, ...]  # a multi-stage recognizer's per-stage numbers
    two_players: bool
    score: tuple[Side, Side]
    first_to: int
    message: str
    toasts: tuple[str, ...]  # oldest first
    teach: TeachPrompt | None = None
    countdown: tuple[str, int] | None = None  # word, number
    reveal: Reveal | None = None
    start: bool = False  # the start screen, before the first Space
    end: tuple[str, str, bool | None] | None = None  # match over: result, score, won
