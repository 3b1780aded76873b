"""Templates keep to the Content Security Policy (styles and scripts from our own files only).

The browser would block an inline style or script silently for the user; this scan names the template.
"""

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]  # src/maillage
INLINE = re.compile(
    r"""\sstyle\s*=\s*["']"""  # style attribute
    r"|<style[\s>]"
    r"""|<script(?![^>]*\s(?:src=|type="application/json"))[^>]*>"""  # data blocks are allowed
    r"""|\son[a-z]+\s*=\s*["']""",  # event handler attribute
    re.I,
)


def test_no_template_has_an_inline_style_script_or_event_handler():
    found = {
        f"{path.relative_to(SOURCE).as_posix()}: {match.group(0).strip()}"
        for path in SOURCE.glob("*/templates/**/*.html")
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    }
    assert not found, sorted(found)
