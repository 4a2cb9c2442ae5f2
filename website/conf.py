"""Sphinx configuration of the lesson's website: ``make site`` builds it into ``_build/site``.

The source folder is the repository itself (``sphinx-build -c website . _build/site``), so
the episodes, the instructor notes and the figures are used where they are, their relative
links keep working, and a new ``episodes/NN-*.md`` appears on the site by itself. Every
episode is executed at build time; nothing is fetched from the network, at build time or
when a page is opened.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# website/ is a package of the repository: Sphinx, and the kernels that execute the
# episodes (see below), import its modules as website.<name> from the repository's root.
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

project = "Image thresholding"
author = "Thresholding lesson contributors"
copyright = "Thresholding lesson contributors; text and figures CC BY 4.0, code MIT"

extensions = ["myst_nb", "website.lesson_site"]

root_doc = "website/index"
include_patterns = ["website/*.md", "episodes/[0-9]*.md", "instructors/*.md"]
# Folders that hold no pages; leaving them out also keeps Sphinx from walking .venv.
exclude_patterns = [
    ".*",
    "_build",
    "build",
    "benchmarks",
    "data",
    "fig",
    "helpers",
    "learner",
    "tests",
    "**/.ipynb_checkpoints",
]

# MyST and notebooks -------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "force"
# each episode in a fresh folder; they write to ../results/, beside it, which
# lesson_site.execute_in_the_builds_own_folder keeps inside this build's own folder
nb_execution_in_temp = True
nb_execution_raise_on_error = True
nb_execution_show_tb = True
# The only hidden cells are solutions (lesson_site.fold_solutions folds them with outputs).
nb_code_prompt_show = "Show the solution"
nb_code_prompt_hide = "Hide the solution"
nb_execution_timeout = 300
# Widgets as static pictures: load no widget JavaScript (it comes from a CDN) and prefer
# ipympl's PNG fallback to the live widget view.
nb_ipywidgets_js = {}
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
# ...except the explorers, which the page rebuilds from their pixels and runs itself: the
# kernels that execute the episodes run kernel_startup.py first (see live_explorers.py).
os.environ["PYTHONSTARTUP"] = str(HERE / "kernel_startup.py")

# HTML ---------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Image thresholding"
html_static_path = ["static"]
html_css_files = ["lesson.css"]
html_js_files = ["explorers.js"]
html_extra_path = ["extra"]  # index.html at the top of the site, pointing to the home page
html_last_updated_fmt = None
html_theme_options = {
    # The site's title above the navigation already links to the home page.
    "home_page_in_toc": False,
    # The site's title above the navigation (lesson_site.title_once relies on this).
    "logo": {"text": project},
    # No top bar: pydata-sphinx-theme 0.20 puts a search field there unless this is set,
    # a second one next to sphinx-book-theme's in the sidebar (the article header keeps
    # a search button for narrow screens, where the sidebar is folded away).
    "navbar_persistent": [],
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
}
# Follow the reader's system setting. Without a default the theme starts from an empty
# mode and logs "Got invalid theme mode" on every page.
html_context = {"default_mode": "auto"}
html_show_sourcelink = False
# No MathJax: the lesson has no equations, and MathJax would come from a CDN. This local
# name is never loaded: lesson_site fails the build on a page with math (Sphinx would add
# the script only there).
mathjax_path = "mathjax-is-not-bundled.js"
