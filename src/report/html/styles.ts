/** The page's only stylesheet, inlined so a saved report opens offline exactly as served. */
export const REPORT_CSS = `
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #d9d9de; --bg-soft: #f6f7f9; --accent: #2f5d9b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "DejaVu Sans", Helvetica, Arial, sans-serif; color: var(--fg); background: white; }
header.page { padding: 14px 24px 8px; border-bottom: 1px solid var(--line); }
header.page h1 { margin: 0 0 4px; font-size: 20px; }
header.page p { margin: 0; color: var(--muted); }
nav.sections { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 6px; }
nav.sections a { color: var(--accent); text-decoration: none; }
main { padding: 8px 24px 40px; }
h2 { margin: 28px 0 8px; font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin: 22px 0 6px; font-size: 15px; }
p.lead, p.note { color: var(--muted); margin: 4px 0 10px; max-width: 70em; }
a { color: var(--accent); }
.filters { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 8px 24px; background: var(--bg-soft); border-bottom: 1px solid var(--line); }
.filters label { display: inline-flex; gap: 6px; align-items: center; }
.filters select { font: inherit; padding: 2px 4px; }
.filters .count { color: var(--muted); }
.figure-grid { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
figure.figure { margin: 0; padding: 8px; border: 1px solid var(--line); border-radius: 4px; background: white; max-width: 100%; overflow-x: auto; }
figure.figure svg { display: block; max-width: none; height: auto; }
section .fragment-placeholder { margin: 12px 0; }
figure.figure .figure-placeholder { min-width: 320px; min-height: 240px; display: flex; align-items: center; justify-content: center; gap: 4px; }
figure.figure figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
body[data-curves="best"] figure[data-kind="accuracy-band"], body[data-curves="band"] figure[data-kind="accuracy-best"] { display: none; }
[hidden], .filtered-out { display: none !important; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table.data { border-collapse: collapse; margin: 6px 0 4px; font-size: 13px; }
table.data caption { text-align: left; color: var(--muted); caption-side: bottom; padding-top: 4px; font-size: 12px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
table.data th { background: var(--bg-soft); white-space: nowrap; position: relative; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data th button { all: unset; cursor: pointer; }
table.data th button::after { content: " \\2195"; color: #aaa; font-size: 11px; }
table.data th[aria-sort="ascending"] button::after { content: " \\2191"; color: var(--fg); }
table.data th[aria-sort="descending"] button::after { content: " \\2193"; color: var(--fg); }
table.data tr.reference td { background: #fbfbf3; }
td code, pre code { font: 12px/1.4 "DejaVu Sans Mono", Menlo, monospace; }
td code.command { white-space: pre-wrap; overflow-wrap: break-word; display: block; min-width: 30em; max-width: 48em; font-size: 11px; }
table.runs td:first-child { font-size: 11px; min-width: 14em; }
.status-ok { color: #1a7f37; } .status-failed { color: #b3261e; font-weight: bold; } .status-not_supported, .status-not_available { color: var(--muted); }
.verdict-slower, .verdict-lower, .verdict-none-reproduced, .verdict-some-not-reproduced { color: #b3261e; }
.verdict-faster, .verdict-higher { color: #1a7f37; }
.reason { display: block; color: var(--muted); font-size: 12px; max-width: 40em; }
ul.warnings li { margin-bottom: 4px; }
p.caveat { border-left: 4px solid #c77c00; background: #fff6e5; padding: 6px 10px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 4px 0 10px; font-size: 13px; }
dl.kv dt { color: var(--muted); } dl.kv dd { margin: 0; word-break: break-word; }
dl.kv dl.kv { margin: 0; }
details > summary { cursor: pointer; color: var(--accent); }
pre.raw { background: var(--bg-soft); padding: 8px; overflow-x: auto; max-height: 28em; font-size: 12px; }
form.inline { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.delta-worse { color: #b3261e; } .delta-better { color: #1a7f37; }
`;
