"""`rps serve`: the shipped stages on this machine's OpenVINO, inside KServe's Python model
server (Open Inference Protocol v2, gRPC and REST), for `--device remote:HOST:PORT` clients.

Owns: which prepared IR is served under which name (``stages``) and the server (``server``,
the only module that imports kserve; it and tritonclient cannot share a process).
May import: ``rps.recognizers``, ``rps.inference``, ``rps.types``, ``rps.errors``,
``rps.userdata``.
"""
