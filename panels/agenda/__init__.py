"""The staff's calendar of meetings: ``/calendar`` (a month of every meeting the viewer may see, filters, counts,
an agenda list) and a personal iCalendar feed of the same meetings; the public feed route serves the experts'
feeds and the staff's alike (``feed_pages``)."""
