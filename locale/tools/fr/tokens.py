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
    "Login blocked after repeated failures": "Connexion bloquée après des échecs répétés",
    "Logging in to your Maillage account is blocked for a while": "La connexion à votre compte Maillage est bloquée pour un moment",
    "After several failed attempts, logging in to the Maillage account %(email)s is blocked for %(minutes)s minutes.": "Après plusieurs tentatives échouées, la connexion au compte Maillage %(email)s est bloquée pendant %(minutes)s minutes.",
    "If it was you, wait and try again, or choose a new password with this link, which lifts the block at once:": "Si c'était vous, patientez puis réessayez, ou choisissez un nouveau mot de passe avec ce lien, ce qui lève le blocage aussitôt :",
    "choose a new password": "choisir un nouveau mot de passe",
    "If it was not you, someone may be trying to guess your password: choose a new, long password, and tell your organisation's admin.": "Si ce n'était pas vous, quelqu'un essaie peut-être de deviner votre mot de passe : choisissez-en un nouveau, long, et prévenez l'administrateur de votre organisation.",
    "This token acts for no organisation: create a new one.": "Ce jeton n'agit pour aucune organisation : créez-en un nouveau.",
    "This token has been revoked.": "Ce jeton a été révoqué.",
    "This token has expired.": "Ce jeton a expiré.",
    "The account of this token is deactivated.": "Le compte de ce jeton est désactivé.",
    "This token no longer works: the membership it acts for has ended, or its organisation is deactivated.": "Ce jeton ne fonctionne plus : l'adhésion pour laquelle il agit a pris fin, ou son organisation est désactivée.",
}
