// The diagnosis card arrives as server-rendered HTML (Jinja2, autoescaped) that reads fine
// without scripts: every fix panel shows. Here it becomes WAI-ARIA tabs, with highlighted YAML
// and a Copy button.
import hljs from "highlight.js/lib/core";
import yaml from "highlight.js/lib/languages/yaml";

hljs.registerLanguage("yaml", yaml);

// The card is ours, but it travels over the network: what it may never carry is dropped.
const UNSAFE = "script, style, iframe, object, embed, link, meta, base, form";

/** The card's HTML as a fragment, without scripts, handlers or script links. */
export function parseCard(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const fragment = template.content;
  fragment.querySelectorAll(UNSAFE).forEach((el) => el.remove());
  for (const el of fragment.querySelectorAll("*")) {
    for (const { name, value } of [...el.attributes]) {
      const url = (name === "href" || name === "src") && !/^(https?:|data:application\/yaml)/i.test(value);
      if (name.startsWith("on") || url) el.removeAttribute(name);
    }
  }
  return fragment;
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (an http page that is not localhost) or no permission.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position:fixed;top:0;left:0;opacity:0";
    document.body.append(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch {
      done = false;
    }
    area.remove();
    return done;
  }
}

function tabs(card) {
  const root = card.getRootNode();
  const list = [...card.querySelectorAll('[role="tab"]')];
  const panel = (tab) => root.getElementById(tab.getAttribute("aria-controls"));
  const select = (tab) => {
    for (const each of list) {
      const on = each === tab;
      each.setAttribute("aria-selected", String(on));
      each.tabIndex = on ? 0 : -1;
      const shown = panel(each);
      if (shown) shown.hidden = !on;
    }
  };
  for (const tab of list) {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const at = list.indexOf(tab);
      const next = {
        ArrowRight: list[(at + 1) % list.length],
        ArrowLeft: list[(at - 1 + list.length) % list.length],
        Home: list[0],
        End: list[list.length - 1],
      }[event.key];
      if (!next) return;
      event.preventDefault();
      select(next);
      next.focus();
    });
  }
  if (list.length) select(list.find((t) => t.getAttribute("aria-selected") === "true") || list[0]);
}

/** Tabs, highlighting and Copy on a card already in the page; `announce` speaks a result. */
export function enhanceCard(card, { announce, copyFailed }) {
  tabs(card);
  for (const code of card.querySelectorAll("code.language-yaml")) hljs.highlightElement(code);
  const root = card.getRootNode();
  for (const button of card.querySelectorAll("button.lbd-copy")) {
    button.hidden = false; // hidden in the card as sent: without scripts it cannot work
    const label = button.textContent;
    button.addEventListener("click", async () => {
      const code = root.getElementById(button.dataset.copy);
      if (!code) return;
      // textContent: the manifest as sent, whatever the highlighting wrapped it in.
      const copied = await copyText(code.textContent);
      button.focus();
      const message = copied ? button.dataset.copied || label : copyFailed;
      button.textContent = copied ? message : label;
      announce(message);
      if (copied) setTimeout(() => (button.textContent = label), 2500);
    });
  }
}
