"""Stance of an evidence sentence towards a claim: supports, refutes or neutral.

`bot.stance.model.StanceModel` (weights in `weights.npz`, trained on IndoNLI by `bot.stance.train`,
measured by `bot.stance.evaluate`). Importing this package loads nothing.
"""
