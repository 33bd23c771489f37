// The reference frontend: hash routes (#/, #/category/<slug>, #/article/<slug>), each part of the page
// loaded on its own, so a failing call shows a note in its place and the rest keeps working.

import { API, ApiError, getJSON, postJSON } from "./api.js";
import { block, card, errorNote, h, hero, longDate, time } from "./render.js";

const main = document.getElementById("main");
const trendingSlot = document.querySelector("#trending .slot");
let categories = null; // loaded once: the navigation and the newsletter topics

function show(target, ...nodes) {
  target.replaceChildren(...nodes);
  target.removeAttribute("aria-busy");
}

function loading(target) {
  target.setAttribute("aria-busy", "true");
  target.replaceChildren(h("p", { class: "loading" }, "Loading…"));
}

function asError(error) {
  return error instanceof ApiError ? error : new ApiError(0, "Error", String(error && error.message));
}

// --- sections: the navigation and the newsletter topics --------------------------------------------

async function loadCategories() {
  const nav = document.getElementById("sections");
  try {
    categories = (await getJSON("/v1/categories?limit=100")).items;
  } catch (error) {
    nav.replaceChildren(h("span", { class: "nav-error" }, "Sections unavailable"));
    return;
  }
  nav.replaceChildren(
    h("ul", {}, categories.map((c) => h("li", {}, h("a", { href: `#/category/${encodeURIComponent(c.slug)}` }, c.name)))),
  );
  const topics = document.getElementById("newsletter-topics");
  topics.append(
    ...categories.map((c) =>
      h("label", { class: "topic" }, h("input", { type: "checkbox", name: "topics", value: c.slug }), ` ${c.name}`),
    ),
  );
  topics.hidden = false;
}

// --- the sidebar ------------------------------------------------------------------------------------

async function trendingItems() {
  try {
    return (await getJSON("/v1/lists/top-trending?limit=5")).items;
  } catch {
    return (await getJSON("/v1/trending?limit=5")).items; // the list may not exist on this server
  }
}

async function loadTrending() {
  loading(trendingSlot);
  try {
    const items = await trendingItems();
    show(
      trendingSlot,
      items.length
        ? h(
            "ol",
            { class: "trending" },
            items.map((item) => h("li", {}, h("a", { href: `#/article/${encodeURIComponent(item.article.slug)}` }, item.article.title))),
          )
        : h("p", { class: "empty" }, "Nothing is trending right now."),
    );
  } catch (error) {
    show(trendingSlot, errorNote(asError(error), "Trending articles"));
  }
}

// --- pages --------------------------------------------------------------------------------------------

async function homePage() {
  document.title = "Broadsheet";
  loading(main);
  try {
    const home = await getJSON("/v1/home?per_section=4");
    const sections = home.sections.filter((section) => section.articles.length);
    show(
      main,
      h("h1", { class: "visually-hidden" }, "Broadsheet: the front page"),
      ...sections.map((section) =>
        h(
          "section",
          { class: "home-section", "aria-labelledby": `section-${section.category.slug}` },
          h(
            "h2",
            { id: `section-${section.category.slug}` },
            h("a", { href: `#/category/${encodeURIComponent(section.category.slug)}` }, section.category.name),
          ),
          h("div", { class: "cards" }, section.articles.map((summary) => card(summary))),
        ),
      ),
    );
  } catch (error) {
    show(main, errorNote(asError(error), "The front page"));
  }
}

async function categoryPage(slug) {
  loading(main);
  try {
    const [category, articles] = await Promise.all([
      getJSON(`/v1/categories/${encodeURIComponent(slug)}`),
      getJSON(`/v1/articles?category=${encodeURIComponent(slug)}&limit=20`),
    ]);
    document.title = `${category.name} · Broadsheet`;
    show(
      main,
      h("h1", {}, category.name),
      category.description ? h("p", { class: "standfirst" }, category.description) : null,
      articles.items.length
        ? h("div", { class: "cards" }, articles.items.map((summary) => card(summary)))
        : h("p", { class: "empty" }, "No articles in this section yet."),
    );
  } catch (error) {
    show(main, errorNote(asError(error), "Section"), h("p", {}, h("a", { href: "#/" }, "Back to the front page")));
  }
}

function sessionId() {
  const key = "broadsheet-demo-session";
  try {
    let id = window.localStorage.getItem(key);
    if (!id) {
      id = crypto.randomUUID();
      window.localStorage.setItem(key, id);
    }
    return id;
  } catch {
    return undefined; // storage blocked: the view still counts, without de-duplication
  }
}

function countView(slug) {
  // keepalive: the event is delivered even when the reader moves on at once
  postJSON("/v1/events/views", { article: slug, session: sessionId() }, { keepalive: true }).catch(() => {});
}

function byline(article) {
  const names = article.authors.map((author) => author.name);
  return h(
    "p",
    { class: "byline" },
    names.length ? `By ${names.join(" and ")} · ` : "",
    time(article.published_at),
    article.updated_at !== article.published_at ? [" · updated ", time(article.updated_at)] : null,
    ` · ${article.reading_time_minutes} min read`,
  );
}

