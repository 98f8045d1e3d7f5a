"""The CSS and the one click handler the HTML panels share; plain strings, no Gradio.

CSS is scoped to each panel by gr.HTML(css_template=...). JS runs once per panel
(gr.HTML(js_on_load=...)) and delegates clicks, so it keeps working when the HTML is replaced.
"""

from __future__ import annotations

# Clicking [n] or a citation card shows that citation's source and scrolls to its <mark>.
OPEN_CITATION_JS = """
element.addEventListener('click', (event) => {
  const link = event.target.closest('[data-cite]');
  if (!link || link.tagName === 'SECTION' || !element.contains(link)) return;
  event.preventDefault();
  const key = link.dataset.cite;
  // Each answer (a conversation turn) opens its own sources: one turn's [1] is not another's.
  const scope = link.closest('.result') || element;
  let view = null;
  scope.querySelectorAll('section.src-view').forEach((v) => {
    v.hidden = v.dataset.cite !== key;
    if (!v.hidden) view = v;
  });
  scope.querySelectorAll('.cite, .cite-ref').forEach((c) => {
    c.classList.toggle('active', c.dataset.cite === key);
  });
  const empty = scope.querySelector('.src-empty');
  if (empty) empty.hidden = view !== null;
  if (!view) return;
  view.scrollIntoView({block: 'nearest'});
  // Scroll only the article box, so the page itself stays where the reader is.
  const box = view.querySelector('.article');
  const mark = view.querySelector('mark');
  if (box && mark) box.scrollTop = mark.offsetTop - (box.clientHeight - mark.offsetHeight) / 2;
});
"""

CSS = """
.box { border-radius: 8px; padding: 10px 14px; margin: 8px 0; border: 1px solid; }
.box.error { background: #fdecea; border-color: #e0a3a0; color: #7a1c14; }
.box.notice { background: #eef4fb; border-color: #a9c4e4; color: #1d3d63; }
.box.warn { background: #fff6e0; border-color: #e8c36a; color: #5c4200; }
.box.ok { background: #eaf6ec; border-color: #9fd0a8; color: #1f5229; }
.box.abstain { background: #f3f0fa; border-color: #b9abdd; color: #3a2d63;
  border-left: 6px solid #7a62c4; }
.box p { margin: 6px 0 0; }
.box b, .box p, .box li, .box ul { color: inherit; }  /* Gradio's dark theme recolours these */
.placeholder { color: var(--body-text-color-subdued, #666); padding: 16px; font-style: italic; }
.meta { color: var(--body-text-color-subdued, #666); font-size: 0.85em; }
.result { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px;
  align-items: start; }
@media (max-width: 900px) { .result { grid-template-columns: minmax(0, 1fr); } }
.answer-text { font-size: 1.08em; line-height: 1.6; }
.turn { padding: 10px 0 4px; }
.turn + .turn { border-top: 1px solid var(--border-color-primary, #ddd); margin-top: 12px; }
.asked { font-weight: 600; margin: 0 0 4px; }
.asked .meta { font-weight: normal; margin-right: 6px; }
.understood-as { margin: 0 0 6px; font-style: italic; }
.sent.unverified { background: #fff1f0; text-decoration: underline dotted #c0392b; }
.cite-ref { font-weight: 600; text-decoration: none; color: var(--link-text-color, #2563eb);
  cursor: pointer; padding: 0 1px; }
.cite-ref.active { background: #ffe066; color: #000; border-radius: 3px; }
.cites { display: flex; flex-direction: column; gap: 8px; }
.cite { display: block; width: 100%; text-align: left; cursor: pointer; padding: 8px 12px;
  border: 1px solid var(--border-color-primary, #ddd); border-radius: 8px;
  background: var(--block-background-fill, #fff); color: inherit; font: inherit; }
.cite:hover, .cite:focus-visible { border-color: #2563eb; outline: none; }
.cite.active { border-color: #2563eb; box-shadow: 0 0 0 2px #bfd3fb; }
.cite .n { font-weight: 700; color: var(--link-text-color, #2563eb); }
.cite .title { font-weight: 600; }
.cite .quote { display: block; margin: 4px 0; font-style: italic; }
.cite .meta { display: block; }
.context { display: block; margin: 2px 0 4px; }
.badge { display: inline-block; font-size: 0.75em; padding: 1px 6px; border-radius: 10px;
  margin-left: 6px; vertical-align: middle; font-style: normal; }
.badge.ok { background: #d8f0dc; color: #1f5229; }
.badge.bad { background: #fbd9d5; color: #7a1c14; }
.sources { position: sticky; top: 8px; }
.src-view, .reader { border: 1px solid var(--border-color-primary, #ddd); border-radius: 8px;
  padding: 10px 14px; }
.src-head { margin-bottom: 8px; }
.article { position: relative; white-space: pre-wrap; line-height: 1.55; max-height: 60vh;
  overflow-y: auto; overflow-wrap: anywhere; }
.reader .article { max-height: 70vh; }
mark { background: #ffe066; color: #000; padding: 1px 0; border-radius: 2px;
  box-shadow: 0 0 0 2px #ffe066; }
table.compare { width: 100%; border-collapse: collapse; margin-top: 8px; }
table.compare th, table.compare td { border: 1px solid var(--border-color-primary, #ddd);
  padding: 6px 10px; vertical-align: top; text-align: left; }
table.compare tr.silent td { color: var(--body-text-color-subdued, #777); }
.said { margin: 0 0 6px; }
.said.disputed { border-left: 4px solid #e8a33a; padding-left: 8px; background: #fffaf0; }
.fig { font-weight: 700; background: #fff1c2; color: #000; border-radius: 3px; padding: 0 2px; }
.stats { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
.stat { border: 1px solid var(--border-color-primary, #ddd); border-radius: 8px;
  padding: 8px 14px; min-width: 120px; }
.stat b { display: block; font-size: 1.4em; }
.stat.fail b { color: #b3261e; }
.stat.pass b { color: #1f7a33; }
.figure-chart, .eval-charts { margin: 10px 0; }
.eval-charts { display: flex; flex-wrap: wrap; gap: 12px; }
.figure-chart svg, .eval-chart svg { display: block; max-width: 100%; height: auto;
  border: 1px solid var(--border-color-primary, #ddd); border-radius: 8px; }
.eval-chart svg { padding: 4px 10px; background: #fff; }  /* its text starts at x=0 */
"""
