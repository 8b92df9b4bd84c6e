"""Model tools: train, convert, evaluate and personalize models, record gestures, and the
synthetic scenes, datasets and reports they use.

Run from the command line (``rps train`` ...) and by teach mode; TensorFlow and NNCF are
imported only inside the functions that need them. May import: ``rps.recognizers``,
``rps.inference``, ``rps.capture``, ``rps.game`` (the teach session), ``rps.types``,
``rps.errors``, ``rps.userdata``; never ``rps.app``.
"""
