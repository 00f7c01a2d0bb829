// The search page: reads ?q= from the address, asks GET /api/search, shows the answer as cards.
// Every piece of lesson text goes in as a text node (textContent), never as markup.
"use strict";

(function () {
  const form = document.getElementById("search");
  const box = document.getElementById("q");
  const status = document.getElementById("status");
  const list = document.getElementById("results");
  const more = document.getElementById("more");
  const tokenForm = document.getElementById("token");
  const tokenBox = document.getElementById("token-value");
  const TOKEN_KEY = "lessons-token"; // kept in this tab only (sessionStorage)
  let current = { q: "", offset: 0 };

  // With WEBHOOK_TOKEN set, the server searches only with `Authorization: Bearer <token>`:
  // on a 401 the page asks for it once, and sends it with every search from then on.
  function authorization() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? { Authorization: "Bearer " + token } : {};
  }

  function askForToken(wrong) {
    sessionStorage.removeItem(TOKEN_KEY);
    tokenForm.hidden = false;
    status.classList.add("error");
    status.textContent = wrong ? "That token is not this server's; try again." : "This server needs its access token to search.";
    tokenBox.focus();
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    for (const child of children) {
      if (child !== null && child !== undefined && child !== "") {
        node.append(typeof child === "string" ? document.createTextNode(child) : child);
      }
    }
    return node;
  }

  function link(text, url) {
    // Only http(s) links: a lesson file could hold any URL, javascript: included.
    return /^https?:\/\//i.test(url || "") ? el("a", { href: url }, text) : el("span", {}, text);
  }

  // The one highlight policy (bot/render/highlight.py, the same for Slack and the webhook's
  // Markdown): spans outside the text dropped, the rest sorted, overlapping ones and neighbours
  // separated only by white space joined, and white space at a span's edge left outside the mark.
  // The JSON's spans are already merged this way; merging again keeps the page true to the rule.
  function merged(text, spans) {
    const out = [];
    const valid = spans.filter(([s, e]) => 0 <= s && s < e && e <= text.length)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [start, end] of valid) {
      const last = out[out.length - 1];
      if (last && (start <= last[1] || text.slice(last[1], start).trim() === "")) last[1] = Math.max(last[1], end);
      else out.push([start, end]);
    }
    return out;
  }

  function highlighted(text, spans) {
    const out = el("span");
    let at = 0;
    for (const [start, end] of merged(text, spans)) {
      const word = text.slice(start, end);
      const core = word.trim();
      if (!core) continue;
      const from = start + word.length - word.trimStart().length;
      out.append(text.slice(at, from), el("mark", {}, core));
      at = from + core.length;
    }
    out.append(text.slice(at));
    return out;
  }

  function card(result, number) {
    const where = [result.country, result.region].filter(Boolean).join(" · ");
    const themes = el("ul", { class: "themes", "aria-label": "Themes" },
      ...result.themes.map((theme) => el("li", {}, theme)));
    const quote = result.summary
      ? el("blockquote", {}, highlighted(result.summary, result.highlights || []),
           " ", el("span", { class: "field" }, "(" + result.summary_field.replace(/_/g, " ") + ")"))
      : null;
    const evaluation = result.eval_number ? "Evaluation " + result.eval_number : "The evaluation";
    const evalLink = result.eval_url ? link(evaluation, result.eval_url) : null;
    if (evalLink && result.eval_title) evalLink.setAttribute("title", result.eval_title);
    const links = el("p", { class: "links" },
      link("Open the lesson", result.url), evalLink,
      el("a", { href: "/api/lessons/" + encodeURIComponent(result.id) }, "JSON"));
    return el("li", { class: "card", "data-id": result.id },
      el("h2", {}, el("span", { class: "number" }, number + ". "), link(result.title, result.url)),
      where ? el("p", { class: "where" }, where) : null,
      result.themes.length ? themes : null, quote, links);
  }

  async function search(q, offset) {
    current = { q: q, offset: offset };
    status.classList.remove("error");
    status.textContent = "Searching…";
    more.hidden = true;
    const params = new URLSearchParams({ q: q, offset: String(offset) });
    let answer;
    try {
      const response = await fetch("/api/search?" + params,
                                   { headers: { Accept: "application/json", ...authorization() } });
      answer = await response.json();
      if (response.status === 401) {
        askForToken(answer.error === "wrong_token");
        return;
      }
      if (!response.ok) throw new Error(answer.detail || response.statusText);
    } catch (error) {
      status.classList.add("error");
      status.textContent = "The search failed: " + error.message;
      return;
    }
    if (q !== current.q || offset !== current.offset) return; // a newer search has started
    if (offset === 0) list.replaceChildren();
    answer.results.forEach((result, i) => list.append(card(result, answer.offset + i + 1)));
    status.textContent = answer.headline; // the same line every door shows
    more.hidden = answer.offset + answer.results.length >= answer.total;
    current.offset = answer.offset + answer.results.length;
  }

  function fromAddress() {
    const q = (new URLSearchParams(window.location.search).get("q") || "").trim();
    box.value = q;
    if (q) search(q, 0);
    else { list.replaceChildren(); status.textContent = ""; more.hidden = true; }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = box.value.trim();
    if (!q) return;
    const url = "/?" + new URLSearchParams({ q: q });
    if (url !== window.location.pathname + window.location.search) history.pushState({}, "", url);
    search(q, 0);
  });
  more.addEventListener("click", () => {
    const first = list.children.length;
    search(current.q, current.offset).then(() => {
      const next = list.children[first];
      if (next) next.querySelector("a")?.focus();
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement !== box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
  tokenForm.addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, tokenBox.value.trim());
    tokenBox.value = "";
    tokenForm.hidden = true;
    if (current.q) search(current.q, current.offset);
  });
  window.addEventListener("popstate", fromAddress);
  fromAddress();
  if (!box.value) box.focus();
})();
