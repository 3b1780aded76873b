"""No person's name in a URL or a log line of the test run (pytest plugin, loaded from `src/conftest.py`).

A name in a URL ends up in access logs (runserver, granian, proxies), browser history and `Referer` headers;
in a log line, in every log store. The test run is the check:

- `UrlRecorder`, first in the test settings' middleware, notes every request of the run (Django's test client,
  the live server behind the browser tests, the WSGI handler of the API contract test): method and full path,
  and the URLs an answer sends the browser to (`Location`, htmx's `HX-Redirect`, `HX-Location`, `HX-Push-Url`);
- a log-record factory notes every log record, whatever the logger and its handlers (the test data
  generators' own loggers aside);
- the names to look for are those of the persons of the test: saved during it (factories, services) and in the
  database before it rolls back (the demo generator's bulk-created persons included);
- at the end of each test, what was noted is scanned for those names (`names_in`: any case, accents, URL
  encoding; a whole word, or in a query string the start of one): a hit fails the test's teardown, with the
  URL or log line, the name and the test. What happens outside any test is scanned at the end of the session
  against every name seen.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote_plus, urlsplit

import pytest
from django.http import HttpRequest, HttpResponse

# Parts of names too common to mean anyone ("Van Damme", "de la Fontaine", "Le Gall").
PARTICLES = frozenset({"van", "von", "der", "den", "des", "del", "dos", "das", "ten", "ter", "mac", "ben", "bin"})
MIN_PART = 3  # shorter parts (initials, "Le", "Li") would match ordinary words
MIN_PREFIX = 4  # typed search words are often the start of a name: "font" for Fontaine
REDIRECT_HEADERS = ("Location", "HX-Redirect", "HX-Location", "HX-Push-Url")
TOOLING_LOGGERS = ("factory", "faker")  # the test data generators log what they generate
WORD = re.compile(r"[^\W_]+")
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case, without accents, URL-decoded (twice encoded too): how a name is compared."""
    for _round in range(3):
        decoded = unquote_plus(text)
        if decoded == text:
            break
        text = decoded
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char)).casefold()


def name_parts(first_name: str, last_name: str) -> set[str]:
    """The words of a person's names that identify them: "Jean-Marie Van den Bossche" -> jean, marie, bossche."""
    words = WORD.findall(fold(f"{first_name} {last_name}"))
    return {word for word in words if len(word) >= MIN_PART and word not in PARTICLES and not word.isdigit()}


def names_in(text: str, parts: Iterable[str], *, query: str = "") -> set[str]:
    """The name parts found in `text` (whole words) or in the values of `query` (whole words or their start)."""
    parts = set(parts)
    if not parts:
        return set()
    found = parts & set(WORD.findall(fold(text)))
    for _key, value in parse_qsl(query, keep_blank_values=True):
        words = set(WORD.findall(fold(value)))
        found |= parts & words
        if "/" in value or UUID.fullmatch(value.strip()):
            continue  # a path (`next=`) or an id: whole words only, an id's hex is no typed search
        found |= {part for part in parts for word in words if len(word) >= MIN_PREFIX and part.startswith(word)}
    return found


def url_hits(url: str, parts: Iterable[str]) -> set[str]:
    split = urlsplit(url)
    return names_in(split.path, parts, query=split.query)


@dataclass(frozen=True)
class Trace:
    kind: str  # "URL", "redirect" or "log"
    text: str
    test: str | None

    def hits(self, parts: set[str]) -> set[str]:
        return url_hits(self.text.split(" ", 1)[-1], parts) if self.kind != "log" else names_in(self.text, parts)


