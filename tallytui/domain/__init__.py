"""Pure business rules: no database, no UI, no I/O."""
