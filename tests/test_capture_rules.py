"""Which project a save or a visit belongs to, and what is never recorded
(capture/rules.py).

DESIGN.md, "Capture rules": the deepest matching watched folder wins; URL patterns
(``github.com/acme-co/*``, a domain) map visits to projects; VCS, dependency and build
folders, editor swap and temp files and user patterns are ignored; query strings are
dropped.
"""

from __future__ import annotations

import pytest

from tallytui.capture.rules import CaptureRules, clean_url, folders_of, visit_record

CODE, ACME, DOCS = 1, 2, 3

FOLDERS = CaptureRules(
    folders=folders_of(
        [
            ("/home/anna/code", CODE),
            ("/home/anna/code/acme/", ACME),  # a trailing slash is the same folder
            ("/home/anna/code/acme/docs", DOCS),
        ]
    )
)


# --------------------------------------------------------------------------------------
# Watched folders
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "project"),
    [
        ("/home/anna/code/acme/docs/guide/intro.md", DOCS),
        ("/home/anna/code/acme/docs/index.md", DOCS),
        ("/home/anna/code/acme/src/app.py", ACME),
        ("/home/anna/code/acme/README.md", ACME),
        ("/home/anna/code/acme", ACME),
        ("/home/anna/code/acme-old/x.py", CODE),  # a sibling whose name starts the same
        ("/home/anna/code/other/y.py", CODE),
        ("/home/anna/code/acme/docsite/z.md", ACME),
    ],
)
def test_the_deepest_watched_folder_wins(path, project):
    assert FOLDERS.project_for_path(path) == project


@pytest.mark.parametrize(
    "path",
    [
        "/home/anna/codex/z.py",  # shares a prefix, but is not inside /home/anna/code
        "/home/anna/notes.md",
        "/home/anna",
        "/etc/hosts",
        "code/acme/src/app.py",  # relative: not inside any absolute folder
    ],
)
def test_paths_outside_every_watched_folder_have_no_project(path):
    assert FOLDERS.project_for_path(path) is None


def test_no_watched_folders_no_project():
    assert CaptureRules().project_for_path("/home/anna/code/app.py") is None


def test_the_folder_order_does_not_matter():
    reversed_rules = CaptureRules(folders=dict(reversed(list(FOLDERS.folders.items()))))
    assert reversed_rules.project_for_path("/home/anna/code/acme/docs/a.md") == DOCS
    assert reversed_rules.project_for_path("/home/anna/code/acme/a.md") == ACME


# --------------------------------------------------------------------------------------
# Ignored files
# --------------------------------------------------------------------------------------

ROOT = "/home/anna/code/acme"


@pytest.mark.parametrize(
    "folder", [".git", "node_modules", "__pycache__", ".venv", "build", "dist", ".hg", ".tox"]
)
def test_default_ignored_folders(folder):
    rules = CaptureRules()
    assert rules.ignored(f"{ROOT}/{folder}/file.txt")
    assert rules.ignored(f"{ROOT}/src/{folder}/deeper/file.py")
    assert rules.ignored_dir(folder)


@pytest.mark.parametrize(
    "name", ["app.py.swp", ".app.py.swo", "app.py~", ".#app.py", "4913", "upload.tmp", "#a.c#"]
)
def test_default_ignored_files(name):
    assert CaptureRules().ignored(f"{ROOT}/src/{name}")


@pytest.mark.parametrize(
    "path",
    [
        f"{ROOT}/src/app.py",
        f"{ROOT}/README.md",
        f"{ROOT}/building/plan.md",  # only the exact folder name is ignored
        f"{ROOT}/src/dist.py",  # a file named like an ignored folder
        f"{ROOT}/build",  # a file called build, not a folder
        f"{ROOT}/src/4913.py",
        f"{ROOT}/src/tmp.py",
        f"{ROOT}/.github/workflows/ci.yml",
    ],
)
def test_ordinary_saves_are_not_ignored(path):
    rules = CaptureRules()
    assert not rules.ignored(path)


def test_user_patterns_are_ignored_too():
    rules = CaptureRules(ignore=("*.min.js", "*/generated/*", "scratch*"))
    assert rules.ignored(f"{ROOT}/static/app.min.js")
    assert rules.ignored(f"{ROOT}/src/generated/models.py")
    assert rules.ignored(f"{ROOT}/scratch.txt")
    assert not rules.ignored(f"{ROOT}/static/app.js")
    assert not CaptureRules().ignored(f"{ROOT}/static/app.min.js")
    assert rules.ignored_dir("scratchpad")
    assert rules.ignored_dir("node_modules")
    assert not rules.ignored_dir("src")