@dataclass
class Scan:
    """What the run did (URLs, log lines) and whose names to look for, test by test."""

    test: str | None = None
    traces: list[Trace] = field(default_factory=list)
    log_records: list[tuple[str | None, logging.LogRecord]] = field(default_factory=list)
    parts: set[str] = field(default_factory=set)
    all_parts: set[str] = field(default_factory=set)
    outside: list[Trace] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, text: str) -> None:
        with self.lock:
            self.traces.append(Trace(kind, text, self.test))

    def note_record(self, record: logging.LogRecord) -> None:
        with self.lock:
            self.log_records.append((self.test, record))

    def note_person(self, first_name: str, last_name: str) -> None:
        parts = name_parts(first_name, last_name)
        with self.lock:
            self.parts |= parts
            self.all_parts |= parts

    def has_traces(self) -> bool:
        return bool(self.traces or self.log_records)

    def begin(self, test: str) -> None:
        self.take()
        with self.lock:
            self.test, self.parts = test, set()

    def take(self) -> tuple[list[Trace], set[str]]:
        """What was noted since the last call, and the names of the current test's persons."""
        with self.lock:
            traces, records, parts = self.traces, self.log_records, set(self.parts)
            self.traces, self.log_records = [], []
        # Formatted outside the lock: formatting may log, and the lock is not reentrant.
        traces += [Trace("log", _message(record), test) for test, record in records]
        self.outside.extend(trace for trace in traces if trace.test is None)
        return [trace for trace in traces if trace.test is not None], parts

    def leaks(self) -> list[str]:
        """One line per URL or log line of the current test that carries a name of its persons."""
        traces, parts = self.take()
        return describe(traces, parts)

    def leaks_outside_tests(self) -> list[str]:
        self.take()
        return describe(self.outside, self.all_parts)


def describe(traces: list[Trace], parts: set[str]) -> list[str]:
    lines = []
    for trace in traces:
        hits = trace.hits(parts)
        if hits:
            where = f" (test {trace.test})" if trace.test else " (outside any test)"
            lines.append(f"{trace.kind} {trace.text!r} carries {', '.join(sorted(hits))}{where}")
    return lines


def _message(record: logging.LogRecord) -> str:
    try:
        return f"{record.name}: {record.getMessage()}"
    except Exception:  # a record that cannot be formatted is still scanned by its template
        return f"{record.name}: {record.msg} {record.args}"


SCAN = Scan()


class PersonDataInTraces(AssertionError):
    pass


class UrlRecorder:
    """Test settings only: notes each request's URL and where its answer sends the browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        SCAN.note("URL", f"{request.method} {request.get_full_path()}")
        response = self.get_response(request)
        for header in REDIRECT_HEADERS:
            if header in response:
                SCAN.note("redirect", f"{header} {response[header]}")
        return response


# --- the plugin ------------------------------------------------------------------------------------------------


def _record_factory(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        if not record.name.startswith(TOOLING_LOGGERS):
            SCAN.note_record(record)
        return record

    return factory


def _person_saved(sender, instance, **kwargs) -> None:
    SCAN.note_person(instance.first_name, instance.last_name)


def note_database_persons() -> None:
    """The names of the persons in the test's database (before it rolls back), when the test may read it."""
    from django.core.exceptions import SynchronousOnlyOperation
    from django.db import DatabaseError

    from maillage.people.models import Person

    try:
        for first_name, last_name in Person.objects.values_list("first_name", "last_name").iterator():
            SCAN.note_person(first_name, last_name)
    except (RuntimeError, DatabaseError, SynchronousOnlyOperation):  # no database for this test, or broken
        return


def pytest_sessionstart(session: pytest.Session) -> None:
    from django.db.models.signals import post_save

    from maillage.people.models import Person

    post_save.connect(_person_saved, sender=Person, dispatch_uid="privacy_scan")
    logging.setLogRecordFactory(_record_factory(logging.getLogRecordFactory()))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item):
    SCAN.begin(item.nodeid)
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    if SCAN.has_traces():
        note_database_persons()
    try:
        return (yield)
    finally:
        try:
            raise_on_leaks()
        finally:
            SCAN.test = None


def raise_on_leaks() -> None:
    """Fail (the current test's teardown) when what it did since the last check carries a name of its persons."""
    leaks = SCAN.leaks()
    if leaks:
        raise PersonDataInTraces(
            "A person's name is in a URL or a log line (use POST bodies, public ids, no names in logs):\n  "
            + "\n  ".join(leaks)
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    leaks = SCAN.leaks_outside_tests()
    if leaks:
        session.config.get_terminal_writer().line(
            "A person's name is in a URL or a log line outside any test:\n  " + "\n  ".join(leaks), red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
