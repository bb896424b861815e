"""Evaluation of claimbot on question and claim sets (formats documented in the README)."""
