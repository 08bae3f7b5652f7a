"""Opt-out and opt-in requests: a compliance rule that wins in any state, not an intent guess.

Carriers' standard keywords count when they are the whole message; natural requests count in
every language the service speaks to learners (English, Spanish, French, Portuguese, Italian,
German), as "stop/don't" near "message/send/remind" so an answer such as "para mi madre" does
not opt anyone out.
"""

from __future__ import annotations

import re

from tools.text import normalize, plain

OPT_OUT_KEYWORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
# The same word in the other languages learners write in, when it is the whole message.
_STOP_WORDS = frozenset(
    {"stopp", "stahp", "alto", "basta", "baja", "arrete", "arretez", "arreter", "pare", "parar"}
    | {"parem", "parad", "halt"}
)
# "para" is also "for": it is a stop only with a word around it ("para ya", "para por favor").
_STOP_WITH_FILLER = frozenset({"para"})
# Words that may stand around a keyword without changing it: "STOP please", "ya basta".
_FILLER = frozenset(
    "please pls plz now it just ok okay already all everything thanks thank you can could "
    "would u ya por favor porfa porfavor ahora todo gracias ja bitte sil vous plait merci "
    "obrigado grazie".split()
)
OPT_IN_KEYWORDS = frozenset({"start", "unstop", "reminders on", "start reminders"})

