"""Why a page or an operation touched a person's file: short codes stored in the audit, words shown to people.

"Who saw my file" shows `purpose_words(code)`; unknown codes (written by other apps) are shown as they are.
"""

from django.utils.translation import gettext_lazy as _

PERSON_LIST = "person_list"
PERSON_SEARCH = "person_search"
PERSON_PAGE = "person_page"
PERSON_CREATE = "person_create"
PERSON_UPDATE = "person_update"
ECOMAP_DOWNLOAD = "ecomap_download"
NEED_WRITE = "need_write"
RELATION_WRITE = "relation_write"
INVOLVEMENT_WRITE = "involvement_write"
INVOLVEMENT_END_PROPOSAL = "involvement_end_proposal"
NETWORK_ALERT = "network_alert"
REFERENT_CHANGE = "referent_change"
CONSENT_WRITE = "consent_write"
OBJECTION_WRITE = "objection_write"
WHO_SAW = "who_saw"
BREAK_GLASS = "break_glass"
BREAK_GLASS_ALERT = "break_glass_alert"
SHARING_ALERT = "sharing_alert"
EXPORT = "export"
SPACE_INVITE = "space_invite"
OWN_SPACE = "own_space"
DASHBOARD = "dashboard"
SPACE_MESSAGE = "space_message"
API_LIST = "api_person_list"
API_PERSON = "api_person"
API_WHO_SAW = "api_who_saw"
API_NETWORK = "api_network"
API_PERSON_UPDATE = "api_person_update"
API_NEED_WRITE = "api_need_write"
EXISTENCE_CHECK = "existence_check"
DUPLICATE_CHECK = "duplicate_check"
JOIN_REQUEST = "join_request"
ATTENTION_LIST = "attention_list"  # maillage.analytics.views_attention
# The personalised project (maillage.projects).
PROJECT_PAGE = "project_page"
PROJECT_WRITE = "project_write"
PROJECT_AGREEMENT = "project_agreement"
PROJECT_REVIEW = "project_review"
PROJECT_DOCUMENT = "project_document"
API_PROJECT = "api_project"
API_PROJECT_FHIR = "api_project_fhir"
API_PROJECT_WRITE = "api_project_write"
# Referrals (maillage.referrals).
REFERRAL = "referral"
REFERRAL_VIEW = "referral_view"
REFERRAL_WRITE = "referral_write"
REFERRAL_LINK = "referral_link"
REFERRAL_REMINDER = "referral_reminder"
# Referrals (maillage.referrals) through the API.
API_REFERRAL_FHIR = "api_referral_fhir"
API_REFERRAL_IMPORT = "api_referral_import"

WORDS = {
    PERSON_LIST: _("list of the persons they follow"),
    PERSON_SEARCH: _("search among the persons they follow"),
    PERSON_PAGE: _("opened your file"),
    PERSON_CREATE: _("opened a new file"),
    PERSON_UPDATE: _("corrected your identity or contact details"),
    SPACE_MESSAGE: _("a message you wrote to your referent, and its alert"),
    ECOMAP_DOWNLOAD: _("downloaded the picture of your networks"),
    NEED_WRITE: _("recorded or updated a need"),
    RELATION_WRITE: _("recorded or updated someone close to you"),
    INVOLVEMENT_WRITE: _("recorded or ended an organisation's involvement"),
    INVOLVEMENT_END_PROPOSAL: _("proposed to end an organisation's involvement, or answered the proposal"),
    NETWORK_ALERT: _("alert: an organisation joined your network, or a proposal to end one"),
    REFERENT_CHANGE: _("changed your referent"),
    CONSENT_WRITE: _("recorded a consent or its withdrawal"),
    OBJECTION_WRITE: _("recorded an objection or its withdrawal"),
    WHO_SAW: _("looked at who saw your file"),
    BREAK_GLASS: _("emergency access"),
    BREAK_GLASS_ALERT: _("alert: an emergency access to your file was opened"),
    SHARING_ALERT: _("alert: you changed your sharing choices"),
    EXPORT: _("exported your data"),
    SPACE_INVITE: _("invited you to your own space"),
    OWN_SPACE: _("your own space"),
    DASHBOARD: _("dashboard: the files with recent changes or waiting for an answer"),
    API_LIST: _("list of the persons they follow (software connection)"),
    API_PERSON: _("opened your file (software connection)"),
    API_WHO_SAW: _("looked at who saw your file (software connection)"),
    API_NETWORK: _("changed the organisations of your network (software connection)"),
    API_PERSON_UPDATE: _("updated your identity or contact details (software connection)"),
    API_NEED_WRITE: _("recorded or updated a need (software connection)"),
    EXISTENCE_CHECK: _("checked whether a file exists for you, from your name, birth date and commune"),
    DUPLICATE_CHECK: _("opening a file, was warned that one may already exist for you"),
    JOIN_REQUEST: _("asked your referent to join your network, or answered such a request"),
    ATTENTION_LIST: _("your referent's list of the persons who may need more attention"),
    PROJECT_PAGE: _("looked at your personalised project"),
    PROJECT_WRITE: _("changed your personalised project (objectives, actions, divergent views)"),
    PROJECT_AGREEMENT: _("proposed a version of your project, or recorded your answer to it"),
    PROJECT_REVIEW: _("planned or recorded a review of your project"),
    PROJECT_DOCUMENT: _("printed or downloaded your project, in plain words"),
    API_PROJECT: _("read your personalised project (software connection)"),
    API_PROJECT_FHIR: _("exported your personalised project to another health or care software (FHIR)"),
    API_PROJECT_WRITE: _("changed your personalised project (software connection)"),
    REFERRAL: _("a referral of one of your needs to another organisation"),
    REFERRAL_VIEW: _("looked at a referral of one of your needs"),
    REFERRAL_WRITE: _("sent, answered or moved on a referral of one of your needs"),
    REFERRAL_LINK: _("a referral of one of your needs, read or answered through the link e-mailed to a partner"),
    REFERRAL_REMINDER: _("reminder: a referral of one of your needs waits for an answer"),
    API_REFERRAL_FHIR: _("exported a referral concerning you to another software (FHIR)"),
    API_REFERRAL_IMPORT: _("imported a referral concerning you from another software (FHIR)"),
}

