"""What the lesson's website adds to Sphinx and myst-nb (loaded by website/conf.py).

- Figures drawn by ipympl reach the page as its HTML fallback, an ``<img>`` without alt
  text; this gives each one the alt text written in its cell's ``mystnb.image.alt``
  metadata, which myst-nb applies only to PNG outputs.
- On the episode pages, the first use of each glossary term links to the glossary, so the
  Markdown episodes need no Sphinx-only syntax and still render in JupyterLab. A term in
  bold (where the episode introduces it) is preferred to an earlier plain use.
- The threshold, adaptive and root-mass explorers run in the page (``live_explorers.py``
  and ``static/explorers.js``); episode 7's stroke drawing (``stackview.annotate``)
  needs a kernel, and a note where it would be says that painting needs the notebook.
- A solution's code cells (tagged ``solution`` and ``hide-input``) fold away with their
  outputs, behind "Show the solution" (myst-nb's ``hide-cell``): a folded code cell whose
  figure or numbers show would give the answer away. Each fold names the solution once:
  the bold "Solution" line that labels a hidden code cell in the notebook is left off.
- The home page's title is the site's title, not "Image thresholding — Image thresholding".
"""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

#: Glossary entries too common as plain words to link automatically.
NOT_LINKED = {"mask", "opening", "closing", "pixel", "dtype", "background", "foreground"}
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)", re.IGNORECASE)
#: Where a glossary link would not belong.
_SKIP = (nodes.FixedTextElement, nodes.literal, nodes.reference, nodes.title, nodes.raw,
         nodes.term, nodes.image)  # fmt: skip


def add_alt_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give the ``<img>`` of every HTML cell output its cell's alt text.

    Cells are found from the top down: myst-nb's ``hide-cell`` wraps a solution's children in
    a node whose parent it does not set, so walking up from an output would not reach its cell.
    """
    for cell in list(doctree.findall(nodes.container)):
        metadata = cell.get("cell_metadata")
        alt = str((metadata or {}).get("mystnb", {}).get("image", {}).get("alt", "")).strip()
        if not alt:
            continue
        for raw in list(cell.findall(nodes.raw)):
            if raw.get("format") != "html" or "<img" not in raw.astext():
                continue
            text = _IMG_WITHOUT_ALT.sub(f'<img alt="{html.escape(alt, quote=True)}"', raw.astext())
            raw.replace_self(nodes.raw("", text, format="html", classes=raw.get("classes", [])))


def _eligible(text: nodes.Text) -> bool:
    node = text.parent
    while node is not None:
        if isinstance(node, _SKIP):  # code and printed output are literal blocks
            return False
        node = node.parent
    return True


def link_glossary_terms(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Link the first use of each glossary term on an episode page to its entry."""
    if not docname.startswith("episodes/"):
        return
    terms = {  # the glossary's terms, by the standard domain's documented get_objects()
        name.lower(): (target_doc, label)
        for name, _, kind, target_doc, label, _ in app.env.get_domain("std").get_objects()
        if kind == "term" and name.lower() not in NOT_LINKED
    }
    if not terms:
        return
    names = sorted(terms, key=len, reverse=True)  # "binary mask" before "mask"
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")(?:s|es)?\b", re.I)
    linked: set[str] = set()
    texts = [text for text in doctree.findall(nodes.Text) if _eligible(text)]
    in_bold = [text for text in texts if isinstance(text.parent, nodes.strong)]
    for text in in_bold + [text for text in texts if text not in in_bold]:
        parent, remaining, pieces = text.parent, str(text), []
        while True:
            match = next(
                (m for m in pattern.finditer(remaining) if m.group(1).lower() not in linked), None
            )
            if match is None:
                break
            term = match.group(1).lower()
            linked.add(term)
            target_doc, label = terms[term]
            uri = app.builder.get_relative_uri(docname, target_doc) + "#" + label
            pieces.append(nodes.Text(remaining[: match.start()]))
            reference = nodes.reference("", "", internal=True, refuri=uri, reftitle=term)
            reference["classes"].append("glossary-link")
            reference.append(nodes.Text(match.group(0)))
            pieces.append(reference)
            remaining = remaining[match.end() :]
        if pieces:
            pieces.append(nodes.Text(remaining))
            parent.replace(text, pieces)


