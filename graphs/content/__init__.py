"""The content graph: curriculum spec → validated drafts → human review → published exercises."""
