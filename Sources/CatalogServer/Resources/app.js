// catalog serve: the pages, drawn from /api. Every value from the catalog is written as a text
// node or with textContent, never parsed as markup, so a name such as <img src=x onerror=alert(1)>.mov
// is text.
"use strict";

const main = document.getElementById("main");

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw Object.assign(new Error(body.error || `HTTP ${response.status}`), { body });
  return body;
}

function bytes(n) {
  if (n === null || n === undefined) return "";
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let value = n, unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return unit === 0 ? `${n} B` : `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ${units[unit]}`;
}

const containers = new Set(["account", "team", "workspace", "project", "folder", "version_stack"]);
const sizeOf = (item) => containers.has(item.kind) ? "—" : bytes(item.size);
const day = (stamp) => stamp ? stamp.slice(0, 10) : "";
const itemHref = (item) => `/item/${encodeURIComponent(item.source)}/${encodeURIComponent(item.id)}`;
const browseHref = (path) => `/browse?path=${encodeURIComponent(path)}`;

function pathLinks(path) {
  const parts = path.split("/");
  const links = [];
  parts.forEach((part, index) => {
    if (index > 0) links.push(" / ");
    const prefix = parts.slice(0, index + 1).join("/");
    links.push(index < parts.length - 1 ? el("a", { href: browseHref(prefix) }, part) : part);
  });
  return el("span", { class: "crumbs" }, links);
}

function showError(where, error) {
  where.replaceChildren(el("p", { class: "error" }, error.message));
  const suggestions = error.body && error.body.suggestions;
  if (suggestions && suggestions.length) where.append(el("p", { class: "muted" }, `Did you mean ${suggestions.join(" or ")}?`));
}

// Search ---------------------------------------------------------------------------------------

