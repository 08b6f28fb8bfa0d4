"""Measuring a page's width once its stylesheets apply.

A form's redirect or a click can hand control back while the new page's stylesheets are still loading; measured
then, an unstyled line (a meeting's place, kept on one line by the base style) overflows a phone by a few dozen
pixels in one run out of several. Every measurement waits for the page's load event first."""

from __future__ import annotations


def scroll_width(page) -> int:
    """The document's width in CSS pixels (what a reader scrolls sideways over), the page fully styled."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def fits(page) -> bool:
    """Nothing wider than the viewport."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
