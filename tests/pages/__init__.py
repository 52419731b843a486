"""The visitor pages through Django's test client, one module a page: fast, no browser, no network."""
