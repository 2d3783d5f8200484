#!/usr/bin/env python3
"""Opens every page of a built site in headless Chromium and checks that its maths was typeset:
each formula arithmatex marked became KaTeX output, none is a KaTeX error, and no TeX delimiter
is left in the text a reader sees. Exit 77 (skipped) without Chromium.
  check_maths.py SITE_DIR"""
import html.parser
import pathlib
import shutil
import subprocess
import sys

EMPTY_TAGS = {"br", "img", "input", "meta", "link", "hr", "path", "line", "rect", "source"}


class Page(html.parser.HTMLParser):
    """Counts formulas and typeset formulas, and collects the text outside code and maths."""

    def __init__(self):
        super().__init__()
        self.formulas = self.typeset = self.errors = 0
        self.open_tags = []  # (tag, whether its text is code or typeset maths)
        self.text = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        self.formulas += "arithmatex" in classes
        self.typeset += "katex" in classes
        self.errors += "katex-error" in classes
        if tag not in EMPTY_TAGS:
            hidden = tag in ("code", "pre", "script", "style") or "katex" in classes
            self.open_tags.append((tag, hidden))

    def handle_endtag(self, tag):
        while self.open_tags and self.open_tags.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if not any(hidden for _, hidden in self.open_tags):
            self.text.append(data)


def problems_of(page_path, browser):
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          page_path.as_uri()], capture_output=True, text=True, timeout=120).stdout
    page = Page()
    page.feed(dom)
    text = "".join(page.text)
    problems = []
    if page.typeset < page.formulas:
        problems.append(f"{page.formulas} formulas, but KaTeX typeset only {page.typeset}")
    if page.errors:
        problems.append(f"KaTeX could not parse {page.errors} formulas")
    for delimiter in ("\\(", "\\[", "$$"):
        if delimiter in text:
            at = text.index(delimiter)
            problems.append(f"unrendered TeX in the text: {text[at:at + 60]!r}")
    return page.formulas, problems


def main():
    site = pathlib.Path(sys.argv[1]).resolve()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("skipped: the maths check needs Chromium (apt-get install chromium)")
        return 77
    total, failed = 0, False
    for page_path in sorted(site.glob("**/*.html")):
        if "katex" in page_path.parts:
            continue
        formulas, problems = problems_of(page_path, browser)
        total += formulas
        for problem in problems:
            print(f"check_maths: {page_path.relative_to(site)}: {problem}", file=sys.stderr)
            failed = True
    if total == 0:
        print("check_maths: no formulas in the site: is pymdownx.arithmatex on?", file=sys.stderr)
        return 1
    if failed:
        return 1
    print(f"check_maths: {total} formulas typeset")
    return 0


sys.exit(main())
