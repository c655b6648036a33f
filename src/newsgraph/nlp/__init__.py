"""Language pipelines (spaCy), loaded once per process."""

from .pipelines import MODELS, SUPPORTED, load_pipeline, model_info, parse

__all__ = ["MODELS", "SUPPORTED", "load_pipeline", "model_info", "parse"]
