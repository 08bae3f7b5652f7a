"""Retrieval-augmented answers from knowledge bases, with citations."""
