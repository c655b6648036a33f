"""The knowledge base of actors: states, organisations, armed groups, people, role words."""

from .loader import load_kb
from .model import Alias, KbActor, KbRole, KnowledgeBase, RoleWord

__all__ = ["Alias", "KbActor", "KbRole", "KnowledgeBase", "RoleWord", "load_kb"]
