"""Pages of a list: the page shown is always one that exists ("3 / 1" cannot happen)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import request, url_for


@dataclass(frozen=True)
class Pager:
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def first_row(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.page_size + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.page * self.page_size)

    def clamped(self) -> Pager:
        """This pager moved onto the last page that exists (a stale link, a filter that shrank the list)."""
        return Pager(min(max(1, self.page), self.pages), self.page_size, self.total)

    def url(self, page: int) -> str:
        """The current list's address with another page, every other parameter kept."""
        args = {key: request.args.getlist(key) for key in request.args if key not in ("page", "lang")}
        return url_for(request.endpoint, **(request.view_args or {}), **args, page=page)
