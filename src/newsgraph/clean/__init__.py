"""Text repair and boilerplate removal for article bodies."""
