// The search page: reads ?q= (and &group=) from the address, asks GET /api/search, shows the answer as
// cards with Cite, Similar lessons and Helpful / Not helpful, and the facet counts as filters.
// Every piece of lesson text goes in as a text node (textContent), never as markup.
"use strict";

(function () {
  const form = document.getElementById("search");
  const box = document.getElementById("q");
  const status = document.getElementById("status");
  const list = document.getElementById("results");
  const more = document.getElementById("more");
  const group = document.getElementById("group");
  const facets = document.getElementById("facets");
  const FACETS = { country: "Countries", region: "Regions", theme: "Themes" };
  const tokenForm = document.getElementById("token");
  const tokenBox = document.getElementById("token-value");
  const TOKEN_KEY = "lessons-token"; // kept in this tab only (sessionStorage)
  let current = { q: "", offset: 0, group: null };

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
    const page = "/lessons/" + encodeURIComponent(result.id);
    const links = el("p", { class: "links" },
      link("Open the lesson", result.url), evalLink, el("a", { href: page, class: "details" }, "Details"),
      el("a", { href: page + "#similar", class: "similar" }, "Similar lessons"),
      el("a", { href: "/api/lessons/" + encodeURIComponent(result.id) }, "JSON"));
    return el("li", { class: "card", "data-id": result.id },
      el("h2", {}, el("span", { class: "number" }, number + ". "), link(result.title, result.url)),
      where ? el("p", { class: "where" }, where) : null,
      result.themes.length ? themes : null, quote, links, moved(result.feedback), actions(result));
  }

  function moved(feedback) {
    if (!feedback) return null;
    const was = feedback.rank_without_feedback ? "; #" + feedback.rank_without_feedback + " without them" : "";
    return el("p", { class: "moved" }, "Ranked with people's votes: " + feedback.helpful + " helpful, " +
      feedback.not_helpful + " not helpful (score ×" + feedback.factor + was + ")");
  }

  function actions(result) {
    const said = el("span", { class: "said", role: "status", "aria-live": "polite" });
    const cite = el("button", { type: "button", class: "cite" }, "Cite");
    const shown = el("pre", { class: "citation", hidden: "" }, result.citation);
    cite.addEventListener("click", () => copyCitation(shown, said));
    const votes = [["helpful", "Helpful"], ["not_helpful", "Not helpful"]].map(([vote, label]) => {
      const button = el("button", { type: "button", class: "vote", "data-vote": vote, "aria-pressed": "false" }, label);
      button.addEventListener("click", () => sendVote(result.id, vote, button, said));
      return button;
    });
    return el("div", { class: "actions-box" }, el("div", { class: "actions" }, cite, ...votes, said), shown);
  }

  async function copyCitation(shown, said) {
    shown.hidden = false;
    try {
      await navigator.clipboard.writeText(shown.textContent);
      said.textContent = "Citation copied.";
    } catch (error) { // no clipboard here: select the shown citation to copy by hand
      const range = document.createRange();
      range.selectNodeContents(shown);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      said.textContent = "Citation selected: press Ctrl+C (⌘C) to copy it.";
    }
  }

  function voter() {
    let id = localStorage.getItem("lessons-voter");
    if (!id) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      localStorage.setItem("lessons-voter", id);
    }
    return id;
  }

  async function sendVote(lessonId, vote, button, said) {
    said.textContent = "Sending…";
    try {
      const response = await fetch("/api/feedback", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", ...authorization() },
        body: JSON.stringify({ question: current.q, lesson_id: lessonId, vote: vote, voter: voter() }),
      });
      const answer = await response.json();
      if (response.status === 401) throw new Error("voting on this server needs its token (search once to give it)");
      if (!response.ok) throw new Error(answer.detail || response.statusText);
      for (const other of button.parentElement.querySelectorAll("button.vote")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      said.textContent = vote === "helpful" ? "Thanks: noted as helpful." : "Thanks: noted as not helpful.";
    } catch (error) {
      said.textContent = "Not recorded: " + error.message;
    }
  }

  function address(q, grouped) {
    const params = new URLSearchParams({ q: q });
    if (grouped !== null) params.set("group", grouped ? "1" : "0");
    return "/?" + params;
  }

  function showFacets(answer) {
    facets.replaceChildren();
    for (const [name, label] of Object.entries(FACETS)) {
      const useful = (answer.facets[name] || []).filter((f) => f.query && f.count < answer.total);
      if (!useful.length) continue;
      facets.append(el("h2", {}, label + ":"), el("ul", {}, ...useful.slice(0, 6).map((f) =>
        el("li", {}, el("a", { href: address(f.query, current.group), "data-query": f.query },
          f.value + " (" + f.count + ")")))));
    }
    facets.hidden = !facets.children.length;
  }

  async function search(q, offset) {
    current = { q: q, offset: offset, group: current.group };
    status.classList.remove("error");
    status.textContent = "Searching…";
    more.hidden = true;
    const params = new URLSearchParams({ q: q, offset: String(offset) });
    if (current.group !== null) params.set("group", current.group ? "1" : "0");
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
    if (offset === 0) { list.replaceChildren(); showFacets(answer); }
    group.checked = answer.group_by_evaluation;
    answer.results.forEach((result, i) => list.append(card(result, answer.offset + i + 1)));
    status.textContent = answer.headline; // the same line every door shows
    more.hidden = answer.offset + answer.results.length >= answer.total;
    current.offset = answer.offset + answer.results.length;
  }

  function fromAddress() {
    const params = new URLSearchParams(window.location.search);
    const q = (params.get("q") || "").trim();
    const grouped = params.get("group");
    current.group = grouped === null ? null : grouped === "1";
    if (current.group !== null) group.checked = current.group;
    box.value = q;
    if (q) search(q, 0);
    else { list.replaceChildren(); facets.hidden = true; status.textContent = ""; more.hidden = true; }
  }

  function go(q) {
    const url = address(q, current.group);
    if (url !== window.location.pathname + window.location.search) history.pushState({}, "", url);
    box.value = q;
    search(q, 0);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = box.value.trim();
    if (q) go(q);
  });
  group.addEventListener("change", () => {
    current.group = group.checked;
    const q = box.value.trim();
    if (q) go(q);
  });
  facets.addEventListener("click", (event) => {
    const target = event.target.closest("a[data-query]");
    if (!target || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    go(target.dataset.query);
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
