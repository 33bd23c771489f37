"""The home page: one section per category with its latest articles."""

from pydantic import BaseModel

from app.articles.models import ArticleSummary
from app.taxonomy.models import CategoryPublic


class HomeSection(BaseModel):
    category: CategoryPublic
    articles: list[ArticleSummary]


class HomePage(BaseModel):
    sections: list[HomeSection]
