// The chat widget: a launcher button and a panel in a shadow root, so that the host page's
// styles and ours never meet.
import css from "./styles.css";
import { enhanceCard, parseCard } from "./card.js";
import { palette } from "./color.js";
import { Connection } from "./connection.js";
import { STRINGS } from "./i18n.js";
import { renderMarkdown } from "./markdown.js";

const KEEP = 200; // messages kept for a reload; older ones are dropped

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

class Widget {
  constructor(config) {
    this.config = config;
    this.t = STRINGS[config.lang];
    this.key = `lbdoctor-widget:${config.botUrl}`;
    this.state = this.load();
    this.choosing = false; // the last input was a click on an answer: focus follows the reply
    this.turnStart = null;
    this.build();
    for (const entry of this.state.messages) this.log.append(this.render(entry));
    this.showReplies();
    this.connection = new Connection({
      botUrl: config.botUrl,
      sessionId: this.state.sessionId,
      onMessage: (message) => this.receive(message),
      onSession: (id) => {
        this.state.sessionId = id;
        this.save();
      },
      onStatus: (online) => {
        this.status.hidden = online;
        if (!online) this.typing(false);
      },
    });
    if (this.state.open) this.open(false);
  }

  load() {
    try {
      const saved = JSON.parse(localStorage.getItem(this.key));
      if (saved && Array.isArray(saved.messages)) return saved;
    } catch {
      // Unreadable: start afresh.
    }
    return { sessionId: null, open: false, greeted: false, messages: [] };
  }

  save() {
    this.state.messages = this.state.messages.slice(-KEEP);
    localStorage.setItem(this.key, JSON.stringify(this.state));
  }

