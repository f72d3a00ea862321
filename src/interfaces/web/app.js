/**
 * @file The askmusic web app: ask box, ranked results with their score components, like/dislike with the
 * user's token, a multi-turn conversation (constraint chips, like/dislike per track), and the user's editable profile (tag prototypes as draggable bars) with its recommendations. Plain ES module over the HTTP API; every server string is inserted as text, never as HTML.
 */

const TOKEN_KEY = "askmusic.token";

/** What each score component means (the ranker's own terms; see src/ranking/catalog-ranker.ts). */
const COMPONENT_TEXT = {
  semantic: "meaning: how close the request is to the track's tags and title",
  lexical: "words: the request's words found in the track's text (BM25)",
  popularity: "popularity: a weak prior that breaks near-ties",
  taste: "your taste: similarity to the tracks you liked",
  request: "the model's match of your request with this track (JAM: request · track)",
  user: "the model's match of your listening history with this track (JAM: user · track)",
  prior: "the model's learned prior for this track, independent of the request",
  entity: "the artist you named, or closeness to that artist's music",
};

/** What each item modality of a JAM model is made of. */
const MODALITY_TEXT = {
  tagtext: "tags",
  name: "title and artist",
  cotag: "tag co-occurrence",
  cf: "listening patterns",
  id: "learned track identity",
};

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const state = {
  token: localStorage.getItem(TOKEN_KEY) ?? "",
  /** @type {{ request: string, k: number, catalog?: string } | null} */
  last: null,
  /** Ids of the previous answer, to show how a new answer moved. */
  previousIds: /** @type {string[]} */ ([]),
  busy: false,
  /** The profile shown in the panel (GET/PUT /v1/users/me/profile), when there is one. */
  profile: null,
  /** Catalogs that have a profile model, and the server's default catalog (from GET /v1/catalogs). */
  profileCatalogs: /** @type {Set<string>} */ (new Set()),
  defaultCatalog: "",
};

/** Calls the API; throws an Error whose message is the problem's detail. */
async function api(method, path, body) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data.detail ?? data.title ?? `HTTP ${res.status}`);
    err.status = res.status;
    err.field = data.field;
    throw err;
  }
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

function setBusy(busy, text = "Searching the catalog…") {
  state.busy = busy;
  $("progress").hidden = !busy;
  $("progress-text").textContent = text;
  $("answer").setAttribute("aria-busy", String(busy));
  /** @type {HTMLButtonElement} */ ($("ask-button")).disabled = busy;
}

/** Shows who the token belongs to, or why it does not work. */
async function refreshAccount() {
  const status = $("token-status");
  if (!state.token) {
    status.textContent = "Not signed in: answers are not personalized.";
    return;
  }
  try {
    const me = await api("GET", "/v1/users/me");
    const likes = me.feedback.filter((f) => f.value === "like").length;
    const dislikes = me.feedback.length - likes;
    status.textContent = `Signed in as ${me.name ?? me.id}: ${likes} like${likes === 1 ? "" : "s"}, ${dislikes} dislike${dislikes === 1 ? "" : "s"}.`;
  } catch (err) {
    status.textContent = err.status === 401 ? "This token is not valid. Check it, or create one with: npx askmusic users add <name>" : `Could not check the token: ${err.message}`;
  }
}

async function loadCatalogs() {
  try {
    const { default: def, catalogs } = await api("GET", "/v1/catalogs");
    state.defaultCatalog = def;
    state.profileCatalogs = new Set(catalogs.filter((c) => c.profiles).map((c) => c.name));
    const select = /** @type {HTMLSelectElement} */ ($("catalog-select"));
    for (const c of catalogs) select.append(el("option", { value: c.name, selected: c.name === def, text: `${c.name} (${c.count.toLocaleString()} tracks)` }));
    const several = catalogs.length > 1;
    select.hidden = !several;
    $("catalog-label").hidden = !several;
  } catch {
    // The ask box works without the list: the server's default catalog is used.
  }
}

