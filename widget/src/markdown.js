// The light markdown the bot writes (paragraphs, "- " lists, **bold**, `code`, ``` fences,
// [links](https://…) and bare https links), built as DOM nodes: text only ever becomes text
// nodes, so nothing a user or the bot wrote can become markup.

const INLINE = /(\*\*([^*]+)\*\*)|(`([^`]+)`)|(\[([^\]]+)\]\((https?:\/\/[^\s)]+)\))|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?])/g;

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

function inline(text, parent) {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    parent.append(text.slice(last, m.index));
    if (m[1]) {
      const strong = document.createElement("strong");
      strong.textContent = m[2];
      parent.append(strong);
    } else if (m[3]) {
      const code = document.createElement("code");
      code.textContent = m[4];
      parent.append(code);
    } else if (m[5]) {
      parent.append(link(m[7], m[6]));
    } else {
      parent.append(link(m[8], m[8]));
    }
    last = m.index + m[0].length;
  }
  parent.append(text.slice(last));
  return parent;
}

function block(lines, parent) {
  // A run of "- " lines is a list; anything else a paragraph with line breaks kept.
  let list = null;
  let para = [];
  const flush = () => {
    if (!para.length) return;
    const p = document.createElement("p");
    para.forEach((line, i) => {
      if (i) p.append(document.createElement("br"));
      inline(line, p);
    });
    parent.append(p);
    para = [];
  };
  for (const line of lines) {
    if (/^\s*[-*] /.test(line)) {
      flush();
      if (!list) list = parent.appendChild(document.createElement("ul"));
      list.append(inline(line.replace(/^\s*[-*] /, ""), document.createElement("li")));
    } else if (line.trim() === "") {
      flush();
      list = null;
    } else {
      list = null;
      para.push(line);
    }
  }
  flush();
}

/** The bot's text as a fragment of paragraphs, lists and code blocks. */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  const lines = String(text).split("\n");
  let prose = [];
  for (let i = 0; i < lines.length; i += 1) {
    const fence = /^```([\w-]*)\s*$/.exec(lines[i]);
    if (!fence) {
      prose.push(lines[i]);
      continue;
    }
    block(prose, fragment);
    prose = [];
    const body = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i]); i += 1) body.push(lines[i]);
    const pre = fragment.appendChild(document.createElement("pre"));
    const code = pre.appendChild(document.createElement("code"));
    if (fence[1]) code.className = `language-${fence[1]}`;
    code.textContent = body.join("\n");
  }
  block(prose, fragment);
  return fragment;
}
