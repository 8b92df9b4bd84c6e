"""What `rps serve` serves: every shipped stage in each precision asked for, prepared exactly
as the client would compile it (u8 crops in where the IR embeds the scaling) and named by
``rps.inference.served`` so the client finds the same IR by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import openvino as ov

from rps.inference.backend import Backend
from rps.inference.served import V2_TYPES, served_name
from rps.recognizers.cnn import load_cnn, prepare_model
from rps.recognizers.hand.recognizer import load_hand, prepare_classifier, prepare_stages

DYNAMIC_FRAME = (-1, -1)  # the CNN takes frames of any size; its resize is embedded


@dataclass(frozen=True)
class Tensor:
    """A tensor as v2 metadata states it (-1: any length)."""

    name: str
    datatype: str
    shape: tuple[int, ...]

    def as_dict(self) -> dict:
        return {"name": self.name, "datatype": self.datatype, "shape": list(self.shape)}


@dataclass(frozen=True)
class Stage:
    """One served model: its name, role, source IR and prepared graph."""

    name: str
    role: str  # palm, landmarks, classifier, cnn
    xml: Path
    model: ov.Model

    @property
    def inputs(self) -> list[Tensor]:
        return [_tensor(p) for p in self.model.inputs]

    @property
    def outputs(self) -> list[Tensor]:
        return [_tensor(p) for p in self.model.outputs]




def _tensor(port: ov.Output) -> Tensor:
    shape = tuple(d.get_length() if d.is_static else -1 for d in port.get_partial_shape())
    return Tensor(port.get_any_name(), V2_TYPES[port.get_element_type().get_type_name()], shape)


def shipped_stages(backend: Backend, precisions: list[str]) -> list[Stage]:
    """Palm detector, landmark model, gesture classifier and CNN in each precision they
    ship in (the classifier in FP32 for precisions it lacks, as the client does)."""
    hand, cnn = load_hand(), load_cnn()
    out: dict[str, Stage] = {}

    def add(role: str, xml: Path, model: ov.Model) -> None:
        name = served_name(xml)
        out.setdefault(name, Stage(name, role, xml, model))

    for precision in precisions:
        if precision in hand.variants:
            palm_ir, lm_ir = prepare_stages(backend, hand.palm, hand.landmarks, precision)
            add("palm", hand.palm.xml(precision), palm_ir)
            add("landmarks", hand.landmarks.xml(precision), lm_ir)
            cls = precision if precision in hand.files.variants else "FP32"
            add("classifier", hand.files.xml(cls), prepare_classifier(backend, hand.files, cls))
        if precision in cnn.variants:
            add("cnn", cnn.files.xml(precision),
                prepare_model(backend, cnn.files, precision, DYNAMIC_FRAME))
    return list(out.values())


def listing(stages: list[Stage]) -> str:
    """Model and tensor names, one model a block (what an OpenVINO Model Server config
    needs: each name and the IR folder it serves)."""
    lines = []
    for s in stages:
        lines.append(f"{s.name}  ({s.role}, {s.xml})")
        lines += [f"  in   {t.name} {t.datatype} {list(t.shape)}" for t in s.inputs]
        lines += [f"  out  {t.name} {t.datatype} {list(t.shape)}" for t in s.outputs]
    return "\n".join(lines)


def export(stages: list[Stage], out: Path) -> Path:
    """Each prepared stage as IR in OpenVINO Model Server's layout, ``out/<name>/1/``, and
    its ``config.json``: OVMS then serves the same models under the same names."""
    from rps.inference.core import save_ir
    from rps.userdata.files import write_text

    configs = []
    for s in stages:
        save_ir(s.model, out / s.name / "1" / "model.xml")
        configs.append({"config": {"name": s.name, "base_path": f"/models/{s.name}"}})
    config = out / "config.json"
    write_text(config, json.dumps({"model_config_list": configs}, indent=2) + "\n")
    return config
