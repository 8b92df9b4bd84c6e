"""Classification scores and the JSON / PNG reports that training and evaluation write."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rps.userdata.files import write_bytes, write_text


def classification_report(y_true: Sequence[int], y_pred: Sequence[int],
                          classes: Sequence[str]) -> dict:
    """Accuracy, per-class precision / recall / support, and the confusion matrix
    (rows: true class, columns: predicted)."""
    t, p = np.asarray(y_true, int), np.asarray(y_pred, int)
    k = len(classes)
    cm = np.zeros((k, k), int)
    np.add.at(cm, (t, p), 1)
    per_class = {}
    for i, name in enumerate(classes):
        tp, support, predicted = cm[i, i], cm[i].sum(), cm[:, i].sum()
        per_class[name] = {
            "precision": float(tp / predicted) if predicted else float("nan"),
            "recall": float(tp / support) if support else float("nan"),
            "support": int(support),
        }
    return {
        "accuracy": float((t == p).mean()) if t.size else float("nan"),
        "count": int(t.size),
        "per_class": per_class,
        "confusion": cm.tolist(),
        "classes": list(classes),
    }


def plot_confusion(report: dict, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cm = np.array(report["confusion"])
    names = report["classes"]
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    ax.imshow(cm, cmap="Blues")
    for (i, j), v in np.ndenumerate(cm):
        ax.text(j, i, str(v), ha="center", va="center",
                color="white" if v > cm.max() / 2 else "black")
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"{title}\naccuracy {report['accuracy']:.2%} (n={report['count']})", fontsize=9)
    fig.tight_layout()
    save_figure(fig, path)


def save_figure(fig, path: Path) -> None:
    """A matplotlib figure as a PNG, written whole or not at all, then closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    write_bytes(path, buf.getvalue())


def save_report(summary: dict, stem: Path, title: str, key: str = "test") -> None:
    """``stem``.json with everything, ``stem``.png with the confusion matrix of ``key``."""
    write_text(stem.with_suffix(".json"), json.dumps(summary, indent=2))
    plot_confusion(summary[key], stem.with_suffix(".png"), title)


def markdown_table(report: dict) -> str:
    rows = ["| class | precision | recall | support |", "|---|---|---|---|"]
    for name, r in report["per_class"].items():
        rows.append(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['support']} |")
    return "\n".join(rows)