async function searchPage() {
  const params = new URLSearchParams(location.search);
  const state = {
    q: params.get("q") || "",
    sort: params.get("sort") || "relevance",
    offset: Number(params.get("offset") || 0),
    view: params.get("view") || "list",
  };
  const input = el("input", { type: "search", value: state.q, placeholder: "interview kind:file size:>1GB updated:>7d", "aria-label": "query", autofocus: "" });
  const sort = el("select", { "aria-label": "sort" }, ["relevance", "name", "size", "updated", "path"].map((s) => el("option", { value: s }, s)));
  sort.value = state.sort;
  const view = el("select", { "aria-label": "view" }, el("option", { value: "list" }, "list"), el("option", { value: "grid" }, "grid"));
  view.value = state.view;
  const count = el("span", { class: "muted", id: "count" });
  const facets = el("aside", { class: "facets", id: "facets" });
  const results = el("section", { id: "results" });
  main.replaceChildren(el("div", { class: "searchbar" }, input, sort, view, count), el("div", { class: "layout" }, facets, results));

  let timer;
  let generation = 0;
  // The count and facets of the query last summarised: they do not change with sort or page.
  let summary = null;
  function countText(total, atLeast) {
    return `${atLeast ? "at least " : ""}${total.toLocaleString()} result${total === 1 ? "" : "s"}`;
  }
  async function run() {
    const mine = ++generation;
    const query = new URLSearchParams({ q: state.q, sort: state.sort, offset: String(state.offset), view: state.view });
    history.replaceState(null, "", `/?${query}`);
    // A new query's count is unknown until its results come: never show the last query's.
    if (!summary || summary.query !== state.q) count.textContent = "";
    try {
      // The results first; counting and facets can read far more rows, so they follow.
      const answer = await api(`/api/search?${new URLSearchParams({ q: state.q, sort: state.sort, offset: String(state.offset), limit: "50" })}`);
      if (mine !== generation) return;
      drawResults(results, answer);
      if (summary && summary.query === state.q) return;
      count.textContent = answer.total === null ? `${(answer.offset + answer.items.length).toLocaleString()}+ results, counting…` : countText(answer.total, false);
      const counted = await api(`/api/summary?${new URLSearchParams({ q: state.q })}`);
      if (mine !== generation) return;
      summary = counted;
      count.textContent = countText(counted.total, counted.total_is_at_least);
      drawFacets(facets, counted.facets || {}, counted.field_facets || []);
    } catch (error) {
      if (mine !== generation) return;
      summary = null;
      count.textContent = "";
      facets.replaceChildren();
      showError(results, error);
    }
  }
  function addFilter(filter) {
    state.q = state.q.trim() ? `${state.q.trim()} ${filter}` : filter;
    input.value = state.q;
    state.offset = 0;
    run();
  }
  function drawFacets(where, all, fields) {
    where.replaceChildren();
    // The built-in facets, then the custom fields (Dash, Frame.io V4 metadata) the most matches have.
    // The built-in ones in this order (JSON objects have none).
    const order = ["source", "kind", "project", "ext", "label", "state", "type"];
    const rank = (name) => (order.indexOf(name) + order.length + 1) % (order.length + 1);
    const builtIn = Object.entries(all).sort((a, b) => rank(a[0]) - rank(b[0]));
    const groups = builtIn.concat(fields.map((f) => [f.field, f.values]));
    for (const [name, values] of groups) {
      if (!values.length) continue;
      where.append(el("h3", {}, name));
      for (const entry of values) {
        where.append(el("button", { type: "button", title: entry.filter, onclick: () => addFilter(entry.filter) }, el("span", {}, entry.value), el("span", { class: "n" }, entry.count.toLocaleString())));
      }
    }
  }
  function drawResults(where, answer) {
    if (!answer.items.length) {
      where.replaceChildren(el("p", { class: "muted" }, state.offset ? "No more results." : "No results."));
      return;
    }
    const body = state.view === "grid"
      ? el("div", { class: "grid" }, answer.items.map((item) => el("a", { class: "card", href: itemHref(item) }, el("div", { class: "thumb" }, item.thumbnail ? el("img", { src: item.thumbnail, alt: "", loading: "lazy" }) : item.kind === "file" || item.kind === "asset" ? (item.path.split(".").pop() || item.kind) : item.kind), el("div", { class: "name" }, item.name), el("div", { class: "muted" }, sizeOf(item)))))
      : el("table", {}, el("thead", {}, el("tr", {}, ["Name", "Kind", "Size", "Path", "Updated"].map((h) => el("th", {}, h)))),
        el("tbody", {}, answer.items.map((item) => el("tr", {},
          el("td", {}, el("a", { href: itemHref(item) }, item.name)), el("td", {}, item.kind), el("td", { class: "num" }, sizeOf(item)),
          el("td", { class: "path" }, pathLinks(item.path)), el("td", { class: "date" }, day(item.updated_at))))));
    const pager = el("div", { class: "pager" },
      el("button", { type: "button", disabled: state.offset === 0 ? "" : null, onclick: () => { state.offset = Math.max(0, state.offset - answer.limit); run(); } }, "Previous"),
      el("span", { class: "muted" }, `${answer.offset + 1}–${answer.offset + answer.items.length}`),
      el("button", { type: "button", disabled: answer.more ? null : "", onclick: () => { state.offset += answer.limit; run(); } }, "Next"));
    where.replaceChildren(body, pager);
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = input.value; state.offset = 0; run(); }, 200);
  });
  sort.addEventListener("change", () => { state.sort = sort.value; state.offset = 0; run(); });
  view.addEventListener("change", () => { state.view = view.value; run(); });
  run();
}

// Item -----------------------------------------------------------------------------------------

function itemTable(items) {
  return el("table", {}, el("tbody", {}, items.map((item) => el("tr", {},
    el("td", {}, el("a", { href: itemHref(item) }, item.name)), el("td", {}, item.source), el("td", { class: "num" }, sizeOf(item)),
    el("td", { class: "path" }, item.path), el("td", {}, day(item.created_at))))));
}

