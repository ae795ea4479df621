// Renders one Adaptive Card with Microsoft's own renderer (npm `adaptivecards`) the way Teams
// would: a host config with Teams' light-theme values (approximated from Microsoft's published
// sample host config for Teams; its green and yellow darkened to be legible on white), Teams'
// CodeBlock element, and Markdown in text blocks (the renderer uses markdown-it when present).
"use strict";

const AC = window.AdaptiveCards;

// CodeBlock is Teams' own element, outside the Adaptive Cards schema, so Microsoft's renderer
// does not know it; Teams draws it as a titled monospace box (it also highlights, we do not).
class CodeBlock extends AC.CardElement {
  static codeSnippetProperty = new AC.StringProperty(AC.Versions.v1_0, "codeSnippet", true);
  static languageProperty = new AC.StringProperty(AC.Versions.v1_0, "language", true);

  getJsonTypeName() {
    return "CodeBlock";
  }

  internalRender() {
    const box = document.createElement("figure");
    box.className = "teams-codeblock";
    const caption = document.createElement("figcaption");
    caption.textContent = this.getValue(CodeBlock.languageProperty) || "";
    const pre = document.createElement("pre");
    pre.textContent = this.getValue(CodeBlock.codeSnippetProperty) || "";
    box.append(caption, pre);
    return box;
  }
}
AC.GlobalRegistry.elements.register("CodeBlock", CodeBlock, AC.Versions.v1_5);

const TEXT = { default: "#242424", subtle: "#616161" };
const COLOURS = {
  default: TEXT,
  dark: TEXT,
  light: { default: "#ffffff", subtle: "#f3f2f1" },
  accent: { default: "#5b5fc7", subtle: "#8b8cc7" },
  good: { default: "#237b4b", subtle: "#92c353" },
  warning: { default: "#835c00", subtle: "#f8d22a" },
  attention: { default: "#c4314b", subtle: "#e5c4314b" },
};
const FONT_SIZES = { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 };
const FONT_WEIGHTS = { lighter: 200, default: 400, bolder: 600 };

const HOST_CONFIG = new AC.HostConfig({
  supportsInteractivity: true,
  spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: "#e0e0e0" },
  fontTypes: {
    default: {
      fontFamily: "'Segoe UI', 'Helvetica Neue', 'DejaVu Sans', sans-serif",
      fontSizes: FONT_SIZES,
      fontWeights: FONT_WEIGHTS,
    },
    monospace: {
      fontFamily: "Consolas, 'Courier New', 'DejaVu Sans Mono', monospace",
      fontSizes: FONT_SIZES,
      fontWeights: FONT_WEIGHTS,
    },
  },
  containerStyles: {
    default: { backgroundColor: "#ffffff", foregroundColors: COLOURS },
    emphasis: { backgroundColor: "#f5f5f5", foregroundColors: COLOURS },
  },
  // Teams shows at most six buttons and opens a ShowCard inside the card.
  actions: {
    maxActions: 6,
    buttonSpacing: 8,
    showCard: { actionMode: "Inline", inlineTopMargin: 16, style: "emphasis" },
    actionsOrientation: "Horizontal",
    actionAlignment: "Left",
  },
});

// What the renderer reported, by the names of its enums rather than their numbers.
function named(event) {
  return {
    phase: AC.ValidationPhase[event.phase],
    event: AC.ValidationEvent[event.event],
    message: event.message,
  };
}

// Parses, validates and draws `json` into #card; returns the renderer's parse and validation
// events (each a problem Teams' own renderer would also meet).
window.render = (json) => {
  const card = new AC.AdaptiveCard();
  card.hostConfig = HOST_CONFIG;
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) events.push(named(context.getEventAt(i)));
  events.push(...card.validateProperties().validationEvents.map(named));
  const target = document.getElementById("card");
  target.replaceChildren(card.render() || "");
  return events;
};
