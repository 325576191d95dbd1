"""Every word a client reads in a page comes through gettext: the client's templates hold no bare
text between tags or in the attributes people read (title, aria-label, alt, placeholder)."""
import re

import pytest
from jinja2 import nodes

from chalicelib.web.render import TEMPLATES, environment

NOT_WORDS = {"Chairtime"}  # the product's name, the same in every language
READ_ATTRIBUTES = re.compile(r"""\b(?:title|aria-label|alt|placeholder)\s*=\s*(["'])(.*?)\1""", re.S)
CLIENT_TEMPLATES = sorted(path.name for path in TEMPLATES.glob("*.html"))


def untranslated_words(source: str) -> list[str]:
    """Words of the template's literal text (what is not a Jinja expression or tag)."""
    literal = "".join(node.data for node in environment().parse(source).find_all(nodes.TemplateData))
    literal = re.sub(r"(?s)<style>.*?</style>|<!--.*?-->", " ", literal)
    read = " ".join(match.group(2) for match in READ_ATTRIBUTES.finditer(literal))
    literal = re.sub(r"(?s)<[^>]*>|&#?\w+;", " ", literal)
    return [word for word in re.findall(r"[^\W\d_]{2,}", f"{literal} {read}") if word not in NOT_WORDS]


@pytest.mark.parametrize("name", CLIENT_TEMPLATES)
def test_a_client_template_has_no_untranslated_words(name):
    assert untranslated_words((TEMPLATES / name).read_text("utf-8")) == []


def test_the_check_finds_bare_text_and_a_bare_label():
    assert untranslated_words('<p>{{ _("Book") }} now</p>') == ["now"]
    assert untranslated_words('<nav aria-label="Days">{{ x }}</nav>') == ["Days"]
    assert untranslated_words('<nav aria-label="{{ _(\'Days\') }}" class="days">›</nav>') == []
