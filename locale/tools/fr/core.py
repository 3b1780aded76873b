# ruff: noqa: E501
"""French for config and core (API errors)."""

TRANSLATIONS = {
    "Null characters are not allowed in a request.": "Les caractères nuls ne sont pas autorisés dans une requête.",
    "The request could not be read: send a valid JSON body.": "La requête n'a pas pu être lue : envoyez un corps JSON valide.",
    "Authentication required: send a valid API token.": "Authentification requise : envoyez un jeton d'API valide.",
    "You are not allowed to do this.": "Vous n'êtes pas autorisé·e à faire cela.",
    "This method is not allowed here.": "Cette méthode n'est pas autorisée ici.",
    "Too many requests: slow down and try again later.": "Trop de requêtes : ralentissez et réessayez plus tard.",
    "This field is required.": "Ce champ est obligatoire.",
    "Enter a whole number.": "Saisissez un nombre entier.",
    "Enter a number.": "Saisissez un nombre.",
    "Enter true or false.": "Saisissez true ou false.",
    "Enter a text.": "Saisissez un texte.",
    "This text is too short.": "Ce texte est trop court.",
    "This text is too long.": "Ce texte est trop long.",
    "Too few items.": "Trop peu d'éléments.",
    "Too many items.": "Trop d'éléments.",
    "This value is too small.": "Cette valeur est trop petite.",
    "This value is too large.": "Cette valeur est trop grande.",
    "Enter a valid identifier (UUID).": "Saisissez un identifiant valide (UUID).",
    "Enter a valid date and time (ISO 8601).": "Saisissez une date et une heure valides (ISO 8601).",
    "Enter a valid date (YYYY-MM-DD).": "Saisissez une date valide (AAAA-MM-JJ).",
    "Choose one of the allowed values.": "Choisissez une des valeurs autorisées.",
    "Send a list.": "Envoyez une liste.",
    "Send an object.": "Envoyez un objet.",
    "Send valid JSON.": "Envoyez du JSON valide.",
    "Enter a valid URL.": "Saisissez une URL valide.",
    "This field is not expected.": "Ce champ n'est pas attendu.",
    "This value is not valid.": "Cette valeur n'est pas valide.",
    "Choose one of: %(expected)s.": "Choisissez parmi : %(expected)s.",
    # navigation
    "Our services": "Nos services",
    "Keep your organisation's services, places and capacity up to date in the directory.": "Tenir à jour dans le répertoire les services, les lieux et les disponibilités de votre organisation.",
}
TRANSLATIONS["The request body is too large."] = "Le corps de la requête est trop volumineux."
TRANSLATIONS.update(
    {
        "job": "tâche",
        "period": "période",
        "claimed at": "prise le",
        "worker": "travailleur",
        "periodic run": "exécution périodique",
        "periodic runs": "exécutions périodiques",
    }
)