/** A horizontal bar chart of one result's score components. */
function explanation(result, id) {
  const entries = Object.entries(result.components);
  const max = Math.max(1e-9, ...entries.map(([, v]) => Math.abs(v)));
  const rows = entries.map(([name, value]) => {
    const bar = el("span", { class: `bar${value < 0 ? " negative" : ""}` });
    bar.style.width = `${Math.round((Math.abs(value) / max) * 100)}%`;
    return el(
      "li",
      { class: "component" },
      el("span", { class: "component-name", text: name }),
      el("span", { class: "bar-track", "aria-hidden": "true" }, bar),
      el("span", { class: "component-value", text: value.toFixed(3) }),
      el("span", { class: "component-text", text: COMPONENT_TEXT[name] ?? "" }),
    );
  });
  return el(
    "div",
    { class: "explanation", id, hidden: true },
    el("p", { class: "explanation-sum", text: `Score ${result.score.toFixed(3)} = ${entries.map(([n, v]) => `${n} ${v.toFixed(3)}`).join(" + ")}` }),
    el("ul", { class: "components", "aria-label": "Score components" }, ...rows),
    result.modalityWeights ? modalityChart(result.modalityWeights) : null,
    result.wordAttributions && result.wordAttributions.length > 0 ? wordHeatmap(result.wordAttributions, result.item.id) : null,
    result.because && result.because.length > 0 ? el("p", { class: "because", text: `Because you like: ${result.because.map((b) => b.name).join(", ")}.` }) : null,
  );
}

/**
 * The request as a heatmap of the model's attention over its words (the weights the query vector was pooled with),
 * each word with buttons to make it count more or less: word feedback retrains the listener's adapter.
 */
function wordHeatmap(words, itemId) {
  const max = Math.max(1e-9, ...words.map((w) => w.weight));
  const chips = words.map(({ word, weight }) => {
    const chip = el(
      "span",
      { class: "word", "data-word": word, "data-weight": weight.toFixed(4), title: `attention ${(100 * weight).toFixed(1)}%` },
      el("span", { class: "word-text", text: word }),
      el("span", { class: "word-weight", text: `${(100 * weight).toFixed(0)}%` }),
    );
    // Stronger attention, deeper colour: the alpha is the weight relative to the request's strongest word.
    chip.style.backgroundColor = `rgba(214, 84, 38, ${(0.12 + 0.78 * (weight / max)).toFixed(3)})`;
    const more = el("button", { type: "button", class: "secondary word-more", "aria-label": `Make “${word}” count more`, text: "+" });
    const less = el("button", { type: "button", class: "secondary word-less", "aria-label": `Make “${word}” count less`, text: "−" });
    more.addEventListener("click", () => void sendWordFeedback(word, "strengthen", itemId));
    less.addEventListener("click", () => void sendWordFeedback(word, "weaken", itemId));
    return el("li", { class: "word-cell" }, chip, more, less);
  });
  return el(
    "div",
    { class: "words" },
    el("p", { class: "words-title", text: "How much each word of your request counted (the model's attention). Use + or − to teach it, for you only:" }),
    el("ul", { class: "word-heatmap", "aria-label": "Attention over the words of your request" }, ...chips),
  );
}

/** Strengthens or weakens one word of the last request for the signed-in user, then asks again and reopens this explanation. */
async function sendWordFeedback(word, direction, itemId) {
  if (!state.token) {
    showError("Add your token above to teach the model which words matter (create one with: npx askmusic users add <name>).");
    $("token-input").focus();
    return;
  }
  if (!state.last || state.busy) return;
  setBusy(true, `Retraining on “${word}” for you…`);
  let trained;
  try {
    trained = await api("POST", "/v1/feedback/words", {
      request: state.last.request,
      [direction]: [word],
      ...(state.last.catalog ? { catalog: state.last.catalog } : {}),
    });
  } catch (err) {
    setBusy(false);
    showError(err.message);
    return;
  }
  setBusy(false);
  await ask(state.last, { keepMovement: true });
  $("answer-notes").textContent += ` Retrained on “${word}” in ${trained.seconds.toFixed(2)} s (your adapter, version ${trained.version}).`;
  // Show the new heatmap where the listener clicked: the same track's explanation, open.
  const why = document.querySelector(`.result[data-id="${CSS.escape(itemId)}"] .why`) ?? document.querySelector(".result .why");
  if (why instanceof HTMLElement) {
    why.click();
    why.focus();
  }
}

