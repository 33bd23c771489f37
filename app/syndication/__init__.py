"""Syndication: feeds (RSS, Atom, JSON Feed), sitemaps, the partner sync feed and webhooks."""
