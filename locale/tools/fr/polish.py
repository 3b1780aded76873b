"""French for the strings of the polish of issue 18 (helper `polish`)."""

TRANSLATIONS = {
    "Agree to it without my identity all the same": "Donner mon accord sans mon identité tout de même",
    "Without “Identity and contact”, they cannot open your file: what you chose would show them nothing. "
    "Add “Identity and contact”, or tick the box below to agree all the same.": (
        "Sans « Identité et coordonnées », on ne peut pas ouvrir votre dossier : ce que vous avez choisi ne "
        "montrerait rien. Ajoutez « Identité et coordonnées », ou cochez la case ci-dessous pour donner votre "
        "accord tout de même."
    ),
}
TRANSLATIONS |= {
    "No commune has this official code.": "Aucune commune n'a ce code officiel.",
    "This code is a commune's in several countries: give the country too.": (
        "Ce code est celui d'une commune dans plusieurs pays : indiquez aussi le pays."
    ),
    "Give the commune's official code with its country.": "Indiquez le code officiel de la commune avec son pays.",
}
TRANSLATIONS |= {
    "locality for search": "localité pour la recherche",
}
