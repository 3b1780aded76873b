# ruff: noqa: E501
"""French for issue 18 items 2 and 3 (existence check, join requests, duplicate warning, consent that does what it says)."""

TRANSLATIONS = {
    "checked whether a file exists, from the name, birth date and commune": "a vérifié si un dossier existe, à partir du nom, de la date de naissance et de la commune",
    "You have reached the limit of %(cap)s check in 24 hours. Ask the network coordinator if you need more.": (
        "Vous avez atteint la limite de %(cap)s vérification en 24 heures. Adressez-vous à la coordination du réseau s'il vous en faut davantage.",
        "Vous avez atteint la limite de %(cap)s vérifications en 24 heures. Adressez-vous à la coordination du réseau s'il vous en faut davantage.",
    ),
    "Only a professional of a partner organisation can check whether a file exists.": "Seul·e un·e professionnel·le d'une organisation partenaire peut vérifier si un dossier existe.",
    "Give the first name, last name, birth date and commune: a check needs every one of them.": "Indiquez le prénom, le nom, la date de naissance et la commune : une vérification a besoin de chacun d'eux.",
    "Commune where the person lives": "Commune où vit la personne",
    "For example: Namur.": "Par exemple : Namur.",
    "No commune has this name. Check the spelling.": "Aucune commune ne porte ce nom. Vérifiez l'orthographe.",
    "Does a file exist for this person?": "Un dossier existe-t-il pour cette personne ?",
    "For a person your organisation does not support yet. Give every fact: the answer says only whether a file exists, never what it holds. Each check is recorded, and the person can see it.": "Pour une personne que votre organisation n'accompagne pas encore. Indiquez chaque élément : la réponse dit seulement si un dossier existe, jamais ce qu'il contient. Chaque vérification est enregistrée, et la personne peut la voir.",
    "Answer": "Réponse",
    "No file matches these facts. You may open a new file with the person.": "Aucun dossier ne correspond à ces éléments. Vous pouvez ouvrir un nouveau dossier avec la personne.",
    "Your organisation already follows this person.": "Votre organisation accompagne déjà cette personne.",
    "A file exists. Ask the referent to let your organisation join the network, or, in an emergency only, use emergency access.": "Un dossier existe. Demandez au référent que votre organisation rejoigne le réseau ou, en cas d'urgence seulement, utilisez l'accès d'urgence.",
    "Ask to join the network": "Demander à rejoindre le réseau",
    "Emergency access (break the glass)": "Accès d'urgence (bris de glace)",
    "You may make %(left)s more check in the next 24 hours (at most %(daily_cap)s).": (
        "Vous pouvez encore faire %(left)s vérification dans les prochaines 24 heures (au plus %(daily_cap)s).",
        "Vous pouvez encore faire %(left)s vérifications dans les prochaines 24 heures (au plus %(daily_cap)s).",
    ),
    "Check": "Vérifier",
    "checked whether a file exists for you, from your name, birth date and commune": "a vérifié si un dossier existe pour vous, à partir de votre nom, de votre date de naissance et de votre commune",
    "opening a file, was warned that one may already exist for you": "en ouvrant un dossier, a été averti·e qu'il en existe peut-être déjà un pour vous",
    "checked whether a file exists for the person, from their name, birth date and commune": "a vérifié si un dossier existe pour la personne, à partir de son nom, de sa date de naissance et de sa commune",
    "opening a file, was warned that one may already exist for the person": "en ouvrant un dossier, a été averti·e qu'il en existe peut-être déjà un pour la personne",
    "I checked: this is another person, open a new file": "J'ai vérifié : c'est une autre personne, ouvrir un nouveau dossier",
    "Tick this box to open a new file all the same.": "Cochez cette case pour ouvrir tout de même un nouveau dossier.",
    "Your organisation already follows a person with this name and birth date.": "Votre organisation accompagne déjà une personne avec ce nom et cette date de naissance.",
    "Open their file": "Ouvrir son dossier",
    "A file may already exist for a person with this name and birth date.": "Un dossier existe peut-être déjà pour une personne avec ce nom et cette date de naissance.",
    "Check with the commune, then ask to join the network": "Vérifiez avec la commune, puis demandez à rejoindre le réseau",
    "or, if this is another person, tick the box below and open a new file.": "ou, s'il s'agit d'une autre personne, cochez la case ci-dessous et ouvrez un nouveau dossier.",
}
