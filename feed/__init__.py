"""The live feed: what every stage may announce, and how records become JSON-ready fields."""

from feed.models import FeedEntry, FeedRepository
from feed.records import plain, record

__all__ = ["FeedEntry", "FeedRepository", "plain", "record"]
