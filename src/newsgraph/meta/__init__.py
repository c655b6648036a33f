"""Article metadata: language, outlet, publication date, canonical URL."""
