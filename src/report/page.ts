// The frame every report page shares: head, style sheet, title, a lead paragraph, and the
// sections as a grid of cards. Self-contained: inline style only, no scripts, no requests.
import { esc } from './svg.js';

export interface PageSection {
  id: string;
  heading: string;
  /** HTML. */
  body: string;
  /** Spans the whole width (rows of images, several charts side by side). */
  wide?: boolean;
}

/** The whole page: `title` and `lead` are text, each section's body is HTML. */
export function renderPage(title: string, lead: string, sections: readonly PageSection[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; color: #222; margin: 0 auto; max-width: 1240px; padding: 16px 24px; }
  /* A long path in the title or lead breaks anywhere rather than widen the page. */
  h1 { font-size: 1.5rem; margin: 0.2em 0; overflow-wrap: anywhere; }
  .lead { color: #555; margin-top: 0; overflow-wrap: anywhere; }
  /* Two columns where two sections fit, else one as wide as the screen; a table wider than its section scrolls inside it. */
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 18px; }
  section { border: 1px solid #ddd; border-radius: 8px; padding: 10px 14px; min-width: 0; overflow-x: auto; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 1.05rem; margin: 0.2em 0 0.5em; }
  svg { width: 100%; height: auto; display: block; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 480px), 1fr)); gap: 12px; align-items: start; }
  @media (max-width: 600px) { body { padding: 10px 12px; } }
  .tiles { display: flex; flex-wrap: wrap; gap: 10px; }
  figure { margin: 0; text-align: center; font-size: 12px; }
  figure img { image-rendering: pixelated; display: block; margin: 0 auto 3px; border: 1px solid #ccc; }
  figcaption.right { color: #007a5a; font-weight: 600; }
  figcaption.wrong { color: #b34700; font-weight: 600; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { padding: 3px 12px; text-align: right; }
  thead th { border-bottom: 1px solid #999; }
  tr.sep th, tr.sep td { border-top: 1px solid #999; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
  dt { color: #555; }
  dd { margin: 0; font-variant-numeric: tabular-nums; }
  .note { color: #666; font-style: italic; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="lead">${esc(lead)}</p>
<main>
${sections.map((s) => `<section id="${esc(s.id)}"${s.wide ? ' class="wide"' : ''}><h2>${esc(s.heading)}</h2>\n${s.body}\n</section>`).join('\n')}
</main>
</body>
</html>
`;
}
