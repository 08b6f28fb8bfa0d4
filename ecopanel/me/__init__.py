"""An expert's own page (``/me``): upcoming and past panels, their record (confirm it, edit contact details and
language), unavailability, declared conflicts, and a personal calendar feed."""
