"""The built-in demo corpus (our own writing) and its outlet table."""