def test_folder_names_above_the_watched_folder_do_not_count():
    """A project folder that happens to live below a folder named like a build or
    dependency folder (a client called Target, a build server's /srv/build) is watched as
    usual: only folders inside the watched folder are ignored."""
    rules = CaptureRules(
        folders=folders_of(
            [("/home/anna/clients/target/shop", ACME), ("/srv/build/acme-site", DOCS)]
        )
    )
    assert rules.project_for_path("/home/anna/clients/target/shop/src/app.py") == ACME
    assert not rules.ignored("/home/anna/clients/target/shop/src/app.py")
    assert not rules.ignored("/srv/build/acme-site/index.html")
    assert rules.ignored("/srv/build/acme-site/node_modules/x/index.js")


# --------------------------------------------------------------------------------------
# URL patterns
# --------------------------------------------------------------------------------------

GITHUB_ORG, ACME_SITE, GITHUB_ALL, ACME_DOCS = 11, 12, 13, 14


def test_a_path_pattern_matches_below_it_whatever_the_query_and_fragment():
    rules = CaptureRules(urls={"github.com/acme-co/*": GITHUB_ORG})
    assert rules.project_for_url("https://github.com/acme-co/x?y=1#z") == GITHUB_ORG
    assert rules.project_for_url("https://github.com/acme-co/site/pull/3/files") == GITHUB_ORG
    assert rules.project_for_url("http://github.com/acme-co") == GITHUB_ORG
    assert rules.project_for_url("https://github.com/acme-co/") == GITHUB_ORG
    assert rules.project_for_url("https://GitHub.COM/acme-co/x") == GITHUB_ORG
    assert rules.project_for_url("https://github.com/other/x") is None
    assert rules.project_for_url("https://github.com/acme-co-evil/x") is None
    assert rules.project_for_url("https://github.com/") is None
    assert rules.project_for_url("https://gist.github.com/acme-co/x") is None


def test_a_bare_domain_matches_it_and_its_subdomains_only():
    rules = CaptureRules(urls={"acme.com": ACME_SITE})
    for url in (
        "https://acme.com",
        "https://acme.com/pricing?plan=pro",
        "https://www.acme.com/",
        "http://intranet.eu.acme.com/wiki/Home",
        "https://WWW.ACME.COM/",
    ):
        assert rules.project_for_url(url) == ACME_SITE, url
    for url in (
        "https://notacme.com/",
        "https://acme.com.evil.io/",
        "https://acme.co/",
        "https://example.com/acme.com",
    ):
        assert rules.project_for_url(url) is None, url


def test_the_longest_matching_pattern_wins():
    rules = CaptureRules(
        urls={
            "github.com": GITHUB_ALL,
            "github.com/acme-co/*": GITHUB_ORG,
            "github.com/acme-co/docs/*": ACME_DOCS,
        }
    )
    assert rules.project_for_url("https://github.com/acme-co/docs/wiki") == ACME_DOCS
    assert rules.project_for_url("https://github.com/acme-co/site") == GITHUB_ORG
    assert rules.project_for_url("https://github.com/someone/else") == GITHUB_ALL
    reordered = CaptureRules(urls=dict(reversed(list(rules.urls.items()))))
    assert reordered.project_for_url("https://github.com/acme-co/docs/wiki") == ACME_DOCS


@pytest.mark.parametrize(
    "url",
    [
        "ftp://github.com/acme-co/x",
        "file:///home/anna/github.com/acme-co/x",
        "chrome://settings",
        "about:blank",
        "javascript:alert('acme.com')",
        "mailto:anna@acme.com",
        "view-source:https://acme.com/",
        "",
        "acme.com/pricing",
        "https:///no-host",
    ],
)
def test_non_http_urls_are_ignored(url):
    rules = CaptureRules(urls={"acme.com": ACME_SITE, "github.com/acme-co/*": GITHUB_ORG})
    assert clean_url(url) is None
    assert visit_record(url) is None
    assert rules.project_for_url(url) is None


def test_visit_record_drops_credentials_query_and_fragment():
    url = "https://anna:s3cret@github.com/acme-co/site/pull/7?token=abc123&tab=files#diff-1"
    stored = visit_record(url)
    assert stored == "https://github.com/acme-co/site/pull/7"
    for secret in ("anna", "s3cret", "token", "abc123", "#"):
        assert secret not in stored
    assert clean_url(url) == "github.com/acme-co/site/pull/7"


def test_visit_record_keeps_scheme_and_an_unusual_port_and_lowercases_the_host():
    assert visit_record("http://Acme.COM:8080/Admin/?q=1") == "http://acme.com:8080/Admin"
    assert visit_record("https://acme.com:443/a") == "https://acme.com/a"
    assert visit_record("https://acme.com") == "https://acme.com"
    assert visit_record("https://acme.com/?q=1") == "https://acme.com"


@pytest.mark.parametrize(
    "url", ["http://acme.com:99999/x", "http://acme.com:port/x", "https://[::1/x"]
)
def test_a_malformed_url_from_history_is_skipped_not_raised(url):
    """Browser history can hold anything a user typed; one bad row must not stop the import."""
    rules = CaptureRules(urls={"acme.com": ACME_SITE})
    assert rules.project_for_url(url) is None
    assert visit_record(url) is None
