"""The reply-language guess used by evals; it lives in `tools.language`, shared with content."""

from tools.language import ENGLISH, SPANISH, guess_language

__all__ = ["ENGLISH", "SPANISH", "guess_language"]
