"""Content generation's domain: curriculum specs, exercise schemas, validation, drafts, runs."""
