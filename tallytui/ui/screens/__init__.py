"""One module per top-level area."""
