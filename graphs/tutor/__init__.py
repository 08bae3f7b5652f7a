"""The language tutor: onboarding, lessons, grading, review, progress and conversation."""
