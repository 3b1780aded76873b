"""/api/v1/accounts/: who am I, the network's organisations, my personal access tokens."""

import datetime as dt
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import FutureDatetime

from maillage.access.door import no_person_data
from maillage.accounts.api_auth import require_scope, session_only_auth, token_scopes
from maillage.accounts.enums import ApiScope, Role, Sector, UserKind
from maillage.accounts.models import ApiToken, Organisation
from maillage.accounts.selectors import api_tokens_of, validated_organisations
from maillage.accounts.services import api_token_create, api_token_revoke
from maillage.core.api_errors import ErrorOut
from maillage.core.pagination import Pagination

router = Router()


class MembershipOut(Schema):
    organisation_id: UUID
    organisation_name: str
    role: Role
    job_title: str


class MeOut(Schema):
    id: UUID
    email: str
    first_name: str
    last_name: str
    kind: UserKind
    preferred_language: str
    is_platform_staff: bool
    current_organisation_id: UUID | None
    memberships: list[MembershipOut]
    token_scopes: list[ApiScope] | None = Field(
        None, description="The scopes of the token in use; null for a browser session."
    )


class OrganisationOut(Schema):
    id: UUID
    name: str
    alternate_name: str
    sector: Sector
    locality: str
    postcode: str
    website: str
    is_care_provider: bool

    @staticmethod
    def resolve_id(organisation: Organisation) -> UUID:
        return organisation.public_id


class TokenOut(Schema):
    id: UUID
    organisation_id: UUID | None = Field(
        ..., description="The organisation the token acts for; null for a person supported or platform staff."
    )
    name: str
    prefix: str
    scopes: list[ApiScope]
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_id(token: ApiToken) -> UUID:
        return token.public_id

    @staticmethod
    def resolve_organisation_id(token: ApiToken) -> UUID | None:
        return token.membership.organisation.public_id if token.membership else None


class TokenCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, pattern=r"\S")
    scopes: list[ApiScope] = Field(default_factory=list, max_length=len(ApiScope.values))
    expires_at: FutureDatetime = Field(
        ...,
        description=(
            "When the token stops working: must be in the future, and at most one year from now. "
            "A date and time without a time zone is read as UTC."
        ),
    )


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The secret token: shown this once, never again.")

    @staticmethod
    def resolve_token(token: ApiToken) -> str:
        return token.secret


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The authenticated user and their memberships")
@no_person_data
def me(request: HttpRequest) -> MeOut:
    actor = request.actor
    user = actor.user
    scopes = token_scopes(request)
    return MeOut(
        id=user.public_id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        kind=user.kind,
        preferred_language=user.preferred_language,
        is_platform_staff=actor.is_platform_staff,
        current_organisation_id=actor.organisation.public_id if actor.organisation else None,
        memberships=[
            MembershipOut(
                organisation_id=m.organisation.public_id,
                organisation_name=m.organisation.name,
                role=m.role,
                job_title=m.job_title,
            )
            for m in actor.memberships
        ],
        token_scopes=sorted(scopes) if scopes is not None else None,
    )


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="The validated organisations of the network",
)
@paginate(Pagination)
@no_person_data
def organisations(request: HttpRequest):
    require_scope(request, ApiScope.DIRECTORY_READ)
    return validated_organisations()


TOKENS_SESSION_ONLY = " Only from a logged-in browser session: a request authenticated by a token is refused (403)."


@router.get(
    "/tokens",
    response={200: list[TokenOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="My personal access tokens (never their secret)",
    description="Lists the tokens of the logged-in user." + TOKENS_SESSION_ONLY,
    auth=session_only_auth,
)
@paginate(Pagination)
@no_person_data
def tokens_list(request: HttpRequest):
    return api_tokens_of(request.actor.user)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Create a personal access token",
    description=(
        "The token acts for the organisation you are acting for, and stops working for good when that "
        "membership is deactivated." + TOKENS_SESSION_ONLY
    ),
    auth=session_only_auth,
)
@no_person_data
def tokens_create(request: HttpRequest, payload: TokenCreateIn):
    expires_at = payload.expires_at
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at, dt.UTC)
    token, secret = api_token_create(
        request.actor,
        name=payload.name,
        scopes=[str(scope) for scope in payload.scopes],
        expires_at=expires_at,
    )
    token.secret = secret
    return Status(201, token)


@router.post(
    "/tokens/{token_id}/revoke",
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Revoke one of my tokens (at once and for good)",
    description="Revokes one of the logged-in user's tokens." + TOKENS_SESSION_ONLY,
    auth=session_only_auth,
)
@no_person_data
def tokens_revoke(request: HttpRequest, token_id: UUID):
    token = get_object_or_404(api_tokens_of(request.actor.user), public_id=token_id)
    return api_token_revoke(request.actor, token=token)
