"""Shipped knowledge (starter course, grammar knowledge base, content specs) and its store."""
