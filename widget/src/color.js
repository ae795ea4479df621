// The page picks the widget's colour; these keep every text on it readable (WCAG AA, 4.5:1).

const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];

/** "#rgb" or "#rrggbb" as [r, g, b]; null for anything else. */
export function parseHex(value) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(value || "").trim());
  if (!m) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const hex = (rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;

/** The brand colour, the text colour to put on it (black or white, whichever reads better:
 * one of them always reaches 4.5:1) and an "ink" shade of the brand dark enough for text,
 * borders and focus rings on white. */
export function palette(brandHex) {
  const brand = parseHex(brandHex);
  const onBrand = contrast(brand, WHITE) >= contrast(brand, BLACK) ? WHITE : BLACK;
  let ink = brand;
  while (contrast(ink, WHITE) < 4.5) ink = ink.map((c) => c * 0.9);
  return { brand: hex(brand), onBrand: hex(onBrand), ink: hex(ink) };
}
