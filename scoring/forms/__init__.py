"""Forms: they parse and check input; services decide and save."""
