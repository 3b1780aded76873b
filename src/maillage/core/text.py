"""Text folding shared by the apps: what two spellings of the same word have in common."""

import re
import unicodedata

_ALNUM = re.compile(r"[a-z0-9]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Lower case, no accents, ligatures opened, every run of other characters one space:
    "Saint-Léger", "saint leger" and "SAINT LÉGER" fold alike."""
    return " ".join(_ALNUM.findall(strip_accents(text.lower().replace("œ", "oe").replace("æ", "ae"))))


def collation_key(text: str) -> tuple[str, str]:
    """Sort key in French dictionary order at primary strength: accents, case and punctuation do not decide
    ("Écoute" between "Ecole" and "Foyer", "de Smet" beside "De Smet"); the raw text breaks ties."""
    return fold(text), text