/** The model's fusion weights of the track's modalities for this request, as one stacked bar plus a legend. */
function modalityChart(weights) {
  const entries = Object.entries(weights);
  const stack = el("div", { class: "modality-stack", "aria-hidden": "true" });
  const legend = entries.map(([name, w], i) => {
    const part = el("span", { class: `modality m${i % 5}` });
    part.style.width = `${(100 * w).toFixed(1)}%`;
    stack.append(part);
    return el("li", { class: "modality-item" }, el("span", { class: `swatch m${i % 5}`, "aria-hidden": "true" }), el("span", { text: `${MODALITY_TEXT[name] ?? name} ${(100 * w).toFixed(0)}%` }));
  });
  return el(
    "div",
    { class: "modalities" },
    el("p", { class: "modalities-title", text: "What the model looked at for this track (its modality weights for your request):" }),
    stack,
    el("ul", { class: "modality-legend", "aria-label": "Modality weights" }, ...legend),
  );
}

function movement(id, rank) {
  if (state.previousIds.length === 0) return null;
  const before = state.previousIds.indexOf(id);
  if (before < 0) return el("span", { class: "move new", text: "new" });
  const delta = before + 1 - rank;
  if (delta === 0) return null;
  return el("span", { class: `move ${delta > 0 ? "up" : "down"}`, text: delta > 0 ? `▲${delta}` : `▼${-delta}`, title: `was #${before + 1}` });
}

function resultRow(result) {
  const { item } = result;
  const explId = `why-${item.id}`;
  const safeUrl = typeof item.url === "string" && /^https?:\/\//.test(item.url) ? item.url : undefined;
  // Many catalog tracks have no known title: say so instead of showing a bare id as if it were one.
  const label = item.title ?? (item.name === item.id ? `Untitled (${item.id})` : item.name);
  const title = safeUrl
    ? el("a", { href: safeUrl, target: "_blank", rel: "noopener noreferrer", class: "title", text: label })
    : el("span", { class: "title", text: label });
  const why = el("button", { type: "button", class: "why secondary", "aria-expanded": "false", "aria-controls": explId, text: "Why?" });
  const like = el("button", { type: "button", class: "like", "aria-pressed": String(result.feedback === "like"), "data-item": item.id, text: result.feedback === "like" ? "♥ Liked" : "♥ Like" });
  const dislike = el("button", { type: "button", class: "dislike", "aria-pressed": String(result.feedback === "dislike"), "data-item": item.id, text: "✕ Dislike" });
  like.setAttribute("aria-label", `Like ${item.name}`);
  dislike.setAttribute("aria-label", `Dislike ${item.name}`);
  why.setAttribute("aria-label", `Why is ${item.name} here?`);
  const panel = explanation(result, explId);
  why.addEventListener("click", () => {
    const open = why.getAttribute("aria-expanded") === "true";
    why.setAttribute("aria-expanded", String(!open));
    panel.hidden = open;
  });
  like.addEventListener("click", () => sendFeedback(item.id, result.feedback === "like" ? "clear" : "like"));
  dislike.addEventListener("click", () => sendFeedback(item.id, result.feedback === "dislike" ? "clear" : "dislike"));
  return el(
    "li",
    { class: "result", "data-id": item.id },
    el(
      "div",
      { class: "result-main" },
      el("span", { class: "rank", text: `${result.rank}` }),
      el(
        "div",
        { class: "result-text" },
        el("div", { class: "title-line" }, title, movement(item.id, result.rank)),
        el("div", { class: "artist", text: item.artist ?? "unknown artist" }),
        el("ul", { class: "tags", "aria-label": "Tags" }, ...item.tags.slice(0, 8).map((t) => el("li", { class: "tag", text: t }))),
      ),
      el("span", { class: "score", title: "score", text: result.score.toFixed(2) }),
    ),
    el("div", { class: "actions" }, why, like, dislike),
    panel,
  );
}

