"""handoutpress: turn handout YAML and gettext catalogs into accessible, large-print, tagged PDFs.

The stages live in one module each and are meant to be read in this order:
content -> extract -> catalogs -> translate -> fonts -> render -> tagging -> booklet -> build -> site
-> checks -> cli.
"""

__version__ = "0.1.0"
