// Entry point. Either one tag:
//   <script src=".../lbdoctor-widget.js" data-bot-url="http://localhost:5005" data-lang="en"
//           data-title="Help" data-color="#c7000b" defer></script>
// or `window.LBDoctorConfig = {botUrl, lang, title, color}` set before the script loads.
// `window.LBDoctorWidget.mount(config)` mounts one more (it returns an object with destroy()).
import { parseHex } from "./color.js";
import { mount } from "./widget.js";

const DEFAULT_COLOR = "#c7000b";
const script = document.currentScript; // only defined while this file first runs

function readConfig(given) {
  const botUrl = String(given.botUrl || "").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+$/.test(botUrl)) {
    throw new Error(`LB Doctor widget: the bot URL must be http(s)://host[:port], not "${given.botUrl}"`);
  }
  const pageLang = document.documentElement.lang || navigator.language || "en";
  const lang = given.lang || pageLang;
  if (given.color && !parseHex(given.color)) {
    console.warn(`LB Doctor widget: colour "${given.color}" is not #rgb or #rrggbb; using the default`);
  }
  return {
    botUrl,
    lang: String(lang).toLowerCase().startsWith("pt") ? "pt" : "en",
    title: given.title || "",
    color: parseHex(given.color) ? given.color : DEFAULT_COLOR,
  };
}

function start() {
  const data = script?.dataset ?? {};
  const given = window.LBDoctorConfig || (data.botUrl ? data : null);
  if (given) window.LBDoctorWidget.instance = mount(readConfig(given));
}

window.LBDoctorWidget = { mount: (config) => mount(readConfig(config)) };
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
