"""Preprocessing embedded in the model with PrePostProcessor: camera frames go in as they are
(u8 BGR NHWC at the camera's size) and OpenVINO resizes, converts and scales them."""

from __future__ import annotations

import openvino as ov
from openvino.preprocess import ColorFormat, PrePostProcessor, ResizeAlgorithm

from rps.errors import ModelError
from rps.inference.modelfiles import ModelFiles


def embed_preprocessing(model: ov.Model, files: ModelFiles, frame_hw: tuple[int, int]
                        ) -> ov.Model:
    """u8 BGR NHWC frames of ``frame_hw`` in; resized, converted to RGB and scaled as the
    network expects (mean / scale from the model's metadata)."""
    shape = model.input(0).get_partial_shape()
    if shape.rank.get_length() != 4:
        raise ModelError(f"{files.root}: expected a 4-D image input, found {shape}")
    nchw = shape[1].is_static and shape[1].get_length() == 3
    size = files.input_size
    dims = [1, 3, size, size] if nchw else [1, size, size, 3]
    for i in (2, 3) if nchw else (1, 2):  # keep static spatial dims the model declares
        if shape[i].is_static:
            dims[i] = shape[i].get_length()
    model.reshape({model.input(0): ov.PartialShape(dims)})
    ppp = PrePostProcessor(model)
    ppp.input().tensor().set_element_type(ov.Type.u8).set_layout(ov.Layout("NHWC")) \
        .set_color_format(ColorFormat.BGR).set_shape([1, frame_hw[0], frame_hw[1], 3])
    ppp.input().model().set_layout(ov.Layout("NCHW" if nchw else "NHWC"))
    # Resize first, still in u8: shrinking a camera frame is the costliest step, and in u8
    # it runs ~2.3x faster than after the f32 conversion (measured on 640x480 frames).
    ppp.input().preprocess().resize(ResizeAlgorithm.RESIZE_LINEAR) \
        .convert_color(ColorFormat.RGB).convert_element_type(ov.Type.f32) \
        .mean(list(files.mean)).scale(list(files.scale))
    for i in range(len(model.outputs)):
        ppp.output(i).tensor().set_element_type(ov.Type.f32)
    return ppp.build()


def embed_unit_scaling(model: ov.Model, size: int) -> ov.Model:
    """u8 BGR NHWC squares in; RGB floats in [0, 1] to the network, as MediaPipe feeds it."""
    model.reshape({model.input(0): ov.PartialShape([1, size, size, 3])})
    ppp = PrePostProcessor(model)
    ppp.input().tensor().set_element_type(ov.Type.u8).set_layout(ov.Layout("NHWC")) \
        .set_color_format(ColorFormat.BGR)
    ppp.input().model().set_layout(ov.Layout("NHWC"))
    ppp.input().preprocess().convert_color(ColorFormat.RGB).convert_element_type(ov.Type.f32) \
        .scale(255.0)
    for i in range(len(model.outputs)):
        ppp.output(i).tensor().set_element_type(ov.Type.f32)
    return ppp.build()
