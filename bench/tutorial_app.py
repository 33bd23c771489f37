"""The baseline of issue 7: the articles API written the way the FastAPI and SQLModel tutorials teach.

    DATABASE_URL=sqlite:///bench/data/bench-10000.db uvicorn bench.tutorial_app:app

Sync `def` routes, a `Session` dependency, table models with lazy-loaded relationships, `response_model`
read models that include those relationships, and `offset`/`limit` pagination. It reads the tables our
migrations create (a database `bench.generate` filled) and never writes. Honest tutorial code: nothing
here is slowed down on purpose, and nothing is tuned. Its models live in their own registry, so importing
this module next to `app.models` does not redefine their tables."""

import os
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query
from sqlalchemy.orm import registry
from sqlmodel import JSON, Column, Field, Relationship, Session, SQLModel, create_engine, select

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///bench/data/bench-10000.db")
connect_args = {"check_same_thread": False} if DATABASE_URL.startswith("sqlite") else {}
engine = create_engine(DATABASE_URL, connect_args=connect_args)


class TutorialModel(SQLModel, registry=registry()):
    pass


class ArticleTagLink(TutorialModel, table=True):
    __tablename__ = "articletag"

    article_id: int | None = Field(default=None, foreign_key="article.id", primary_key=True)
    tag_id: int | None = Field(default=None, foreign_key="tag.id", primary_key=True)


class ArticleAuthorLink(TutorialModel, table=True):
    __tablename__ = "articleauthor"

    article_id: int | None = Field(default=None, foreign_key="article.id", primary_key=True)
    author_id: int | None = Field(default=None, foreign_key="author.id", primary_key=True)


class CategoryBase(TutorialModel):
    slug: str = Field(index=True)
    name: str
    description: str | None = None


class Category(CategoryBase, table=True):
    id: int | None = Field(default=None, primary_key=True)

    articles: list["Article"] = Relationship(back_populates="category")


class CategoryPublic(CategoryBase):
    id: int


class TagBase(TutorialModel):
    slug: str = Field(index=True)
    name: str


class Tag(TagBase, table=True):
    id: int | None = Field(default=None, primary_key=True)

    articles: list["Article"] = Relationship(back_populates="tags", link_model=ArticleTagLink)


class TagPublic(TagBase):
    id: int


class AuthorBase(TutorialModel):
    slug: str = Field(index=True)
    name: str
    bio: str | None = None
    avatar_url: str | None = None


class Author(AuthorBase, table=True):
    id: int | None = Field(default=None, primary_key=True)

    articles: list["Article"] = Relationship(back_populates="authors", link_model=ArticleAuthorLink)


class AuthorPublic(AuthorBase):
    id: int


class BlockBase(TutorialModel):
    position: int
    type: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    table_id: int | None = None
    timeline_id: int | None = None


class ArticleBlock(BlockBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id")

    article: "Article" = Relationship(back_populates="blocks")


class BlockPublic(BlockBase):
    pass


class ArticleBase(TutorialModel):
    slug: str = Field(index=True, unique=True)
    title: str
    focus_keyword: str | None = None
    standfirst: str | None = None
    language: str = "en"
    canonical_url: str | None = None
    seo_title: str | None = None
    seo_description: str | None = None
    status: str = "draft"
    published_at: datetime | None = None
    updated_at: datetime
    hero_image: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    word_count: int = 0
    reading_time_minutes: int = 0


class Article(ArticleBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="category.id")

    category: Category = Relationship(back_populates="articles")
    tags: list[Tag] = Relationship(back_populates="articles", link_model=ArticleTagLink)
    authors: list[Author] = Relationship(back_populates="articles", link_model=ArticleAuthorLink)
    blocks: list[ArticleBlock] = Relationship(
        back_populates="article", sa_relationship_kwargs={"order_by": "ArticleBlock.position"}
    )


class ArticlePublic(ArticleBase):
    id: int


class ArticlePublicWithTags(ArticlePublic):
    category: CategoryPublic
    tags: list[TagPublic] = []
    authors: list[AuthorPublic] = []


class ArticlePublicWithBody(ArticlePublicWithTags):
    blocks: list[BlockPublic] = []


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]

app = FastAPI()


@app.get("/articles", response_model=list[ArticlePublicWithTags])
def read_articles(
    session: SessionDep,
    category: str | None = None,
    offset: int = 0,
    limit: Annotated[int, Query(le=100)] = 20,
) -> Any:
    statement = select(Article).where(Article.status == "published")
    if category:
        statement = statement.join(Category).where(Category.slug == category)
    statement = statement.order_by(Article.published_at.desc()).offset(offset).limit(limit)  # type: ignore[union-attr]
    return session.exec(statement).all()


@app.get("/articles/{slug}", response_model=ArticlePublicWithBody)
def read_article(slug: str, session: SessionDep) -> Any:
    article = session.exec(select(Article).where(Article.slug == slug)).first()
    if not article or article.status != "published":
        raise HTTPException(status_code=404, detail="Article not found")
    return article
