"""Mail: the outbox, rendering, delivery, calendar (.ics) files, the mail templates and the outbox admin API."""