function render(answer) {
  const notes = [];
  const { request, personalized } = answer;
  if (request.excludeTags.length + request.excludeArtists.length > 0) {
    notes.push(`Excluding ${[...request.excludeTags.map((t) => `tag “${t}”`), ...request.excludeArtists.map((a) => `artist “${a}”`)].join(", ")}.`);
  }
  const { wanted, references } = request.understood;
  if (wanted.length > 0) {
    notes.push(`Understood: ${wanted.slice(0, 8).map((t) => (t.source === "literal" ? `“${t.tag}”` : `“${t.tag}” (from “${t.from}”)`)).join(", ")}.`);
  }
  if (references.length > 0) notes.push(`Like: ${references.map((r) => `“${r}”`).join(", ")}.`);
  for (const o of request.understood.outside) notes.push(`${o.name} is not in this catalog; ranked by its Last.fm tags: ${o.tags.join(", ")}.`);
  if (request.unmatched.length > 0) notes.push(`Could not match “${request.unmatched.join("”, “")}” to a tag or artist; kept it as text.`);
  if (personalized) {
    notes.push(`Personalized for ${personalized.user}: ${personalized.likes} like${personalized.likes === 1 ? "" : "s"} shape the ranking, ${personalized.dislikes} dislike${personalized.dislikes === 1 ? "" : "s"} excluded.`);
  }
  if (answer.entities.length > 0) notes.push(`You named ${answer.entities.map((e) => (e.similarity < 1 ? `${e.artist} (closest match)` : e.artist)).join(", ")}: their tracks and their neighbourhood come first.`);
  notes.push(`${answer.results.length} result${answer.results.length === 1 ? "" : "s"} from ${answer.candidates} candidates in ${answer.tookMs} ms, ranked by ${answer.ranker}.`);
  const { used, ignored } = answer.context;
  notes.push(`Used: ${used.join(", ")}${ignored.length > 0 ? `; ignored (not read by ${answer.ranker}): ${ignored.join(", ")}` : ""}.`);
  $("answer-notes").textContent = notes.join(" ");
  $("answer-title").hidden = false;
  const list = $("results");
  list.replaceChildren(...answer.results.map(resultRow));
  if (answer.results.length === 0) list.append(el("li", { class: "empty", text: "No track satisfies the request's constraints." }));
  state.previousIds = answer.results.map((r) => r.item.id);
}

async function ask(params, { keepMovement = false } = {}) {
  if (state.busy) return;
  showError("");
  setBusy(true, keepMovement ? "Updating the answer for your feedback…" : "Searching the catalog…");
  if (!keepMovement) state.previousIds = [];
  try {
    const answer = await api("POST", "/v1/ask", params);
    state.last = params;
    render(answer);
  } catch (err) {
    showError(err.message);
  } finally {
    setBusy(false);
  }
}

async function sendFeedback(itemId, value) {
  if (!state.token) {
    showError("Add your token above to like or dislike tracks (create one with: npx askmusic users add <name>).");
    $("token-input").focus();
    return;
  }
  try {
    await api("POST", "/v1/feedback", { itemId, value, ...(state.last?.catalog ? { catalog: state.last.catalog } : {}) });
  } catch (err) {
    showError(err.message);
    return;
  }
  void refreshAccount();
  // A like changes the history the profile is read from.
  void loadProfile();
  // Ask again at once: the next answer is the visible effect of the feedback.
  if (state.last) await ask(state.last, { keepMovement: true });
  // Keep keyboard users where they were: on the same track's button when it is still listed.
  const again = document.querySelector(`.result[data-id="${CSS.escape(itemId)}"] .${value === "dislike" ? "dislike" : "like"}`);
  if (again instanceof HTMLElement) again.focus();
  else $("ask-input").focus();
}

/** Prototypes the panel shows (strongest first); the others keep their weights. */
const PROFILE_BARS = 12;

/** The catalog the profile belongs to: the one the ask box searches. */
function profileCatalog() {
  const select = /** @type {HTMLSelectElement} */ ($("catalog-select"));
  return select.hidden || !select.value ? undefined : select.value;
}

