"""The app: ``rps play``'s pygame window, its HUD, sounds and the teach-mode flow.

Owns everything pygame. Draws the game's state and maps keys to commands; the rules live in
``rps.game``. May import: everything below it (``rps.game``, ``rps.pipeline``,
``rps.recognizers``, ``rps.inference``, ``rps.capture``, ``rps.modeltools`` for teach mode,
``rps.types``, ``rps.errors``, ``rps.userdata``); nothing imports it but ``rps.cli``.
"""
