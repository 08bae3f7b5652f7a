"""Shipped knowledge: the starter course (and later the grammar knowledge base)."""