/** One draggable bar per prototype, with a zero button and its exemplar's link. */
function profileBar(p, catalog) {
  const id = `w-${p.tag.replace(/[^A-Za-z0-9]+/g, "-")}`;
  const value = Math.round(p.weight * 1000);
  const slider = el("input", { type: "range", min: 0, max: 1000, step: 1, value, id, "aria-label": `Weight of ${p.tag}`, "data-tag": p.tag });
  const shown = el("output", { for: id, class: "weight", text: p.weight.toFixed(3) });
  slider.addEventListener("input", () => (shown.textContent = (Number(slider.value) / 1000).toFixed(3)));
  slider.addEventListener("change", () => void editProfile(catalog, { [p.tag]: Number(slider.value) / 1000 }));
  const zero = el("button", { type: "button", class: "secondary zero", "aria-label": `Set ${p.tag} to 0`, text: "0" });
  zero.addEventListener("click", () => void editProfile(catalog, { [p.tag]: 0 }));
  const example = el("a", { href: p.exemplar.link, class: "exemplar", target: "_blank", rel: "noopener", text: `e.g. ${p.exemplar.name}` });
  return el("li", { class: `profile-bar${p.edited ? " edited" : ""}`, "data-tag": p.tag }, el("label", { for: id, class: "tag-name", text: p.tag }), slider, shown, zero, example);
}

function renderProfile(view) {
  state.profile = view;
  const catalog = profileCatalog();
  const set = Object.keys(view.edits).length;
  $("profile-status").textContent = `${view.catalog}: read from ${view.historyUsed} like${view.historyUsed === 1 ? "" : "s"}${set > 0 ? `, ${set} weight${set === 1 ? "" : "s"} set by you` : ""}.`;
  $("profile-bars").replaceChildren(...view.prototypes.slice(0, PROFILE_BARS).map((p) => profileBar(p, catalog)));
  $("profile-recs").replaceChildren(...view.recommendations.map((r) => el("li", { "data-id": r.id }, el("a", { href: r.link, target: "_blank", rel: "noopener", text: r.name }))));
}

/** Shows the signed-in user's profile in the current catalog, or why there is none. */
async function loadProfile() {
  const panel = $("profile");
  if (!state.token) {
    panel.hidden = true;
    return;
  }
  const catalog = profileCatalog();
  // Only catalogs with a profile model are asked (GET /v1/catalogs says which).
  if (!state.profileCatalogs.has(catalog ?? state.defaultCatalog)) {
    panel.hidden = true;
    return;
  }
  try {
    renderProfile(await api("GET", `/v1/users/me/profile?k=10${catalog ? `&catalog=${encodeURIComponent(catalog)}` : ""}`));
    panel.hidden = false;
  } catch (err) {
    // 404: this catalog has no profile model (nothing to show); 409: no likes yet (say how to get a profile).
    state.profile = null;
    panel.hidden = err.status !== 409;
    $("profile-bars").replaceChildren();
    $("profile-recs").replaceChildren();
    $("profile-status").textContent = err.status === 409 ? err.message : "";
  }
}

/** Stores edits (merged with the stored ones; null = reset) and shows the profile that follows. */
async function editProfile(catalog, change) {
  const edits = change === null ? {} : { ...(state.profile?.edits ?? {}), ...change };
  try {
    renderProfile(await api("PUT", "/v1/users/me/profile", { weights: edits, k: 10, ...(catalog ? { catalog } : {}) }));
  } catch (err) {
    showError(err.message);
    await loadProfile();
  }
}

/** The conversation shown in the chat panel (the API's conversation document), or null before the first turn. */
let conversation = null;

