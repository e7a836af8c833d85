"""Source adapters: HTTP fetching, feeds, pages."""