def _is_solution_label(node: nodes.Node) -> bool:
    """Whether ``node`` is a paragraph that says only **Solution**."""
    if not isinstance(node, nodes.paragraph) or node.astext().strip() != "Solution":
        return False
    return [type(child) for child in node.children if child.astext().strip()] == [nodes.strong]


#: A solution's code cell in an episode's MyST text: its tags, with hide-input.
_SOLUTION_TAGS = re.compile(r"^(tags: \[solution, )hide-input", re.MULTILINE)


def fold_solutions(app: Sphinx, docname: str, source: list[str]) -> None:
    """Fold a solution's code cell with its outputs: a folded cell whose figure or numbers
    show would give the answer away. myst-nb's documented ``hide-cell`` tag does it (with the
    prompts ``nb_code_prompt_show`` and ``nb_code_prompt_hide`` in conf.py); the episodes
    keep ``hide-input``, which JupyterLab users know."""
    if docname.startswith("episodes/"):
        source[0] = _SOLUTION_TAGS.sub(r"\1hide-cell", source[0])


def drop_solution_labels(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Leave off the bold "Solution" line that labels a hidden code cell in the notebook:
    each fold says "solution" itself."""
    for label in list(doctree.findall(_is_solution_label)):
        label.parent.remove(label)


#: Under a widget that needs a kernel, which the website has not: where it runs.
NOTEBOOK_ONLY = {
    "stackview.annotate(": "On this website there is no kernel to paint into: to draw "
    "strokes and train the forest on them, open the episode as a notebook in JupyterLab "
    "(make lab).",
}


def note_notebook_only_explorers(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Say under a picture of an explorer that only the notebook runs it."""
    cells = [node for node in doctree.findall(nodes.container) if "cell" in node["classes"]]
    for node in cells:  # a notebook cell: its code and outputs (the page's "cell" boxes)
        source = "".join(child.astext() for child in node.findall(nodes.literal_block))
        for call, text in NOTEBOOK_ONLY.items():
            if call in source:
                note = nodes.paragraph("", "", nodes.emphasis("", text), classes=["site-note"])
                node.parent.insert(node.parent.index(node) + 1, note)


def refuse_math(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Stop the build on a page with equations: MathJax would have to come from a CDN."""
    if context.get("has_maths_elements"):
        raise ExtensionError(
            f"{pagename} has math, but the offline site bundles no MathJax: write the "
            "formula as code (`w0 * w1 * (m0 - m1) ** 2`) or bundle MathJax locally."
        )


def title_once(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Leave the site's title off the browser title of a page that has the same title.

    Sphinx's layout appends `` — {docstitle}`` to every page's ``<title>``; the theme shows
    the site's title from its ``logo.text`` option (website/conf.py), not from docstitle.
    """
    if context.get("title") == context.get("docstitle"):
        context["docstitle"] = ""


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def drop_widget_state(app: Sphinx, pagename: str, templatename: str, context: dict, doctree):
    """Leave off the page the widgets' saved state that myst-nb adds as a script: no widget
    JavaScript reads it (conf.py loads none; the live explorers carry their own data), and it
    weighed as much as the rest of a page. Runs after myst-nb's handler adds it."""
    scripts = context.get("script_files", [])
    kept = [
        script
        for script in scripts
        if getattr(script, "attributes", {}).get("type") != WIDGET_STATE
    ]
    context["script_files"] = kept


def execute_in_the_builds_own_folder(app: Sphinx) -> None:
    """Give the temporary folders the episodes run in (``nb_execution_in_temp``) a parent of
    this build's own, beside its output: an episode writes to ``../results/``, which in the
    system's temporary folder (``/tmp/results``) two builds at once, or a build and the
    tests, would share; one read the other's CSV. The standard library's documented
    ``tempfile.tempdir`` sets where myst-nb's temporary folders go."""
    folder = Path(app.outdir).parent / "execution"
    folder.mkdir(parents=True, exist_ok=True)
    tempfile.tempdir = str(folder)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", execute_in_the_builds_own_folder)
    app.connect("source-read", fold_solutions)
    app.connect("doctree-resolved", drop_solution_labels)
    app.connect("html-page-context", refuse_math)
    app.connect("html-page-context", title_once)
    app.connect("html-page-context", drop_widget_state, priority=900)
    app.connect("doctree-resolved", add_alt_text)
    app.connect("doctree-resolved", link_glossary_terms)
    app.connect("doctree-resolved", note_notebook_only_explorers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
