"""The plain-language PDF builder: what goes in comes back out when the PDF is read, in the chosen language."""

import datetime as dt
import io

import pypdf
import pytest

from maillage.core.documents import PlainDocument, drawable, pdf_response


def read(content: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def sample(language: str) -> PlainDocument:
    document = PlainDocument(title="Votre projet", subtitle="Version 2", language=language, file_title="Projet")
    document.heading("Ce que vous voulez").quote("Un logement plus grand pour mes enfants.", by="Avec vos mots")
    document.text("Votre référente : le CPAS de Namur.").bullets(["Visiter deux logements", "Payer le loyer"])
    document.facts([("Quand :", "avant juin"), ("Vide :", "")]).heading("Suivi", level=2)
    document.grid(["Objectif", "Où vous en êtes"], [["Logement", "Un peu de progrès"]])
    return document


def test_the_words_come_back_out_of_the_pdf():
    text, reader = read(sample("fr").pdf())
    for words in ["Votre projet", "Un logement plus grand pour mes enfants.", "Visiter deux logements", "avant juin"]:
        assert words in text
    assert "Vide" not in text  # a fact without a value is left out, not printed empty
    assert "Page 1 sur 1" in text  # the builder's own words speak the document's language
    assert reader.metadata.title == "Projet"  # the neutral title chosen for the metadata, not the heading
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_english_document_words():
    text, _ = read(PlainDocument(title="Your project", language="en").text("Hello").pdf())
    assert "Page 1 of 1" in text and "Made on" in text


def test_same_input_same_bytes_and_many_pages():
    day = dt.date(2026, 12, 6)
    long = PlainDocument(title="Long", language="fr", made_on=day)
    for index in range(80):
        long.heading(f"Partie {index}").text("Une phrase courte. " * 8)
    first = long.pdf()
    assert first == long.pdf()
    text, reader = read(first)
    assert len(reader.pages) > 3 and f"Page {len(reader.pages)} sur {len(reader.pages)}" in text
    assert "6 décembre 2026" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("déjà → là", "déjà -> là"), ("10\u202f%", "10\xa0%"), ("œuvre « ici »", "œuvre « ici »"), ("日本", "??")],
)
def test_characters_the_fonts_cannot_draw_are_replaced(text, expected):
    assert drawable(text) == expected


def test_markup_in_text_is_printed_not_interpreted():
    text, _ = read(PlainDocument(title="T", language="fr").text("<b>a & b</b>").pdf())
    assert "<b>a & b</b>" in text


def test_download_response():
    response = pdf_response(b"%PDF-1.4", filename="projet.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="projet.pdf"'
    assert response["Cache-Control"] == "no-store"