async function related(slug) {
  const slot = h("div", { class: "slot" }, h("p", { class: "loading" }, "Loading…"));
  const section = h("section", { class: "related", "aria-labelledby": "related-title" }, h("h2", { id: "related-title" }, "Related Articles"), slot);
  getJSON(`/v1/articles/${encodeURIComponent(slug)}/related?limit=4`)
    .then((page) =>
      show(
        slot,
        page.items.length
          ? h("div", { class: "cards related-cards" }, page.items.map((summary) => card(summary, { standfirst: false })))
          : h("p", { class: "empty" }, "No related articles yet."),
      ),
    )
    .catch((error) => show(slot, errorNote(asError(error), "Related articles")));
  return section;
}

async function articlePage(slug) {
  loading(main);
  let article;
  try {
    article = await getJSON(`/v1/articles/${encodeURIComponent(slug)}`);
  } catch (error) {
    document.title = "Not found · Broadsheet";
    show(main, errorNote(asError(error), "Article"), h("p", {}, h("a", { href: "#/" }, "Back to the front page")));
    return;
  }
  if (article.slug !== slug) {
    // an old slug: the API redirected to the article's current one
    window.history.replaceState(null, "", `#/article/${encodeURIComponent(article.slug)}`);
  }
  document.title = `${article.seo?.title || article.title} · Broadsheet`;
  const corrections = article.corrections || [];
  show(
    main,
    h(
      "article",
      { class: "story", "data-slug": article.slug },
      h(
        "header",
        {},
        h("p", { class: "kicker" }, h("a", { href: `#/category/${encodeURIComponent(article.category.slug)}` }, article.category.name)),
        h("h1", {}, article.title),
        article.standfirst ? h("p", { class: "standfirst" }, article.standfirst) : null,
        byline(article),
      ),
      hero(article.hero_image),
      h("div", { class: "body" }, article.blocks.map(block)),
      corrections.length
        ? h(
            "section",
            { class: "corrections" },
            h("h2", {}, "Corrections"),
            h("ul", {}, corrections.map((c) => h("li", {}, c.at ? [time(c.at), ": "] : null, c.note))),
          )
        : null,
      article.tags.length
        ? h("ul", { class: "tags", "aria-label": "Tags" }, article.tags.map((tag) => h("li", {}, tag.name)))
        : null,
    ),
    await related(article.slug),
  );
  countView(article.slug);
}

async function confirmPage(token) {
  document.title = "Newsletter · Broadsheet";
  loading(main);
  try {
    await postJSON("/v1/newsletter/confirm", { token });
    show(main, h("h1", {}, "Subscription confirmed"), h("p", { class: "confirmed" }, "Thank you: the newsletter is on its way from the next issue."));
  } catch (error) {
    const e = asError(error);
    const detail = e.status === 404 || e.status === 410 ? e.detail : "Please try the link again later.";
    show(main, h("h1", {}, "This link did not work"), h("p", { class: "error", role: "alert" }, detail));
  }
}

// --- the newsletter form -------------------------------------------------------------------------------

function setUpNewsletter() {
  const form = document.getElementById("newsletter-form");
  const status = document.getElementById("newsletter-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = form.elements.email.value.trim();
    if (!email) {
      status.textContent = "Please enter your email address.";
      return;
    }
    const topics = [...form.querySelectorAll('input[name="topics"]:checked')].map((input) => input.value);
    const button = form.querySelector("button");
    button.disabled = true;
    status.textContent = "Sending…";
    try {
      await postJSON("/v1/newsletter/subscriptions", { email, topics, source: "web" });
      form.replaceChildren(
        h("p", { class: "thanks", role: "status" }, "Thank you! Check your inbox: we sent you a link to confirm your subscription."),
      );
    } catch (error) {
      const e = asError(error);
      if (e.status === 422) status.textContent = `Please check the address: ${e.detail || "it was not accepted."}`;
      else if (e.status === 429) status.textContent = `Too many attempts; please try again in ${e.retryAfter || 60} seconds.`;
      else status.textContent = "The subscription could not be sent; please try again later.";
      button.disabled = false;
    }
  });
}

// --- routing ------------------------------------------------------------------------------------------

function route() {
  const path = window.location.hash.replace(/^#/, "") || "/";
  const [, kind, rest] = path.match(/^\/([a-z]+)\/(.+)$/) || [];
  const value = rest ? decodeURIComponent(rest) : "";
  if (kind === "article") return articlePage(value);
  if (kind === "category") return categoryPage(value);
  if (path.startsWith("/newsletter/confirm/")) return confirmPage(decodeURIComponent(path.slice("/newsletter/confirm/".length)));
  return homePage();
}

async function navigate() {
  window.scrollTo(0, 0);
  await route();
  main.focus({ preventScroll: true });
}

document.getElementById("api-base").textContent = API;
setUpNewsletter();
window.addEventListener("hashchange", navigate);
loadCategories();
loadTrending();
navigate();

// exposed for tests and the curious: when the page last rendered, and from where
window.broadsheet = { api: API, longDate };
