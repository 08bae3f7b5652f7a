"""Domain services the graphs call: course repository, grading, scheduling, streaks, models."""
