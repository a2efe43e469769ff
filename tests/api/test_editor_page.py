"""The editor's page and files over HTTP: no key needed for the static page, a CSP of 'self' only,
only shipped files served, and every file the page names is in the package."""

from __future__ import annotations

import re

from api.routes.editor import CSP
from tests.api.conftest import EDITOR, MakeClient

MARKUP_SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|\beval\(")


def test_the_pages_need_no_key_and_allow_only_their_own_origin(make_client: MakeClient) -> None:
    client = make_client()
    for path in ("/edit", "/journeys/mei-su-electronics/edit"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
        policy = page.headers["content-security-policy"]
        assert policy == CSP and "default-src 'self'" in policy
        sources = {s for d in policy.split(";") for s in d.split()[1:]}
        assert sources <= {"'self'", "'none'"}  # no host, no CDN, no inline code
        assert page.headers["x-content-type-options"] == "nosniff"
        assert '<script type="module" src="/editor/main.js">' in page.text
    assert client.get("/journeys/mei-su-electronics").status_code == 401  # the data still needs a key


def test_every_file_the_page_loads_is_served_with_its_type(make_client: MakeClient) -> None:
    client = make_client()
    page = client.get("/edit").text
    main = client.get("/editor/main.js")
    names = set(re.findall(r'/editor/([a-z]+\.[a-z]+)"', page))
    names |= set(re.findall(r"from '\./([a-z]+\.js)'", main.text))
    assert {"main.js", "editor.css", "icon.svg", "form.js", "merge.js", "api.js"} <= names
    types = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml"}
    for name in names:
        answer = client.get(f"/editor/{name}")
        assert answer.status_code == 200, name
        assert answer.headers["content-type"] == types[name.rsplit(".", 1)[1]]
        assert not MARKUP_SINKS.search(answer.text), name  # data never goes in as HTML
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", answer.text), name  # no other origin


def test_only_shipped_files_are_served(make_client: MakeClient) -> None:
    client = make_client()
    assert client.get("/editor/nothing.js").status_code == 404
    assert client.get("/editor/editor.html").status_code == 422  # not a script, style or icon
    assert client.get("/editor/..%2F__init__.py").status_code in (404, 422)
    assert client.get("/journeys/Not%20An%20Id/edit", headers=EDITOR).status_code == 422


def test_the_editor_is_named_in_the_api_description(make_client: MakeClient) -> None:
    info = make_client().get("/openapi.json", headers=EDITOR).json()["info"]
    assert "`/edit`" in info["description"] and "`/journeys/{id}/edit`" in info["description"]
