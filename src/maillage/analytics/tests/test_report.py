"""Reports for funders: aggregated indicators only, no cell under 5 persons, no person's name."""

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from maillage.analytics import cells, presenters, report
from maillage.analytics.tests import scenario
from maillage.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return scenario.build()


def _person_count_cells(rows: list[list[str]]):
    """Each (column label, cell) of the report whose column counts persons."""
    person_labels = {c.label for c in presenters.organisation_columns() if cells.is_person_count(c.name)}
    person_labels |= {"Persons", "Personnes", "Persons followed", "Personnes suivies"}
    header: list[str] = []
    for row in rows:
        if not row:
            header = []
            continue
        if len(row) > 1 and not header:
            header = row
            continue
        for label, cell in zip(header, row, strict=False):
            if label in person_labels:
                yield label, cell
        if row and row[0] in person_labels:  # the network table: indicator, value
            yield row[0], row[1]


class TestSuppression:
    def test_no_person_count_under_five_in_the_csv(self, built):
        rows = list(csv.reader(io.StringIO(report.as_csv(built.snapshot))))
        seen = list(_person_count_cells(rows))
        assert seen, "the test must see person-count cells"
        small = [
            (label, cell)
            for label, cell in seen
            if cell not in {"<5", "—"} and int(cell.replace("\u202f", "").replace(" ", "")) < 5
        ]
        assert small == []
        assert any(cell == "<5" for _label, cell in seen)  # f, g and h follow fewer than 5 persons
        assert any(cell not in {"<5", "—"} for _label, cell in seen)  # a's caseload (7) is shown

    def test_the_load_of_a_hidden_caseload_is_hidden(self, built):
        metrics = built.snapshot.organisation_metrics.get(organisation=built.orgs[-1])
        assert metrics.caseload < 5
        assert presenters.load_value(metrics) is None
        columns = presenters.organisation_columns()
        shown = dict(
            zip((c.name for c in columns), presenters.organisation_rows([metrics], columns)[0].cells, strict=True)
        )
        assert shown["heavy_share"] == str(cells.HIDDEN)

    def test_the_pdf_holds_the_same_hidden_cells_and_no_name(self, built):
        person = PersonFactory(first_name="Zéphyrine", last_name="Quatrebarbes")
        pdf = report.as_pdf(built.snapshot)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "Service A" in text
        assert text.count("<5") > 1  # the note says "<5" once; hidden cells say it again
        assert person.last_name not in text


class TestDownloads:
    def test_the_coordinator_downloads_both(self, client, built):
        client.force_login(built.coordinator.user)
        base = {"public_id": built.network.public_id}
        pdf = client.get(reverse("analytics:report_pdf", kwargs=base))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        data = client.get(reverse("analytics:report_csv", kwargs=base))
        assert data.status_code == 200 and "attachment" in data["Content-Disposition"]
        assert "Service A" in data.content.decode()
