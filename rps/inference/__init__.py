"""Inference: OpenVINO plumbing that every recognizer shares, and the engine that runs one.

Owns: the Core and its cache, devices, model folders on disk, embedded preprocessing, the
engine (ordered results, background device / precision / model switches) and the live
metrics. The engine runs any ``rps.types.Recognizer``; it never imports a recognizer.
May import: ``rps.types``, ``rps.errors``, ``rps.userdata``.
"""
