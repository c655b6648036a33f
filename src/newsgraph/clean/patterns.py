"""Line patterns that mark page furniture in English, French and Russian news dumps.

Each pattern matches a *whole line* (after trimming). They are deliberately about the form of a
line ("Read more", "FILE PHOTO: ...", "© 2024 ...") and never about any one site's wording.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE | re.UNICODE


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _I)


# A line that introduces a box of links to other stories: what follows it, up to the next
# paragraph of prose, is not part of the article.
RELATED_MARKER = _any(
    r"^(read|see|also read|read also|watch|listen)( more| also| next)?\s*[:.»›>]*$",
    r"^(related|recommended|more)( articles?| stories| news| on this( story| topic)?| coverage)?\s*[:.»›>]*$",
    r"^(you (may|might) (also )?(like|be interested in))\s*[:.]*$",
    r"^((à |a )?lire (aussi|également|egalement|la suite)|voir aussi|sur le même sujet|à voir aussi)\s*[:.»]*$",
    r"^(читайте|читать|смотрите) (также|еще|ещё)\s*[:.»]*$",
    r"^(по теме|другие новости|популярное|еще новости|ещё новости)\s*[:.»]*$",
)

# Captions and photo credits.
CAPTION = _any(
    r"^(file )?(photo|picture|image|video|illustration|photograph)s?\s*(:|/|\|)",
    r"^(photo|image|crédit photo|credit|crédit|фото)\s*(:|©)",
    r"^\(?(photo|image|фото)\s*(by|:|©)[^)]*\)?\.?$",
    r"^.{0,200}\s(/|\|)\s*(afp|reuters|ap|getty images|epa|anadolu|tass|ria novosti|sputnik|xinhua)"
    r"(\s*(photo|images?|/.{0,40}))?\.?$",
    r"^.{0,120}(\((afp|reuters|ap|getty images|epa)\s*(photo|images?)?[^)]*\))\.?$",
    r"^©\s*\S.{0,80}$",
)

# Credits that name the outlet an article comes from; group ``outlet`` holds the name or host.
CREDIT = _any(
    r"^read (the )?(full|original|complete|entire)?\s*(article|story|text|report)?\s*(at|on)\s+(?P<outlet>[^\s].{0,60}?)\s*[.!]?$",
    r"^(continue|keep) reading (at|on)\s+(?P<outlet2>[^\s].{0,60}?)\s*[.!]?$",
    r"^(originally )?(published|posted) (at|on|by|in)\s+(?P<outlet3>[^\s].{0,60}?)\s*[.!]?$",
    r"^this (article|story|report) (was )?(originally |first )?(appeared|published|ran) (in|on|at|by)\s+(?P<outlet4>[^\s].{0,60}?)\s*[.!]?$",
    r"^(source|sources|source originale|источник|джерело)\s*[:：]\s*(?P<outlet5>[^\s].{0,60}?)\s*[.!]?$",
    r"^(lire l['’]article (complet|original) sur|lire la suite sur|article original sur)\s+(?P<outlet6>[^\s].{0,60}?)\s*[.!]?$",
    r"^(читайте (полностью )?на|подробнее на|читать (полностью )?на)\s+(?P<outlet7>[^\s].{0,60}?)\s*[.!]?$",
)

# Everything else that is furniture: sharing, subscribing, ads, cookies, copyright, apps.
FURNITURE = _any(
    r"^(share|tweet|email|print|comment|comments|save|copy link|like)( this( article| story)?| on \w+)?\s*[:.]*$",
    r"^(follow|join|subscribe to|find) us (on|at)\b.{0,60}$",
    r"^(subscribe|sign up|log ?in|sign in|register|newsletter|download (the|our) app|get the app)\b.{0,80}$",
    r"^(advertisement|advertising|sponsored( content)?|ad|publicité|annonce|реклама|partner content)\s*[:.]*$",
    r"^(we|this (site|website)) uses? cookies\b.*$",
    r"^(nous utilisons des cookies|ce site utilise des cookies)\b.*$",
    r"^(copyright|©|\(c\))\s*.{0,120}$",
    r"^.{0,80}(all rights reserved|tous droits réservés|все права защищены)\.?$",
    r"^(click here|tap here|cliquez ici|нажмите здесь)\b.{0,80}$",
    r"^(suivez[- ]nous|abonnez[- ]vous|partager|partagez)\b.{0,60}$",
    r"^(мы в|подписывайтесь на|подпишитесь на)\s+.{0,40}$",
    r"^(добавить новость|новости сегодня (на|от)\b.{0,40}|все новости|лента новостей)$",
    r"^(reporting|additional reporting|writing|editing|compiled|translated) by\b.{0,200}$",
    r"^(with|avec) (afp|reuters|ap)\.?$",
    r"^(tags?|mots[- ]clés|теги|topics)\s*:.{0,200}$",
    r"^(previous|next) (article|story|post)\b.{0,120}$",
    r"^(preview|aperçu|превью)\s+.{0,400}$",
    # inline links to other stories: "Read more: <headline>", "Also on rt.com <headline>"
    r"^\[?(read more|read also|also read|related|see also|more|lire aussi|à lire aussi|voir aussi"
    r"|читайте также|по теме)\s*:.{0,200}\]?$",
    r"^also on [\w-]+(\.[\w-]+)+\b.{0,200}$",
    # newsletter and subscription widgets
    r"^(thanks|thank you) for (signing up|subscribing|registering|your interest)\b.{0,80}$",
    r"^keep an eye on your inbox\b.{0,80}$",
    r"^there was an error processing your (subscription|request)\b.{0,40}$",
    r"^(sorry|oops)[!.]?$",
    r"^an error (has )?occurred\b.{0,60}$",
    r"^(please )?try again later\.?$",
    r"^(\w+\s){0,3}newsletter$",
    r"^join our\b.{0,60}$",
    r"^follow\b.{0,80}\bon (facebook|twitter|x|instagram|telegram|linkedin|youtube)\b.{0,60}$",
    r"^like this (story|article)\b.{0,60}$",
    r"^(order reprints|reprints|print article|print this (article|page)|gift (this )?article|save article"
    r"|share this (article|story|page)|listen to (this )?article|copy link)\s*$",
    r"^this copy is for your personal,? non-commercial use only\b.*$",
    r"^write to .{3,80} at \S+@\S+\.?$",
    r"^(filed under|posted in|catégories?|rubriques?|рубрика)\s*:.{0,200}$",
    r"^(reading time|read time|temps de lecture|tempo de leitura|время чтения)\s*:?.{0,25}$",
    r"^\d{1,3}\s*(min|minutes?)\s+read$",
    # aggregator disclaimers
    r"^.{0,60}\bnews aggregator\b.{0,200}$",
    r"^.{0,120}\ball (materials|content|articles) (are|is) the property of (their|the) (respective )?(authors|owners|publishers)\b.{0,60}$",
)

# A breadcrumb trail: "Accueil » Actualité » Diplomatie", "World > Africa > Mali", "Afrique · Mali".
BREADCRUMB = re.compile(
    r"^[^\W\d_][\w'’ .-]{0,30}(\s*[·»›>|]\s*[^\W\d_][\w'’ .-]{0,30}){1,6}$|"
    r"^[^\W\d_][\w'’ .-]{0,30}(\s+/\s+[^\W\d_][\w'’ .-]{0,30}){1,6}$",
    _I,
)

# A copyright line, whose holder names the outlet: "© 2025 Continental Ledger Media Ltd."
COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright)(?:\s*(?:©|\(c\)))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?P<holder>[^\d].{1,80}?)"
    r"(?:\s*[-–,.]?\s*(?:\d{4}))?(?:\s*[-–,.]\s*(?:all rights reserved|tous droits réservés|все права защищены).*)?\.?$",
    _I,
)

# A line that is only a date or a timestamp (page furniture in an article body).
DATE_ONLY = re.compile(
    r"^[\W_]*(\w+,?\s+)?(\d{4}-\d{2}-\d{2}([T ]\d{1,2}:\d{2}(:\d{2})?([.,]\d+)?(Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}(,?\s+\d{1,2}[:h]\d{2})?"
    r"|\d{1,2}(er)?\s+(de\s+)?\w+\.?\s+(de\s+)?\d{4}(,?\s+(à|at|às|в|um)?\s*\d{1,2}[:h]\d{2})?"
    r"|\w+\.?\s+\d{1,2},?\s+\d{4}(,?\s+(at\s+)?\d{1,2}:\d{2}\s*([ap]\.?m\.?)?)?)"
    r"(\s*(gmt|utc|cet|cest|edt|est|msk|wat|[+-]\d{2}:?\d{2}))?[\W_]*$",
    _I,
)

LIST_ITEM = re.compile(r"^\s*([-•*·▪►–]|\d{1,2}[.)])\s+")
TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$|[\"”»]\s*$")
WORD = re.compile(r"\w+(?:['’-]\w+)*", re.UNICODE)
URL_LINE = re.compile(r"^\s*<?(https?://[^\s<>]+)>?\s*$", re.I)
