"""Who is mentioned: every mention of a person, organisation, state or armed group resolved to
one canonical actor, with the roles the text gives them."""

from .resolve import resolve_actors

__all__ = ["resolve_actors"]
