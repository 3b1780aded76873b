"""Experience reviews are checked for personal data before they are shared; practice sheets keep versions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.access.models import AccessEvent
from maillage.governance import privacy_check, selectors, services
from maillage.governance.enums import ReviewKind, ReviewStatus
from maillage.people.aggregates import TEXT_PRIVACY_CHECK, text_names_known_person
from maillage.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CLEAN = "Un homme d'une quarantaine d'années a été orienté trois fois sans que personne ne le rappelle."


def write(actor, network, **fields):
    values = {
        "kind": ReviewKind.DIFFICULTY,
        "title": "Une orientation perdue",
        "what_happened": CLEAN,
        "what_we_learnt": "Appeler le partenaire avant d'orienter.",
    }
    return services.review_save(actor, network, **{**values, **fields})


class TestPrivacyCheck:
    @pytest.mark.parametrize(
        "text",
        [
            "La personne, née le 12/03/1985, a été accueillie.",
            "Date de naissance : 3 mars 1985.",
            "Monsieur (DDN 1985-03-12) est revenu.",
            "Elle est arrivée le 04.07.1990 au service.",  # a full date many years ago
        ],
    )
    def test_birth_dates_are_found(self, text):
        assert privacy_check.birth_dates_in(text, today=dt.date(2026, 12, 6))

    def test_a_recent_date_without_birth_word_is_not_a_birth_date(self):
        assert privacy_check.birth_dates_in("Réunion le 12/11/2026 au CPAS.", today=dt.date(2026, 12, 6)) == []

    def test_first_names_are_found_but_not_everyday_words(self):
        found = privacy_check.first_names_in("Hier, Jean-Pierre et Nathalie sont venus. Claire réponse du CPAS.")
        assert "Jean-Pierre" in found and "Nathalie" in found
        assert "Claire" not in found

    def test_a_known_person_is_found_without_saying_who(self, members):
        professional = members[0][1]
        PersonFactory(first_name="Amandine", last_name="Quatrefages")
        before = AccessEvent.objects.filter(purpose=TEXT_PRIVACY_CHECK).count()
        assert text_names_known_person(professional, "Nous avons revu quatrefages AMANDINE hier.")
        assert not text_names_known_person(professional, "Nous avons revu la personne hier.")
        events = AccessEvent.objects.filter(purpose=TEXT_PRIVACY_CHECK)
        assert events.count() == before + 2
        assert not events.filter(person_id__isnull=False).exists()

    def test_a_known_name_stored_with_accents_is_found_written_without(self, members):
        professional = members[0][1]
        PersonFactory(first_name="Zoé", last_name="Lefèvre-Quatremer")
        assert text_names_known_person(professional, "Entretien avec Zoe Lefevre-Quatremer.")


class TestReviews:
    def test_a_review_with_a_birth_date_is_flagged_and_not_shared_unchecked(self, network, members):
        (_arlon, arlon_admin), _ = members
        review = write(arlon_admin, network, what_happened="Une dame, née le 14/02/1961, a attendu trois mois.")
        assert review.flags == [{"kind": "birth_date", "text": "14/02/1961"}]
        with pytest.raises(ValidationError):
            services.review_share(arlon_admin, review)
        review.refresh_from_db()
        assert review.status == ReviewStatus.DRAFT

        # Rewritten without it: no flag, and it can be shared.
        review = write(arlon_admin, network, review=review, read_version=review.version)
        assert review.flags == []
        services.review_share(arlon_admin, review)
        review.refresh_from_db()
        assert review.status == ReviewStatus.SHARED

    def test_the_author_may_clear_a_flag_that_is_not_about_a_person(self, network, members):
        (_arlon, arlon_admin), _ = members
        review = write(arlon_admin, network, what_happened="La maison Martine du quartier.")
        assert any(flag["kind"] == "first_name" for flag in review.flags)
        shared = services.review_share(arlon_admin, review, flags_checked=True)
        assert shared.status == ReviewStatus.SHARED and shared.flags_dismissed

    def test_a_known_person_is_flagged(self, network, members):
        (_arlon, arlon_admin), _ = members
        PersonFactory(first_name="Amandine", last_name="Quatrefages")
        review = write(arlon_admin, network, what_happened="Situation de Quatrefages Amandine, très lourde.")
        assert {"kind": "known_person", "text": ""} in review.flags

    def test_drafts_are_seen_by_their_organisation_only(self, network, members):
        (arlon, arlon_admin), (bastogne, bastogne_admin) = members
        review = write(arlon_admin, network)
        assert review in selectors.reviews_for(network, arlon)
        assert review not in selectors.reviews_for(network, bastogne)
        with pytest.raises(PermissionDenied):
            services.review_share(bastogne_admin, review)

    def test_comments_are_checked_too(self, network, members):
        (_arlon, arlon_admin), (_bastogne, bastogne_admin) = members
        review = services.review_share(arlon_admin, write(arlon_admin, network))
        with pytest.raises(ValidationError):
            services.review_comment(bastogne_admin, review, text="Je crois que c'était Madame, née le 01/01/1950.")
        comment, _flags = services.review_comment(bastogne_admin, review, text="Chez nous aussi, appeler avant.")
        assert comment.review == review


class TestPracticeLibrary:
    def test_a_sheet_keeps_its_versions_and_is_found_by_words_and_domain(self, network, members):
        from maillage.directory.selectors import life_domains

        (_arlon, arlon_admin), (_bastogne, bastogne_admin) = members
        housing = life_domains().first()
        sheet = services.practice_sheet_save(
            arlon_admin,
            network,
            title="Orienter sans perdre le lien",
            text="Appeler avant d'orienter.",
            domains=[housing],
        )
        services.practice_sheet_save(
            bastogne_admin,
            network,
            sheet=sheet,
            title=sheet.title,
            text="Appeler, puis écrire.",
            changes_summary="Écrire aussi",
        )
        assert [v.number for v in sheet.versions.all()] == [2, 1]
        assert list(selectors.practice_sheets(network, query="écrire")) == [sheet]
        assert list(selectors.practice_sheets(network, domain=housing.code)) == [sheet]
        assert list(selectors.practice_sheets(network, query="introuvable")) == []

    def test_a_sheet_with_a_birth_date_is_refused(self, network, members):
        (_arlon, arlon_admin), _ = members
        with pytest.raises(ValidationError):
            services.practice_sheet_save(arlon_admin, network, title="Cas", text="Né le 02/05/1970 à Arlon.")
