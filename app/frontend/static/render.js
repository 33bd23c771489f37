// DOM building: every text goes in as text; the API's inline HTML is rebuilt from an allowlist.

/** An element with attributes (`class`, `href`, ...; null values are left out) and children. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const INLINE = new Set(["A", "EM", "STRONG", "B", "I", "BR", "CODE", "SUB", "SUP"]);
const SAFE_LINK = /^(https?:|mailto:)/i;

/** Paragraph HTML (already sanitized by the API with nh3) parsed inertly and copied through an
 * allowlist of inline elements: nothing it contains can run, load or style anything. */
export function inlineHTML(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const fragment = document.createDocumentFragment();
  const copy = (source, target) => {
    for (const node of source.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.append(node.textContent);
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        if (!INLINE.has(node.tagName)) {
          copy(node, target); // keep the text, drop the element
          continue;
        }
        const clean = document.createElement(node.tagName.toLowerCase());
        if (node.tagName === "A") {
          const href = node.getAttribute("href") || "";
          if (SAFE_LINK.test(href.trim())) clean.setAttribute("href", href.trim());
          if (node.getAttribute("title")) clean.setAttribute("title", node.getAttribute("title"));
          clean.setAttribute("rel", "noopener noreferrer");
        }
        copy(node, clean);
        target.append(clean);
      }
    }
  };
  copy(parsed.body, fragment);
  return fragment;
}

const LONG_DATE = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" });

export function longDate(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : LONG_DATE.format(date);
}

export function time(iso, text = longDate(iso)) {
  return h("time", { datetime: iso }, text);
}

export function articleLink(summary) {
  return `#/article/${encodeURIComponent(summary.slug)}`;
}

/** A list entry for an article summary: title, standfirst, date and reading time. */
export function card(summary, { standfirst = true } = {}) {
  return h(
    "article",
    { class: "card" },
    h("h3", {}, h("a", { href: articleLink(summary) }, summary.title)),
    standfirst && summary.standfirst ? h("p", { class: "standfirst" }, summary.standfirst) : null,
    h(
      "p",
      { class: "meta" },
      time(summary.published_at),
      summary.reading_time_minutes ? ` · ${summary.reading_time_minutes} min read` : "",
    ),
  );
}

/** A readable note in place of a section that could not be loaded. */
export function errorNote(error, what) {
  const notFound = error.status === 404;
  const title = notFound ? `${what} not found` : `${what} could not be loaded`;
  let detail = error.detail || error.message || "";
  if (error.status === 429 && error.retryAfter) detail = `Too many requests; try again in ${error.retryAfter} s.`;
  return h(
    "div",
    { class: "error", role: "alert", "data-status": error.status ?? 0 },
    h("p", { class: "error-title" }, title),
    detail ? h("p", {}, detail) : null,
  );
}

function cell(value, column) {
  if (value === null || value === undefined || value === "") return h("span", { class: "empty" }, "—");
  switch (column.type) {
    case "number":
      return typeof value === "number" ? value.toLocaleString("en-GB") : String(value);
    case "date":
      return time(String(value));
    case "link":
      return SAFE_LINK.test(String(value)) ? h("a", { href: String(value), rel: "noopener noreferrer" }, String(value)) : String(value);
    default:
      return String(value);
  }
}

/** A theme table as a real table: caption, column headers, and each row's first cell as its header. */
export function table(data) {
  const head = h(
    "thead",
    {},
    h("tr", {}, data.columns.map((column) => h("th", { scope: "col", class: `type-${column.type}` }, column.label))),
  );
  const body = h(
    "tbody",
    {},
    data.rows.map((row) =>
      h(
        "tr",
        {},
        row.map((value, index) => {
          const column = data.columns[index] || { type: "text" };
          const attrs = { class: `type-${column.type}` };
          return index === 0 ? h("th", { scope: "row", ...attrs }, cell(value, column)) : h("td", attrs, cell(value, column));
        }),
      ),
    ),
  );
  return h(
    "figure",
    { class: "theme-table", id: `table-${data.id}` },
    h("div", { class: "table-scroll" }, h("table", {}, h("caption", {}, data.title), head, body)),
    data.caption ? h("figcaption", {}, data.caption) : null,
  );
}

function eventTime(event) {
  const iso = event.precision === "year" ? event.date.slice(0, 4) : event.precision === "month" ? event.date.slice(0, 7) : event.date;
  return h("time", { datetime: iso }, event.label);
}

/** A timeline as an ordered list of dated events, with its table form (when it has one) on demand. */
export function timeline(data, asTable) {
  const headingId = `timeline-${data.id}`;
  return h(
    "section",
    { class: "timeline", "aria-labelledby": headingId },
    h("h3", { id: headingId }, data.title),
    data.description ? h("p", { class: "timeline-description" }, data.description) : null,
    h(
      "ol",
      { class: "timeline-events" },
      data.events.map((event) =>
        h(
          "li",
          { class: "timeline-event" },
          eventTime(event),
          h("p", { class: "milestone" }, event.milestone),
          event.what_changed ? h("p", { class: "what-changed" }, event.what_changed) : null,
        ),
      ),
    ),
    asTable ? h("details", { class: "as-table" }, h("summary", {}, "Show this timeline as a table"), table(asTable)) : null,
  );
}

function image(block) {
  const img = h("img", { src: block.url, alt: block.alt, width: block.width, height: block.height, loading: "lazy" });
  const figure = h(
    "figure",
    { class: "image" },
    img,
    block.caption || block.credit
      ? h("figcaption", {}, block.caption || "", block.credit ? h("span", { class: "credit" }, ` ${block.credit}`) : null)
      : null,
  );
  img.addEventListener("error", () => figure.classList.add("image-missing"));
  return figure;
}

/** One body block, by its type; an unknown type is skipped rather than breaking the page. */
export function block(data) {
  switch (data.type) {
    case "heading":
      return h(`h${Math.min(Math.max(data.level || 2, 2), 6)}`, {}, data.text);
    case "paragraph":
      return h("p", {}, inlineHTML(data.html));
    case "list":
      return h(data.ordered ? "ol" : "ul", {}, data.items.map((item) => h("li", {}, item)));
    case "quote":
      return h(
        "blockquote",
        {},
        h("p", {}, data.text),
        data.attribution ? h("footer", {}, h("cite", {}, data.attribution)) : null,
      );
    case "image":
      return image(data);
    case "table":
      return table(data.table);
    case "timeline":
      return timeline(data.timeline, data.table);
    case "embed":
      return SAFE_LINK.test(data.url)
        ? h(
            "p",
            { class: "embed" },
            h("a", { href: data.url, rel: "noopener noreferrer" }, data.title || data.provider || data.url),
            data.provider ? h("span", { class: "provider" }, ` (${data.provider})`) : null,
          )
        : null;
    default:
      return null;
  }
}

export function hero(data) {
  return data ? image({ url: data.url, alt: data.alt, width: data.width, height: data.height }) : null;
}