# Matched against lower-case text without accents, so "más" and "mas" read alike.
_MESSAGES = (
    r"(?:messag\w*|msgs?|texts?|texting|sms|whats ?app\w*|remind\w*|notif\w*|alerts?|"
    r"ping\w*|spam\w*|emails?|mensaj\w*|recordatori\w*|notificacion\w*|avisos?|"
    r"nachricht\w*|erinnerung\w*|messagg\w*|promemoria|mensag\w*|lembrete\w*|rappel\w*)"
)
_SEND = (
    r"(?:send\w*|sent|text\w*|messag\w*|contact\w*|writ\w*|bother\w*|remind\w*|notif\w*|"
    r"mand\w*|envi\w*|escrib\w*|molest\w*|record\w*|ecri\w*|envoy\w*|"
    r"schreib\w*|schick\w*|scriv\w*|invi\w*)"
)
_OPT_OUT = [
    # English
    rf"\b(?:stop|quit|cease|pause|halt|end)\b.{{0,40}}\b(?:{_SEND}|{_MESSAGES})",
    rf"\b(?:don'?t|do not|dont|never|no more|no longer)\b.{{0,30}}\b(?:{_SEND}|{_MESSAGES})",
    rf"\b(?:turn|switch|shut|mute)\w*\s+(?:\w+\s+){{0,3}}off\b.{{0,20}}{_MESSAGES}",
    rf"\b(?:turn|switch|shut)\w*\s+off\b.{{0,25}}{_MESSAGES}",
    r"\bunsub\w*|\bunsu(?:b?s|sc|bc)ri\w*|\bopt(?:ing)?[- ]?out\b|\bleave me alone\b",
    rf"\benough\b.{{0,15}}{_MESSAGES}|\btoo many\b.{{0,15}}{_MESSAGES}",
    r"\b(?:remove|delete|erase|borra\w*|elimina\w*|quita\w*)\b.{0,25}\b(?:my|mi|mis)\b.{0,15}"
    r"\b(?:number|phone|numero|telefono|contact\w*|data|datos)\b",
    r"\b(?:dejame|dejenme|dejeme) en paz\b|\blaissez moi tranquille\b|\bme deixa em paz\b|"
    r"\blasciami in pace\b|\blass mich in ruhe\b",
    r"\b(?:take|remove|delete|erase|drop)\b.{0,10}\bme\b.{0,20}\b(?:off|from|out)\b|^remove me\b",
    r"\b(?:delete|close|remove|erase|cancel)\w*\b.{0,10}\bmy\b.{0,10}"
    r"\b(?:account|number|profile|data)\b",
    r"\bnot interested\b|\bwant out\b|^i'?m out$|^i quit\b|\bleave me be\b|^go away\b",
    r"\b(?:don'?t|do not|dont) want (?:this|it|these)\b.{0,15}\b(?:anymore|any more)",
    r"^i'?m done\b.{0,10}\bno more\b",
    r"\bi (?:don'?t|do not) want (?:any )?(?:more )?(?:messages|texts|reminders|notifications)",
    # Spanish
    rf"\b(?:para|paren|pare|parar|deja|dejen|deje|dejar|basta)\b.{{0,30}}\b{_SEND}",
    rf"\bno (?:me )?(?:{_SEND})\b.{{0,25}}\b(?:mas|nada|mensaj\w*)",
    rf"\bno quiero\b.{{0,30}}\b(?:{_MESSAGES}|recibir)",
    rf"\bya no\b.{{0,30}}\b(?:{_MESSAGES}|{_SEND})",
    rf"\b(?:no|sin|nada)\s+mas\b.{{0,20}}{_MESSAGES}",
    r"\bno me interesa\b|\bno quiero (?:seguir|continuar)\b|\b(?:quiero|me quiero) salir\b$",
    r"\b(?:borra|saca|elimina|quita)(?:me|rme)\b|\bcancela\w*\s+todo\b|^no mas$",
    r"^(?:ya )?no quiero(?: mas| nada)?$|\bquitar\w* (?:la )?suscripcion\b",
    r"^no me (?:escrib|mand|envi|contact)\w*$",
    r"\b(?:darme|dame|dar|denme|me doy|me quiero dar) de baja\b|\bdesuscrib\w*|\bdesinscrib\w*",
    rf"\b(?:desactiv|apag|quit|silenci)\w*\b.{{0,25}}{_MESSAGES}",
    # French
    rf"\b(?:arret\w*|cessez|cesse|stoppe\w*)\b.{{0,30}}\b(?:{_SEND}|{_MESSAGES})",
    r"\bne m'?\s?(?:envoy|ecri)\w*\b.{0,20}\bplus\b",
    r"\bdesabonn\w*|\bdesinscri\w*",
    rf"\bne veux plus\b.{{0,20}}{_MESSAGES}|\bplus de {_MESSAGES}",
    # Portuguese
    rf"\b(?:pare|parem|para de|deixe|deixa|chega)\b.{{0,30}}\b(?:{_SEND}|{_MESSAGES})",
    rf"\bnao (?:me )?(?:{_SEND})\b.{{0,25}}\bmais\b",
    r"\bdescadastr\w*|\bcancelar (?:a )?inscricao\b",
    rf"\bnao quero\b.{{0,20}}{_MESSAGES}",
    # Italian
    rf"\b(?:smetti|smettete|smettila|basta)\b.{{0,30}}\b(?:{_SEND}|{_MESSAGES})",
    rf"\bnon (?:mi )?(?:{_SEND})\b.{{0,25}}\bpiu\b",
    rf"\bnon voglio\b.{{0,20}}{_MESSAGES}",
    r"\bdisiscriv\w*|\bcancellami\b",
    # German
    rf"\b(?:hor|hort|horen|aufhoren)\b.{{0,10}}\bauf\b.{{0,30}}\b(?:{_SEND}|{_MESSAGES})",
    rf"\bkeine\b.{{0,20}}{_MESSAGES}",
    r"\babmelden\b|\babbestellen\b|\babmeldung\b",
]
_OPT_IN = [
    rf"\b(?:start|restart|resume|enable|reactivat\w*)\b.{{0,25}}{_MESSAGES}.{{0,15}}"
    r"(?:again|back|on)?",
    rf"\b(?:{_SEND})\b.{{0,15}}\bme\b.{{0,15}}\bagain\b",
    r"\b(?:resubscri\w*|opt(?:ing)?[- ]?(?:back )?in)\b",
    rf"\b(?:reactiv|activ|encend|prend)\w*\b.{{0,25}}{_MESSAGES}",
    rf"\b(?:vuelve|vuelvan|volver)\b.{{0,10}}\ba\b.{{0,10}}\b{_SEND}",
    rf"\bquiero (?:volver a )?recibir\b.{{0,25}}{_MESSAGES}",
]
_OPT_OUT_RE = [re.compile(p) for p in _OPT_OUT]
_OPT_IN_RE = [re.compile(p) for p in _OPT_IN]
# "Start the lesson again", "turn on dark mode": opt-in needs messages named, which these lack.
_TURN_ON = re.compile(
    rf"\b(?:turn|switch)\w*\s+(?:(?:\w+\s+){{0,3}}(?:back\s+)?on\b.{{0,20}}{_MESSAGES}|"
    rf"(?:\w+\s+){{0,2}}{_MESSAGES}\s+(?:back\s+)?on\b)"
)


def is_opt_out(text: str) -> bool:
    """Whether the message asks to stop receiving messages (a carrier keyword, or in words)."""
    bare = plain(text)
    said = set(bare.split())
    keywords = said & (OPT_OUT_KEYWORDS | _STOP_WORDS)
    if keywords and len(said) <= 5 and said - keywords <= _FILLER:
        return True
    if normalize(text) == "pará":  # the accent tells it from "para" (for)
        return True
    alone = said & _STOP_WITH_FILLER
    if alone and said - alone and len(said) <= 4 and said - alone <= _FILLER:
        return True
    return any(pattern.search(bare) for pattern in _OPT_OUT_RE) and not is_opt_in(text)


def is_opt_in(text: str) -> bool:
    """Whether the message asks for messages again (START, UNSTOP, or in words)."""
    bare = plain(text)
    if bare in OPT_IN_KEYWORDS:
        return True
    if re.search(r"\b(?:don'?t|do not|no|never|nao|non|ne)\b", bare):
        return False
    return _TURN_ON.search(bare) is not None or any(p.search(bare) for p in _OPT_IN_RE)
