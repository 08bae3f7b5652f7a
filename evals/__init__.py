"""Evaluation of the graphs over recorded conversations."""
