// One file to embed: the widget, socket.io-client, highlight.js (YAML only) and the CSS as text.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  loader: { ".css": "text" },
  outfile: "dist/lbdoctor-widget.js",
  legalComments: "linked",
  logLevel: "warning",
});
