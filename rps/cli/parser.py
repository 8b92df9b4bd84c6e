"""The `rps` command line: every subcommand's arguments, checked as they are parsed (number
ranges, sizes, writable output paths), so bad input is one usage line before any work."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from rps.errors import RpsError, check_output
from rps.inference.modelfiles import SHARED
from rps.modeltools.trainers import TRAINABLE
from rps.recognizers import RECOGNIZERS

PRECISION_CHOICES = ("FP32", "FP16", "INT8")
HINT_CHOICES = ("LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT")


def _upper(text: str) -> str:
    return text.upper()


def _device(text: str) -> str:
    """Device names are upper case, but a ``remote:HOST:PORT`` keeps its host."""
    return f"remote:{text[7:]}" if text.lower().startswith("remote:") else text.upper()


def _add_remote(p: argparse.ArgumentParser) -> None:
    p.add_argument("--remote", action="append", default=[], metavar="HOST:PORT",
                   type=lambda t: t if t.lower().startswith("remote:") else f"remote:{t}",
                   help="a v2 inference server (`rps serve` on another machine) to offer as "
                   "device remote:HOST:PORT; repeatable")


def _number(kind: type, low: float, high: float | None = None, above: bool = False
            ) -> Callable[[str], float]:
    """An argparse type for a ``kind`` number >= ``low`` (> with ``above``), <= ``high``:
    a value out of range is argparse's one-line usage error and exit 2, before any work."""
    want = f"> {low}" if above else f">= {low}" if high is None else f"{low}..{high}"

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        bad = value <= low if above else value < low
        if not math.isfinite(value) or bad or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text} is out of range (must be {want})")
        return value

    return parse


POSITIVE = _number(float, 0, above=True)
NON_NEG = _number(float, 0)
COUNT = _number(int, 0)
POS_INT = _number(int, 1)
NIREQ = _number(int, 0, 64)
PORT = _number(int, 1, 65535)


def _out_path(folder: bool) -> Callable[[str], Path]:
    """An argparse type for an output folder / file, checked writable before work starts."""
    def parse(text: str) -> Path:
        try:
            return check_output(Path(text).expanduser(), folder)
        except RpsError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


OUT_DIR = _out_path(folder=True)
OUT_FILE = _out_path(folder=False)


def _add_recognizer(p: argparse.ArgumentParser, what: str = "") -> None:
    """--recognizer, its choices and help from the registry (rps.recognizers)."""
    kinds = "; ".join(f"{k.name}: {k.help}" for k in RECOGNIZERS.kinds())
    p.add_argument("--recognizer", "-r", choices=RECOGNIZERS.names(),
                   default=RECOGNIZERS.default, help=f"{what}{kinds} "
                   f"(default: {RECOGNIZERS.default})")


def _add_model_args(p: argparse.ArgumentParser, multi: bool) -> None:
    nargs = "+" if multi else None
    _add_recognizer(p)
    p.add_argument("--model", help="the recognizer's model folder or model.xml (default: "
                   "its shipped one)")
    p.add_argument("--device", "-d", nargs=nargs, default=["CPU"] if multi else "CPU",
                   type=_device, help="inference device(s): CPU, GPU, NPU, AUTO, MULTI:..., "
                   "HETERO:..., remote:HOST:PORT (see `rps devices`)")
    p.add_argument("--precision", "-p", nargs=nargs, help="default: the recognizer's own",
                   type=_upper, choices=PRECISION_CHOICES)
    p.add_argument("--no-cache", action="store_true", help="do not use OpenVINO's model cache")


