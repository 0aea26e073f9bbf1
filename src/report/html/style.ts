/** The HTML report's stylesheet (inlined). */
export const PAGE_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2125; background: #fafbfc; }
header { position: sticky; top: 0; z-index: 10; background: #fff; border-bottom: 1px solid #d8dee4; padding: 8px 20px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
main { padding: 0 20px 40px; max-width: 1200px; }
h2 { font-size: 18px; margin: 24px 0 8px; word-break: break-all; }
h3 { font-size: 16px; margin: 22px 0 8px; border-bottom: 1px solid #d8dee4; padding-bottom: 4px; }
h4 { font-size: 14px; margin: 14px 0 4px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
table.list { border-collapse: collapse; width: 100%; font-size: 13px; background: #fff; }
table.list th, table.list td { border: 1px solid #e1e4e8; padding: 3px 6px; text-align: left; vertical-align: top; }
table.list th { background: #f3f5f7; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.stateful { color: #9a6700; font-weight: 600; }
.stateless { color: #1a7f37; font-weight: 600; }
.role { color: #57606a; font-weight: normal; }
ul.why { margin: 0; padding-left: 16px; }
ul.problems li { margin: 2px 0; }
.where { color: #57606a; }
.more { color: #57606a; font-style: italic; }
.error { color: #cf222e; font-weight: 600; }
.restart { color: #a40e26; }
section.endpoint { background: #fff; border: 1px solid #e1e4e8; border-radius: 6px; padding: 6px 12px 10px; margin: 10px 0; }
.chart { min-height: 200px; }
.hover { font: 12px ui-monospace, monospace; color: #57606a; min-height: 16px; }
figure.ladder { background: #fff; border: 1px solid #e1e4e8; border-radius: 6px; margin: 12px 0; padding: 6px 10px; overflow-x: auto; content-visibility: auto; }
figure.ladder:target, tr:target, section.endpoint:target { outline: 2px solid #0969da; }
figcaption { font-weight: 600; margin-bottom: 4px; line-height: 19px; height: 19px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
figcaption a.up { font-weight: normal; font-size: 12px; margin-left: 8px; }
svg.ladder { display: block; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
svg.ladder .life { stroke: #57606a; stroke-width: 2; }
svg.ladder .end { font-weight: 700; font-family: system-ui, sans-serif; }
svg.ladder .addr { fill: #57606a; }
svg.ladder .arrow line { stroke: #0969da; stroke-width: 1.5; }
svg.ladder .arrow path { fill: #0969da; }
svg.ladder .arrow[data-from="server"] line { stroke: #8250df; }
svg.ladder .arrow[data-from="server"] path { fill: #8250df; }
svg.ladder .label { font-weight: 700; }
svg.ladder .detail, svg.ladder .time { fill: #57606a; font-size: 11px; }
svg.ladder .num { font-weight: 700; }
svg.ladder .note { fill: #bc4c00; font-size: 11px; }
svg.ladder .warn line { stroke-dasharray: 5 3; }
svg.ladder .state { fill: #1a7f37; font-size: 11px; font-weight: 600; }
svg.ladder .fold { fill: #57606a; font-style: italic; }
label.search input { width: 260px; margin-left: 6px; }
footer { padding: 16px 20px; color: #57606a; font-size: 12px; }
footer pre { white-space: pre-wrap; }
[hidden] { display: none !important; }
[id] { scroll-margin-top: 72px; }
`;