async function itemPage(source, id) {
  try {
    const answer = await api(`/api/items/${encodeURIComponent(source)}/${encodeURIComponent(id)}`);
    const item = answer.item;
    document.title = `${item.name} · catalog`;
    const fields = el("dl", { class: "fields" });
    for (const [key, value] of Object.entries(item)) {
      if (value === null || key === "metadata" || key === "folders" || key === "url" || key === "name" || key === "thumbnail") continue;
      fields.append(el("dt", {}, key), el("dd", {}, key === "size" ? `${bytes(value)} (${value.toLocaleString()} bytes)` : key === "path" ? pathLinks(String(value)) : String(value)));
    }
    const parts = [el("h1", {}, item.name)];
    // The picture from the thumbnail cache (catalog crawl --thumbnails): served by this server, no network.
    if (item.thumbnail) parts.push(el("img", { class: "picture", src: item.thumbnail, alt: `thumbnail of ${item.name}` }));
    parts.push(fields);
    if (item.url) parts.push(el("p", {}, el("a", { href: item.url, rel: "noopener noreferrer", target: "_blank" }, `Open in ${item.source === "dash" ? "Dash" : "Frame.io"}`)));
    const metadata = Object.entries(item.metadata || {});
    if (metadata.length) {
      const list = el("dl", { class: "fields" });
      for (const [key, values] of metadata) list.append(el("dt", {}, key), el("dd", {}, values.join("; ")));
      parts.push(el("h2", {}, "Metadata"), list);
    }
    if ((item.folders || []).length > 1) parts.push(el("h2", {}, "Folders"), el("ul", {}, item.folders.map((f) => el("li", {}, el("a", { href: browseHref(f) }, f)))));
    if (answer.versions.length) parts.push(el("h2", {}, `Versions (${answer.versions.length})`), itemTable(answer.versions));
    if (answer.same_content.length) parts.push(el("h2", {}, `Same content (${answer.same_content.length})`), itemTable(answer.same_content));
    const comments = answer.comments || [];
    if (comments.length) {
      parts.push(el("h2", {}, `Comments (${comments.length})`), el("table", {}, el("tbody", {}, comments.map((c) => el("tr", {},
        el("td", {}, c.timecode || (c.page ? `p. ${c.page}` : "")), el("td", {}, c.author || ""), el("td", {}, c.completed ? "✓ done" : ""),
        el("td", {}, (c.parent_id ? "↳ " : "") + c.text))))));
    }
    parts.push(el("h2", {}, "History"));
    parts.push(answer.changes.length
      ? el("table", {}, el("tbody", {}, answer.changes.map((c) => el("tr", {}, el("td", {}, day(c.finished_at)), el("td", {}, `crawl ${c.crawl_id}`), el("td", {}, c.change), el("td", { class: "path" }, c.change === "moved" ? `${c.old_path} → ${c.new_path}` : (c.fields || []).join(", "))))))
      : el("p", { class: "muted" }, "No changes since the first crawl that saw it."));
    main.replaceChildren(...parts);
  } catch (error) {
    showError(main, error);
  }
}

// Browse ---------------------------------------------------------------------------------------

async function browsePage() {
  const path = new URLSearchParams(location.search).get("path") || "";
  try {
    const answer = await api(`/api/ls?${new URLSearchParams({ path })}`);
    const crumbs = [el("a", { href: "/browse" }, "Top")];
    for (const ancestor of answer.ancestors) crumbs.push(" / ", el("a", { href: browseHref(ancestor.path) }, ancestor.name));
    const rows = answer.entries.map((entry) => el("tr", {},
      el("td", {}, entry.folder ? el("a", { href: browseHref(entry.path) }, `${entry.name}/`) : el("a", { href: entry.item ? itemHref(entry.item) : "#" }, entry.name)),
      el("td", {}, entry.item ? entry.item.kind : "folder"), el("td", { class: "num" }, entry.item ? sizeOf(entry.item) : "—"),
      el("td", {}, entry.item ? day(entry.item.updated_at) : ""), el("td", {}, entry.item && entry.folder ? el("a", { href: itemHref(entry.item) }, "details") : "")));
    main.replaceChildren(el("h1", { class: "crumbs" }, crumbs), el("table", {}, el("thead", {}, el("tr", {}, ["Name", "Kind", "Size", "Updated", ""].map((h) => el("th", {}, h)))), el("tbody", {}, rows)));
  } catch (error) {
    showError(main, error);
  }
}

// Duplicates, changes, status -------------------------------------------------------------------