def _add_source_args(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--source", "-s", default=default,
                   help="camera index, video file, image folder, 'demo' or 'synthetic[:WxH]' "
                   f"(default: {'camera 0, else the demo clip' if default == 'auto' else default})")
    p.add_argument("--demo", action="store_true", help="use the bundled demo clip")
    p.add_argument("--fps", type=POSITIVE, help="pace files / images / synthetic at this rate")
    p.add_argument("--max", action="store_true",
                   help="read files as fast as the engine takes them instead of paced")


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line like every other error (``--help`` still shows usage);
    subcommand parsers are made of this class too."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rps", description="Real-time webcam rock-paper-scissors on OpenVINO: "
                     "play, benchmark, and teach it your hand. `rps <command> --help` says more.")
    sub = parser.add_subparsers(dest="command", required=True)

    devices = sub.add_parser("devices", help="list inference devices")
    _add_remote(devices)

    serve = sub.add_parser("serve", help="serve the models to other machines over KServe v2 "
                           "(gRPC and REST; needs the serve extra)")
    serve.add_argument("--device", "-d", default="CPU", type=_upper,
                       help="this machine's device to run them on (default: CPU)")
    serve.add_argument("--precision", "-p", nargs="+", type=_upper, choices=PRECISION_CHOICES,
                       default=list(PRECISION_CHOICES), help="precisions to serve (default: all)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: "
                       "127.0.0.1, this machine only; 0.0.0.0 for every interface - there is "
                       "no authentication)")
    serve.add_argument("--port", type=PORT, default=8500, help="gRPC port (default: 8500); "
                       "clients use --device remote:HOST:PORT")
    serve.add_argument("--rest-port", type=PORT, help="REST port (default: --port + 1)")
    serve.add_argument("--list", action="store_true",
                       help="print the model and tensor names served, and exit")
    serve.add_argument("--export", type=OUT_DIR, metavar="DIR", help="write the served IR "
                       "and a config.json for OpenVINO Model Server to DIR, and exit")
    serve.add_argument("--no-cache", action="store_true", help="do not use OpenVINO's model cache")

    bench = sub.add_parser("bench", help="headless frame-rate test of capture -> engine")
    _add_source_args(bench, "demo")
    _add_model_args(bench, multi=True)
    bench.add_argument("--seconds", type=POSITIVE, help="measure this long (default: 10, or "
                       "until --frames when that is given; with both, whichever comes first)")
    bench.add_argument("--frames", type=COUNT, default=0, help="stop after this many results")
    bench.add_argument("--hint", nargs="+", default=["LATENCY"], type=_upper,
                       choices=HINT_CHOICES, help="OpenVINO performance hint(s)")
    bench.add_argument("--nireq", nargs="+", type=NIREQ, default=[0],
                       help="infer requests in the ring, 0..64 (0: the device's optimal number)")
    bench.add_argument("--api", nargs="+", default=["async"], choices=("sync", "async"),
                       help="async: a ring of infer requests; sync: one request at a time")
    bench.add_argument("--no-loop", action="store_true", help="stop at the end of a file")
    bench.add_argument("--json", type=OUT_FILE, help="write results here as JSON")
    bench.add_argument("--pc", action="store_true", help="print per-layer performance counters")
    bench.add_argument("--quiet", action="store_true", help="no progress line")

    play = sub.add_parser("play", help="play rock-paper-scissors against the computer")
    _add_source_args(play, "auto")
    _add_model_args(play, multi=False)
    _add_remote(play)
    play.add_argument("--first-to", type=POS_INT, default=3, help="wins needed to take a match")
    play.add_argument("--players", type=int, choices=(1, 2), default=1,
                      help="2: two players on one webcam, left and right half of the view "
                      "(needs the hand recognizer; N switches in the game)")
    play.add_argument("--frames", type=COUNT, default=0, help="quit after this many frames")
    play.add_argument("--fullscreen", action="store_true", help="start in fullscreen (F)")
    play.add_argument("--mute", action="store_true", help="start with the sound off (M)")
    play.add_argument("--autoplay", action="store_true", help="skip the start screen and "
                      "let a steady hand start rounds on a video or the demo clip too")
    play.add_argument("--keys", help="press keys at given frames, e.g. 30:space,90:s "
                      "(scripted demos and tests)")
    shared = SHARED / "data" / "rps-cgi"
    train = sub.add_parser("train", help="train a gesture model (needs the train extra)")
    train.add_argument("--recognizer", "-r", choices=TRAINABLE, default=TRAINABLE[0],
                       help="the MobileNet CNN (default), or the hand recognizer's landmark "
                       "classifier on the CGI renders and the real hands of --real")
    train.add_argument("--real", type=Path, default=SHARED / "data" / "rps-cv-real",
                       help="real hands on green (class folders), trained on beside the CGI "
                       "ones (default: ../shared/data/rps-cv-real when present)")
    train.add_argument("--no-real", action="store_true", help="train on the CGI hands only")
    train.add_argument("--more", type=Path, nargs="*", default=None, help="--recognizer hand: "
                       "real-more sets trained on with whole sessions held out (default: each "
                       "folder of ../shared/data/real-more when present; none with no value)")
    train.add_argument("--data", type=Path, default=shared, help="class folders of images")
    train.add_argument("--out", type=OUT_DIR, default=Path("runs/train"),
                       help="where the trained model and its report go")
    train.add_argument("--weights", help="backbone weights .h5 (default: ../shared/weights, "
                       "else Keras' imagenet download); 'none' for random initialisation")
    train.add_argument("--head-epochs", type=COUNT, default=3,
                       help="epochs of the new head alone, the backbone frozen")
    train.add_argument("--epochs", type=COUNT, default=24, help="fine-tuning epochs")
    train.add_argument("--batch", type=POS_INT, default=32, help="images per training step")
    train.add_argument("--seed", type=int, default=0, help="random seed (same seed, same run)")
    train.add_argument("--limit", type=COUNT, default=0, help="images per class (quick runs)")
    train.add_argument("--use-val", action="store_true",
                       help="train on the validation groups too (for the final model; the "
                       "test groups stay held out)")

    conv = sub.add_parser("convert", help="Keras / SavedModel / Teachable Machine -> IR")
    conv.add_argument("source", type=Path, help=".keras/.h5 file, SavedModel folder, a "
                      "`rps train` output, a Teachable Machine export folder, or MediaPipe's "
                      "palm_detection / hand_landmark .tflite")
    conv.add_argument("--out", type=OUT_DIR, required=True, help="models/<name>")
    conv.add_argument("--labels", type=Path, help="labels.txt (default: beside the source)")
    conv.add_argument("--precision", "-p", nargs="+", type=_upper, choices=PRECISION_CHOICES,
                      help="default: FP32 FP16 INT8; FP32 FP16 for .tflite")
    conv.add_argument("--calib", type=Path, help="class folders for INT8 calibration")
    conv.add_argument("--calib-size", type=POS_INT, default=300,
                      help="calibration images for INT8")
    conv.add_argument("--accuracy-control", action="store_true",
                      help="INT8 with NNCF accuracy control (max 1 point drop)")
    conv.add_argument("--credit", help="data credit to record in the metadata")

    ev = sub.add_parser("eval", help="read a labelled folder the way the game does (--data "
                        "DIR); or accuracy and speed of Keras vs each IR precision (--keras)")
    ev.add_argument("--data", type=Path, help="class folders of images; alone (no --keras / "
                    "--backgrounds) it is read through the game's recognizer")
    _add_recognizer(ev, "with --data: the recognizer that reads the folder; ")
    ev.add_argument("--precision", "-p", type=_upper, choices=PRECISION_CHOICES,
                    help="default: the recognizer's own")
    ev.add_argument("--json", type=OUT_FILE, help="--data: write accuracy, per_class, n, "
                    "confusion here")
    ev.add_argument("--stream", action="store_true", help="--data: read each class folder "
                    "as one video in file order, tracking on (default: each image alone)")
    ev.add_argument("--model", type=Path, help="IR model folder (default: shipped model)")
    ev.add_argument("--keras", type=Path, help="the Keras model to compare against")
    ev.add_argument("--runs", type=POS_INT, default=10, help="timed passes over the set")
    ev.add_argument("--backgrounds", choices=("plain", "unseen"), help="the CNN's held-out "
                    "renders as they are, or composited onto photos it never saw")
    ev.add_argument("--limit", type=COUNT, default=0, help="images per class (quick runs)")
    ev.add_argument("--device", "-d", default="CPU", type=_upper, help="inference device")
    ev.add_argument("--out", type=OUT_DIR, default=Path("runs/eval"),
                    help="--keras / --backgrounds: where the report goes")
    col = sub.add_parser("collect", help="record your own gestures, one folder per class "
                         "(`rps personalize` refits either recognizer on it)")
    _add_source_args(col, "auto")
    col.add_argument("--out", type=OUT_DIR, help="recording folder (default: user data folder)")
    col.add_argument("--per-class", type=POS_INT, default=30, help="frames to keep per class")
    col.add_argument("--rate", type=POSITIVE, default=5.0, help="frames per second to keep")
    col.add_argument("--countdown", type=NON_NEG, default=3.0, help="seconds before each class")
    col.add_argument("--clear", action="store_true", help="delete the frames rps recorded in "
                     "the recording folder (only a folder rps made) and exit; asks first")
    col.add_argument("--yes", "-y", action="store_true",
                     help="--clear without asking (needed when there is no terminal to ask on)")

    per = sub.add_parser("personalize", help="refit the recognizer's last layer on your "
                         "recording (no TensorFlow needed)")
    _add_recognizer(per, "the recognizer to refit, as in play (the hand recognizer refits "
                    "its gesture classifier on the hands read from the frames; the CNN its "
                    "head on the frames themselves, for a camera where hands are not found); ")
    per.add_argument("--data", type=Path, help="recording: class folders of frames, as "
                     "`rps collect` writes (default: the user data folder)")
    per.add_argument("--model", type=Path, help="model to start from (default: shipped)")
    per.add_argument("--out", type=OUT_DIR, help="default: the user models folder "
                     "(models/personal-hand, or models/personal for cnn)")
    per.add_argument("--l2", type=NON_NEG, default=1e-3, help="pull towards the shipped head")
    return parser


