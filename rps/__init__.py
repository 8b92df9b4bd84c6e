"""rps: real-time webcam rock-paper-scissors on OpenVINO.

Data flows one way: capture -> engine -> game -> ui.
"""

__version__ = "0.1.0"