async function dupesPage() {
  const probable = new URLSearchParams(location.search).get("probable") === "true";
  try {
    const answer = await api(`/api/dupes?probable=${probable}`);
    const s = answer.summary || {};
    const toggle = el("a", { href: `/dupes?probable=${!probable}` }, probable ? "Proven groups only" : "Include probable groups (same size and name)");
    const groups = (answer.groups || []).map((group, index) => el("tr", {},
      el("td", {}, String(index + 1)), el("td", {}, group.digest_kind || ""), el("td", { class: "num" }, String(group.copies.length)),
      el("td", { class: "num" }, bytes(group.size)), el("td", { class: "num" }, bytes(group.wasted_bytes)),
      el("td", {}, group.copies.map((copy) => el("div", {}, el("a", { href: itemHref(copy) }, copy.path))))));
    main.replaceChildren(el("h1", {}, "Duplicates"), el("p", {}, `${(s.groups || 0).toLocaleString()} groups, ${(s.redundant_copies || 0).toLocaleString()} redundant copies, ${bytes(s.reclaimable_bytes || 0)} reclaimable. `, toggle),
      el("table", {}, el("thead", {}, el("tr", {}, ["#", "Digest", "Copies", "Size", "Wasted", "Paths"].map((h) => el("th", {}, h)))), el("tbody", {}, groups)));
  } catch (error) {
    showError(main, error);
  }
}

async function changesPage() {
  const params = new URLSearchParams(location.search);
  try {
    const answer = await api(`/api/changes?${new URLSearchParams({ since: params.get("since") || "", source: params.get("source") || "" })}`);
    const rows = answer.changes.map((c) => el("tr", {}, el("td", {}, String(c.crawl_id)), el("td", {}, c.source), el("td", {}, c.change), el("td", {}, c.kind),
      el("td", {}, c.change === "deleted" ? c.name : el("a", { href: itemHref(c) }, c.name)),
      el("td", { class: "path" }, c.change === "moved" ? `${c.old_path} → ${c.new_path}` : (c.new_path || c.old_path || "")), el("td", {}, (c.fields || []).join(", "))));
    main.replaceChildren(el("h1", {}, "Changes"), el("p", { class: "muted" }, `${answer.changes.length.toLocaleString()} changes${answer.truncated ? " (the first ones)" : ""}; the last crawl of each source unless ?since=CRAWL_ID or a date.`),
      el("table", {}, el("thead", {}, el("tr", {}, ["Crawl", "Source", "Change", "Kind", "Name", "Path", "Fields"].map((h) => el("th", {}, h)))), el("tbody", {}, rows)));
  } catch (error) {
    showError(main, error);
  }
}

async function statusPage() {
  try {
    const answer = await api("/api/status");
    main.replaceChildren(el("h1", {}, "Status"), ...answer.sources.map((s) => el("section", {},
      el("h2", {}, s.source), el("p", {}, `${s.items.toLocaleString()} items, ${bytes(s.bytes)} in files`),
      el("p", { class: "muted" }, Object.entries(s.kinds).map(([k, n]) => `${n.toLocaleString()} ${k}`).join(", ")),
      s.last_complete ? el("p", {}, `Last complete crawl #${s.last_complete.id} (${s.last_complete.mode}, ${s.last_complete.api}) finished ${s.last_complete.finished_at}: ${s.last_complete.added} new, ${s.last_complete.changed} changed, ${s.last_complete.deleted} deleted.`) : el("p", { class: "muted" }, "Never crawled completely."))),
      ...(answer.refresh ? [el("section", {}, el("h2", {}, "Refreshes"),
        el("p", { class: "muted" }, `This host crawls each service every ${Math.round(answer.refresh.interval_seconds / 60)} min, one at a time.`),
        ...answer.refresh.sources.map((r) => el("p", {},
          `${r.source}: ${r.running ? "refreshing now" : r.result ? `last ${r.result} at ${r.last_finished}` : "not refreshed yet"}` +
          (r.next && !r.running ? `; next at ${r.next}` : "") + (r.message ? `. ${r.message.split("\n")[0]}` : ""))))] : []));
  } catch (error) {
    showError(main, error);
  }
}

function route() {
  const path = location.pathname;
  const item = path.match(/^\/item\/([^/]+)\/(.+)$/);
  if (item) return itemPage(decodeURIComponent(item[1]), decodeURIComponent(item[2]));
  if (path === "/browse") return browsePage();
  if (path === "/dupes") return dupesPage();
  if (path === "/changes") return changesPage();
  if (path === "/status") return statusPage();
  return searchPage();
}

route();
