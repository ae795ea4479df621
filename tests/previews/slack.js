// Draws a Block Kit message the way Slack's clients show it, for the block and element types
// LB Doctor sends. Slack has no offline renderer: this is our own approximation, so every type
// it does not know is reported (and drawn as a warning) rather than skipped: the preview cannot
// drift silently from what the renderers emit.
"use strict";

let unknown = [];

function el(tag, className, ...children) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.append(...children);
  return element;
}

function unsupported(kind) {
  unknown.push(kind);
  return el("div", "sk-unknown", `Not drawn by this preview: ${kind}`);
}

// Slack sends mrkdwn with &, < and > escaped; anything else is literal text.
const ENTITIES = { "&lt;": "<", "&gt;": ">", "&amp;": "&" };
const unescape = (text) => text.replace(/&(?:lt|gt|amp);/g, (entity) => ENTITIES[entity]);

// `code`, <url|text>, *bold*, _italic_, ~strike~ (the markers only at word edges, as in Slack).
const INLINE =
  /`([^`\n]+)`|<((?:https?|mailto):[^<>|]*)(?:\|([^<>]*))?>|(?<!\w)\*([^*\n]+)\*(?!\w)|(?<!\w)_([^_\n]+)_(?!\w)|(?<!\w)~([^~\n]+)~(?!\w)/g;

// Every piece becomes a text node or an element holding text nodes: nothing becomes markup.
function inline(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const [whole, code, url, label, bold, italic, strike] = match;
    nodes.push(unescape(text.slice(last, match.index)));
    last = match.index + whole.length;
    if (code !== undefined) nodes.push(el("code", "", unescape(code)));
    else if (url !== undefined) {
      const link = el("a", "", unescape(label ?? url));
      link.href = unescape(url);
      nodes.push(link);
    } else if (bold !== undefined) nodes.push(el("b", "", ...inline(bold)));
    else if (italic !== undefined) nodes.push(el("i", "", ...inline(italic)));
    else nodes.push(el("s", "", ...inline(strike)));
  }
  nodes.push(unescape(text.slice(last)));
  return nodes;
}

// ``` fences first (an unmatched one stays literal), then inline markup in the rest.
function mrkdwn(text) {
  const parts = text.split("```");
  if (parts.length % 2 === 0) {
    const tail = parts.pop();
    parts.push(parts.pop() + "```" + tail);
  }
  return parts.flatMap((part, i) =>
    i % 2 ? [el("pre", "", unescape(part))] : inline(part.replace(/^\n|\n$/g, "")),
  );
}

function textObject(text) {
  if (text.type === "mrkdwn") return mrkdwn(text.text);
  if (text.type === "plain_text") return [text.text];
  return [unsupported(`text object ${text.type}`)];
}

function button(element) {
  if (element.type !== "button") return unsupported(`element ${element.type}`);
  return el("button", `sk-button ${element.style || ""}`, ...textObject(element.text));
}

const BLOCKS = {
  header: (block) => el("div", "sk-header", ...textObject(block.text)),
  divider: () => el("hr", "sk-divider"),
  section: (block) => {
    const parts = [el("div", "sk-text", ...(block.text ? textObject(block.text) : []))];
    if (block.fields) {
      const fields = block.fields.map((field) => el("div", "sk-text", ...textObject(field)));
      parts.push(el("div", "sk-fields", ...fields));
    }
    if (block.accessory) parts.push(button(block.accessory));
    return el("div", "sk-section", ...parts);
  },
  // Context elements are text objects or images; images are reported by textObject.
  context: (block) =>
    el("div", "sk-context", ...block.elements.map((e) => el("span", "", ...textObject(e)))),
  actions: (block) => el("div", "sk-actions", ...block.elements.map(button)),
};

// Draws `message` ({blocks, snippets}) into #blocks; returns the types it could not draw.
window.render = (message) => {
  unknown = [];
  const drawn = message.blocks.map((block) =>
    Object.hasOwn(BLOCKS, block.type)
      ? BLOCKS[block.type](block)
      : unsupported(`block ${block.type}`),
  );
  // Snippets are uploaded into the same thread as files: shown as Slack shows a text file.
  const files = (message.snippets || []).map((s) => {
    const title = el("div", "sk-file-title", s.title, el("span", "", s.filename));
    return el("div", "sk-file", title, el("pre", "", s.content));
  });
  document.getElementById("blocks").replaceChildren(...drawn, ...files);
  return unknown;
};
