# ruff: noqa: E501
"""French for the directory features from Dora and data·inclusion (remote, kinds, filters, saved searches)."""

TRANSLATIONS = {
    "Support and follow-up": "Accompagnement",
    "Financial aid": "Aide financière",
    "Workshop": "Atelier",
    "Training": "Formation",
    "Information": "Information",
    "Free of charge": "Gratuit",
    "Paying": "Payant",
    "On site": "Sur place",
    "Remotely": "À distance",
    "Also remotely": "Aussi à distance",
    "kind of service": "type de service",
    "delivered on site": "sur place",
    "delivered remotely": "à distance",
    "Kind of service": "Type de service",
    "Any kind": "Tous les types",
    "Fees": "Frais",
    "Free or paying": "Gratuit ou payant",
    "On site or remotely": "Sur place ou à distance",
    "Filters (number of services each would find)": "Filtres (nombre de services trouvés pour chacun)",
    "Places not confirmed recently": "Places non confirmées récemment",
    "last said on %(date)s": "indiqué le %(date)s",
    "Who can ask for it:": "Qui peut le demander :",
    "Delivered on site and remotely (phone, video or online).": "Sur place et à distance (téléphone, vidéo ou en ligne).",
    "Delivered remotely only (phone, video or online).": "Uniquement à distance (téléphone, vidéo ou en ligne).",
}
