"""Demo data: the top layer. It may import every app and no app imports it."""