  build() {
    const t = this.t;
    const colors = palette(this.config.color);
    this.host = el("div", { "data-lbdoctor-widget": "" });
    this.root = this.host.attachShadow({ mode: "open" });
    // Inline and important: a page's rules cannot move or hide the widget (they would win
    // over the shadow root's :host rules).
    this.host.style.cssText =
      "all:initial!important;position:fixed!important;right:20px!important;bottom:20px!important;" +
      "z-index:2147483000!important;display:block!important";
    this.host.style.setProperty("--lbd-brand", colors.brand);
    this.host.style.setProperty("--lbd-on-brand", colors.onBrand);
    this.host.style.setProperty("--lbd-ink", colors.ink);
    const title = this.config.title || t.title;
    this.launcher = el("button", {
      type: "button", class: "lbd-launcher", "aria-expanded": "false", "aria-controls": "lbd-panel",
    }, el("span", { "aria-hidden": "true" }, "?"), el("span", { class: "lbd-launcher-text" }, title));
    this.log = el("div", { class: "lbd-log", role: "region", "aria-label": t.conversation, tabindex: "-1" });
    this.live = el("div", { class: "lbd-sr", "aria-live": "polite" });
    this.status = el("p", { class: "lbd-status", role: "status" }, t.offline);
    this.input = el("textarea", { id: "lbd-input", rows: "2", placeholder: t.placeholder, autocomplete: "off" });
    const form = el("form", { class: "lbd-form" },
      el("label", { for: "lbd-input", class: "lbd-sr" }, t.message),
      this.input,
      el("button", { type: "submit", class: "lbd-send" }, t.send));
    const close = el("button", { type: "button", class: "lbd-close", "aria-label": t.close }, "×");
    this.panel = el("section", {
      id: "lbd-panel", class: "lbd-window", role: "dialog", "aria-labelledby": "lbd-title",
      lang: this.config.lang,
    },
      el("header", { class: "lbd-header" },
        el("div", {}, el("h2", { id: "lbd-title" }, title), el("p", {}, t.subtitle)), close),
      this.status, this.log, form, this.live);
    this.panel.hidden = true;
    // A landmark of its own, so that nothing of the widget sits outside one.
    this.root.append(el("style", {}, css), el("aside", { class: "lbd-root", "aria-label": title }, this.panel, this.launcher));

    this.launcher.addEventListener("click", () => (this.panel.hidden ? this.open(true) : this.close()));
    close.addEventListener("click", () => this.close());
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.typed();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.typed();
      }
    });
    document.body.append(this.host);
  }

  open(focus) {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.state.open = true;
    if (!this.state.greeted) {
      // The greeting in the page's language sets the bot's language too; it is not shown.
      this.state.greeted = true;
      this.connection.send(this.t.hello);
      this.typing(true);
    }
    this.save();
    this.log.scrollTop = this.log.scrollHeight;
    if (focus) this.input.focus();
  }

  close() {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.state.open = false;
    this.save();
    this.launcher.focus();
  }

  typed() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.choosing = false;
    this.say(text, text);
  }

  /** The user's turn: `shown` in the conversation, `sent` to the bot. */
  say(shown, sent) {
    for (const entry of this.state.messages) entry.answered = true;
    this.add({ from: "user", text: shown });
    this.turnStart = null;
    this.connection.send(sent);
    this.typing(true);
  }

  receive(message) {
    if (!message || typeof message !== "object") return;
    let entry = null;
    if (typeof message.text === "string") {
      const replies = (message.quick_replies || [])
        .filter((r) => r && typeof r.title === "string" && typeof r.payload === "string")
        .map(({ title, payload }) => ({ title, payload }));
      entry = { from: "bot", text: message.text, replies };
    } else if (message.custom?.type === "diagnosis" && typeof message.custom.html === "string") {
      entry = { from: "bot", custom: message.custom };
    }
    if (!entry) return; // nothing this widget shows (another channel's payload)
    this.typing(false);
    const node = this.add(entry);
    this.announce(entry.custom ? node.querySelector(".lbd-verdict")?.textContent : entry.text);
    this.turnStart = this.turnStart?.isConnected ? this.turnStart : node;
    // The start of the bot's answer stays in sight, however long the answer.
    this.log.scrollTop = Math.min(this.log.scrollHeight, this.turnStart.offsetTop - 8);
    if (this.choosing && entry.custom) {
      this.choosing = false;
      node.querySelector('[role="tab"][aria-selected="true"]')?.focus();
    }
  }

  add(entry) {
    this.state.messages.push(entry);
    this.save();
    const node = this.render(entry);
    this.log.append(node);
    this.showReplies();
    return node;
  }

  render(entry) {
    const t = this.t;
    const node = el("div", { class: `lbd-msg lbd-${entry.from}` });
    node.append(el("span", { class: "lbd-sr" }, entry.from === "user" ? t.you : t.bot));
    if (entry.custom) {
      const card = el("div", { class: "lbd-card-wrap" }, parseCard(entry.custom.html));
      node.append(card);
      // Enhance once in the shadow root, where the card's ids resolve.
      queueMicrotask(() => {
        const article = card.querySelector(".lbd-card");
        if (article) enhanceCard(article, { announce: (m) => this.announce(m), copyFailed: t.copyFailed });
      });
    } else {
      node.append(el("div", { class: "lbd-bubble" }, entry.from === "user" ? entry.text : renderMarkdown(entry.text)));
    }
    return node;
  }

  /** The answers offered by the last bot message (or the starters before the first turn). */
  showReplies() {
    this.log.querySelector(".lbd-replies")?.remove();
    const messages = this.state.messages;
    const last = messages[messages.length - 1];
    if (!last || last.from !== "bot") return;
    let replies = last.answered ? [] : last.replies || [];
    if (!messages.some((m) => m.from === "user")) {
      replies = this.t.starters.map((text) => ({ title: text, payload: text }));
    }
    if (!replies.length) return;
    const group = el("div", { class: "lbd-replies", role: "group", "aria-label": this.t.answers });
    for (const reply of replies) {
      const button = el("button", { type: "button", class: "lbd-reply", "data-payload": reply.payload }, reply.title);
      button.addEventListener("click", () => {
        this.choosing = true;
        this.say(reply.title, reply.payload);
        this.input.focus({ preventScroll: true }); // until the next answers arrive
      });
      group.append(button);
    }
    this.log.append(group);
    if (this.choosing) {
      this.choosing = false;
      group.querySelector("button").focus();
    }
  }

  typing(on) {
    this.log.querySelector(".lbd-typing")?.remove();
    if (!on) return;
    this.log.append(el("div", { class: "lbd-typing" },
      el("span", { class: "lbd-sr" }, this.t.typing),
      ...[1, 2, 3].map(() => el("span", { class: "lbd-dot", "aria-hidden": "true" }))));
    this.log.scrollTop = this.log.scrollHeight;
  }

  announce(text) {
    if (!text) return;
    const line = el("p", {}, text.replace(/```\w*|\*\*|`/g, ""));
    this.live.append(line);
    while (this.live.childNodes.length > 3) this.live.firstChild.remove();
  }

  destroy() {
    this.connection.close();
    this.host.remove();
  }
}

export function mount(config) {
  return new Widget(config);
}
