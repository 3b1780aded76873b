# ruff: noqa: E501
"""French for API token lifecycle, login throttling per account and address, and the password reset e-mail."""

TRANSLATIONS = {
    "API tokens are managed from a logged-in session only: a token cannot create, list or revoke tokens.": "Les jetons d'API se gèrent depuis une session connectée uniquement : un jeton ne peut ni créer, ni lister, ni révoquer de jetons.",
    "Enter a date and time in the future.": "Saisissez une date et une heure dans le futur.",
    "Some of these scopes do not exist.": "Certaines de ces portées n'existent pas.",
    "acts for": "agit pour",
    "Acts for": "Agit pour",
    "no organisation": "aucune organisation",
    "The token will act for %(organisation)s, the organisation you are acting for now. Deactivating your membership of it revokes the token for good.": "Le jeton agira pour %(organisation)s, l'organisation pour laquelle vous agissez maintenant. La désactivation de votre adhésion à celle-ci révoque le jeton définitivement.",
}
