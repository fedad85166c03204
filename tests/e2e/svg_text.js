// The contrast of every text in an inline SVG with what is painted beneath it; axe-core
// leaves SVG text out of its colour-contrast rule. Returns the texts below WCAG AA.
() => {
  const rgba = (value) => {
    const parts = (value.match(/[\d.]+/g) || []).map(Number);
    return parts.length >= 3 ? [...parts.slice(0, 3), parts.length > 3 ? parts[3] : 1] : null;
  };
  const over = (top, below) => top.slice(0, 3).map((c, i) => c * top[3] + below[i] * (1 - top[3])).concat(1);
  const luminance = ([r, g, b]) => {
    const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const pageBackground = (element) => {
    for (let node = element; node instanceof Element; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0) return over(colour, [255, 255, 255]);
    }
    return [255, 255, 255, 1];
  };
  // The colours a fill may paint: a plain colour, or each colour of a pattern.
  const paints = (svg, shape) => {
    const fill = getComputedStyle(shape).fill;
    const opacity = Number(getComputedStyle(shape).fillOpacity) * Number(getComputedStyle(shape).opacity);
    const url = fill.match(/url\("?#([^")]+)"?\)/);
    if (!url) {
      const colour = rgba(fill);
      return colour ? [[...colour.slice(0, 3), colour[3] * opacity]] : [];
    }
    const pattern = svg.ownerDocument.getElementById(url[1]);
    const colours = [];
    for (const part of pattern ? pattern.querySelectorAll("*") : []) {
      for (const value of [getComputedStyle(part).fill, getComputedStyle(part).stroke]) {
        const colour = rgba(value);
        if (colour && value !== "none") colours.push(colour);
      }
    }
    return colours;
  };
  const failures = [];
  for (const svg of document.querySelectorAll("svg")) {
    const shapes = [...svg.querySelectorAll("rect, circle, ellipse, path, polygon")].filter(
      (shape) => !shape.closest("defs, pattern, symbol, clipPath, mask"));
    for (const text of svg.querySelectorAll("text")) {
      const box = text.getBoundingClientRect();
      if (!box.width || !text.textContent.trim()) continue;
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      const beneath = shapes.filter((shape) => {
        if (!(shape.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING)) return false;
        const r = shape.getBoundingClientRect();
        return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
      });
      // Paint from the page up through every shape beneath, keeping each colour a pattern has.
      let grounds = [pageBackground(svg)];
      for (const shape of beneath) {
        const colours = paints(svg, shape);
        if (colours.length) grounds = colours.flatMap((c) => grounds.map((g) => over(c, g)));
      }
      const ink = rgba(getComputedStyle(text).fill);
      if (!ink) continue;
      const size = parseFloat(getComputedStyle(text).fontSize);
      const bold = Number(getComputedStyle(text).fontWeight) >= 700;
      const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      for (const ground of grounds) {
        const found = ratio(over(ink, ground), ground);
        if (found < needed) {
          failures.push({text: text.textContent.trim(), ink: hex(ink), ground: hex(ground),
                         ratio: Math.round(found * 100) / 100, needed, size});
        }
      }
    }
  }
  return failures;
}
