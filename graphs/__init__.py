"""LangGraph graphs, one folder each; every graph module exports `builder` and `graph`."""
