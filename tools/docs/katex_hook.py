"""mkdocs hook: serve KaTeX from Debian's libjs-katex, so the course's maths renders offline."""
import pathlib
import shutil

KATEX = pathlib.Path("/usr/share/javascript/katex")


def on_post_build(config, **kwargs):
    if not (KATEX / "katex.min.js").exists():
        raise SystemExit(f"katex_hook: {KATEX}/katex.min.js is missing: apt-get install libjs-katex")
    shutil.copytree(KATEX, pathlib.Path(config["site_dir"]) / "katex", dirs_exist_ok=True)