/** Renders the conversation: removable constraint chips, then each exchange with like/dislike per track. */
function renderChat() {
  const chips = $("chat-chips");
  const turns = $("chat-turns");
  chips.replaceChildren();
  turns.replaceChildren();
  if (!conversation) return;
  const { constraints, liked, disliked } = conversation.state;
  const chip = (label, lift) => {
    const remove = el("button", { type: "button", class: "chip-remove", "aria-label": `Remove constraint ${label}`, text: "×" });
    remove.addEventListener("click", () => void chatEdit({ lift }));
    return el("li", { class: "chip" }, el("span", { text: label }), remove);
  };
  for (const t of constraints.excludeTags) chips.append(chip(`no ${t}`, { tags: [t] }));
  for (const a of constraints.excludeArtists) chips.append(chip(`not by ${a}`, { artists: [a] }));
  for (const ex of conversation.exchanges) {
    const tracks = el("ol", { class: "chat-tracks" });
    for (const t of ex.tracks) {
      const like = el("button", { type: "button", class: "like", "aria-pressed": String(liked.includes(t.id)), "aria-label": `Like ${t.name}`, text: "👍" });
      const dislike = el("button", { type: "button", class: "dislike", "aria-pressed": String(disliked.includes(t.id)), "aria-label": `Dislike ${t.name}`, text: "👎" });
      like.addEventListener("click", () => void chatEdit({ liked: [t.id] }));
      dislike.addEventListener("click", () => void chatEdit({ disliked: [t.id] }));
      tracks.append(el("li", { class: "chat-track", "data-id": t.id }, el("span", { class: "name", text: t.name }), el("span", { class: "tags", text: ` ${t.tags.join(", ")} ` }), like, dislike));
    }
    if (ex.tracks.length === 0) tracks.append(el("li", { text: "No track satisfies the constraints: remove one or ask for something else." }));
    turns.append(el("li", { class: "chat-turn" }, el("p", { class: "said", text: `You: ${ex.user}` }), tracks));
  }
}

/** Sends one turn (starting a conversation first when there is none). */
async function chatSay(text) {
  try {
    showError("");
    if (!conversation) conversation = await api("POST", "/v1/conversations", {});
    conversation = await api("POST", `/v1/conversations/${encodeURIComponent(conversation.id)}/turns`, { request: text, k: 5 });
    renderChat();
  } catch (err) {
    showError(err.message);
  }
}

/** Likes, dislikes or lifted constraints, without a new turn. */
async function chatEdit(edits) {
  if (!conversation) return;
  try {
    conversation = await api("POST", `/v1/conversations/${encodeURIComponent(conversation.id)}/feedback`, edits);
    renderChat();
  } catch (err) {
    showError(err.message);
  }
}

function init() {
  $("chat-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = /** @type {HTMLInputElement} */ ($("chat-input"));
    const text = input.value.trim();
    if (!text) {
      showError("Say what you would like to hear.");
      return;
    }
    input.value = "";
    void chatSay(text);
  });
  $("chat-new").addEventListener("click", () => {
    conversation = null;
    renderChat();
  });
  const tokenInput = /** @type {HTMLInputElement} */ ($("token-input"));
  tokenInput.value = state.token;
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state.token = tokenInput.value.trim();
    if (state.token) localStorage.setItem(TOKEN_KEY, state.token);
    else localStorage.removeItem(TOKEN_KEY);
    void refreshAccount();
    void loadProfile();
    if (state.last) void ask(state.last);
  });
  $("token-forget").addEventListener("click", () => {
    state.token = "";
    tokenInput.value = "";
    localStorage.removeItem(TOKEN_KEY);
    void refreshAccount();
    void loadProfile();
  });
  $("profile-reset").addEventListener("click", () => void editProfile(profileCatalog(), null));
  $("catalog-select").addEventListener("change", () => void loadProfile());
  $("ask-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const request = /** @type {HTMLInputElement} */ ($("ask-input")).value.trim();
    if (!request) {
      showError("Say what you would like to hear.");
      return;
    }
    const k = Number(/** @type {HTMLSelectElement} */ ($("k-select")).value);
    const catalogSelect = /** @type {HTMLSelectElement} */ ($("catalog-select"));
    void ask({ request, k, ...(catalogSelect.hidden || !catalogSelect.value ? {} : { catalog: catalogSelect.value }) });
  });
  void loadCatalogs().then(loadProfile);
  void refreshAccount();
}

init();