# The same reasons told to the referent, about the person rather than to them.
WORDS_ABOUT_THE_PERSON = {
    PERSON_PAGE: _("opened the file"),
    ECOMAP_DOWNLOAD: _("downloaded the picture of the person's networks"),
    RELATION_WRITE: _("recorded or updated someone close to the person"),
    NETWORK_ALERT: _("alert: an organisation joined the network, or a proposal to end one"),
    REFERENT_CHANGE: _("changed the referent"),
    WHO_SAW: _("looked at who saw the file"),
    BREAK_GLASS_ALERT: _("alert: an emergency access to the file was opened"),
    SHARING_ALERT: _("alert: the person changed their sharing choices"),
    EXPORT: _("exported the person's data"),
    SPACE_INVITE: _("invited the person to their own space"),
    OWN_SPACE: _("the person's own space"),
    SPACE_MESSAGE: _("a message from the person to the referent, and its alert"),
    API_PERSON: _("opened the file (software connection)"),
    API_WHO_SAW: _("looked at who saw the file (software connection)"),
    EXISTENCE_CHECK: _("checked whether a file exists for the person, from their name, birth date and commune"),
    DUPLICATE_CHECK: _("opening a file, was warned that one may already exist for the person"),
    ATTENTION_LIST: _("the referent's list of the persons who may need more attention"),
    PROJECT_PAGE: _("looked at the personalised project"),
    PROJECT_WRITE: _("changed the personalised project (objectives, actions, divergent views)"),
    PROJECT_AGREEMENT: _("proposed a version of the project, or recorded the person's answer to it"),
    PROJECT_REVIEW: _("planned or recorded a review of the project"),
    PROJECT_DOCUMENT: _("printed or downloaded the project, in plain words"),
    API_PROJECT: _("read the personalised project (software connection)"),
    API_PROJECT_FHIR: _("exported the personalised project to another health or care software (FHIR)"),
    API_PROJECT_WRITE: _("changed the personalised project (software connection)"),
    REFERRAL: _("a referral of one of the person's needs to another organisation"),
    REFERRAL_VIEW: _("looked at a referral of one of the person's needs"),
    REFERRAL_WRITE: _("sent, answered or moved on a referral of one of the person's needs"),
    REFERRAL_LINK: _(
        "a referral of one of the person's needs, read or answered through the link e-mailed to a partner"
    ),
    REFERRAL_REMINDER: _("reminder: a referral of one of the person's needs waits for an answer"),
    API_REFERRAL_FHIR: _("exported a referral concerning the person to another software (FHIR)"),
    API_REFERRAL_IMPORT: _("imported a referral concerning the person from another software (FHIR)"),
}


def purpose_words(code: str, *, for_person: bool = True) -> str:
    """The reason in plain words, told to the person (`for_person`) or to the referent about the person."""
    if not for_person and code in WORDS_ABOUT_THE_PERSON:
        return str(WORDS_ABOUT_THE_PERSON[code])
    return str(WORDS.get(code, code.replace("_", " ")))
