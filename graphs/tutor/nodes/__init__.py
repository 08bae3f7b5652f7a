"""Tutor nodes: plain async functions that return only the state keys they change."""

from graphs.tutor.nodes.account import greet, help_, opt_in, progress, settings, stop, upgrade
from graphs.tutor.nodes.clarify import clarify
from graphs.tutor.nodes.conversation import attachment, explain, practice, question
from graphs.tutor.nodes.exercises import hint, lesson, review
from graphs.tutor.nodes.grading import advance, grade
from graphs.tutor.nodes.onboarding import onboarding
from graphs.tutor.nodes.route import route
from graphs.tutor.nodes.turn import finish, receive

__all__ = [
    "attachment",
    "clarify",
    "advance",
    "explain",
    "finish",
    "grade",
    "greet",
    "help_",
    "hint",
    "lesson",
    "onboarding",
    "opt_in",
    "practice",
    "progress",
    "question",
    "receive",
    "review",
    "route",
    "settings",
    "stop",
    "upgrade",
]
