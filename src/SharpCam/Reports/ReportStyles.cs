namespace SharpCam.Reports;

/// <summary>The report's stylesheet: system fonts only (no downloads), light and dark schemes, no inline styles.</summary>
internal static class ReportStyles
{
    public const string Source = """
:root { color-scheme: light dark; --bg: #f6f7f9; --panel: #fff; --text: #1d2430; --muted: #5b6575; --line: #d9dee6;
  --accent: #1f5f8b; --good: #1e7a46; --bad: #b3261e; --warn-bg: #fff6db; --warn-line: #e0b84a;
  --cool: 31, 95, 139; --warm: 179, 38, 30; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171c; --panel: #1d2128; --text: #e6e9ee; --muted: #9aa4b2; --line: #343a45;
    --accent: #7fb6e0; --good: #5cc28a; --bad: #f08078; --warn-bg: #3a3220; --warn-line: #8a7030;
    --cool: 127, 182, 224; --warm: 240, 128, 120; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header, nav, main { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; font-weight: 650; }
h2 { font-size: 1.25rem; margin: 0 0 12px; font-weight: 650; }
h3 { font-size: 1.05rem; margin: 20px 0 8px; }
.sub { color: var(--muted); margin: 0; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 8px 0 0; margin: 0; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 20px 24px; margin: 20px 0; }
.note { color: var(--muted); margin: 0 0 12px; }
.warnings { background: var(--warn-bg); border-color: var(--warn-line); }
.warnings li { overflow-wrap: anywhere; }
.flag { background: var(--warn-bg); border-left: 4px solid var(--warn-line); padding: 8px 12px; margin: 12px 0; }
.facts, .stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px 24px; margin: 0; }
.facts dt, .stats dt { color: var(--muted); font-size: .85rem; }
.facts dd, .stats dd { margin: 0; overflow-wrap: anywhere; }
.stats dd { font-size: 1.6rem; font-weight: 650; font-variant-numeric: tabular-nums; }
figure { margin: 16px 0 0; }
figcaption { color: var(--muted); font-size: .9rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); font-size: .9rem; padding-bottom: 6px; }
th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; }
thead th { background: var(--bg); font-weight: 600; }
td.num, .confusion td { text-align: right; }
.per-class meter { width: 140px; vertical-align: middle; }
.confusion th { white-space: nowrap; }
.confusion td { min-width: 3.2em; }
.confusion td.diag { font-weight: 600; }
.confusion .diag.s1 { background: rgba(var(--cool), .08); } .confusion .off.s1 { background: rgba(var(--warm), .08); }
.confusion .diag.s2 { background: rgba(var(--cool), .18); } .confusion .off.s2 { background: rgba(var(--warm), .18); }
.confusion .diag.s3 { background: rgba(var(--cool), .30); } .confusion .off.s3 { background: rgba(var(--warm), .30); }
.confusion .diag.s4 { background: rgba(var(--cool), .42); } .confusion .off.s4 { background: rgba(var(--warm), .42); }
.confusion .diag.s5 { background: rgba(var(--cool), .55); } .confusion .off.s5 { background: rgba(var(--warm), .55); }
a.cell { font-weight: 600; }
.pairs li { margin: 2px 0; }
.sanity tr.flagged th { color: var(--bad); }
.filters { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; margin-bottom: 14px; }
.filters select, .filters button, .more { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--text); }
.filters button, .more { cursor: pointer; }
.status { margin: 0 0 0 auto; color: var(--muted); }
.cards { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 16px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px; background: var(--panel); }
.card.wrong { border-color: rgba(var(--warm), .55); }
.card[hidden] { display: none; }
.fig { width: fit-content; max-width: 100%; margin: 0 auto; }
.legend { display: grid; grid-template-columns: repeat(3, 1fr); margin: 2px 0 0; text-align: center; font-size: .8rem; color: var(--muted); }
.legend.two { grid-template-columns: repeat(2, 1fr); }
.zoom { display: block; width: 100%; padding: 0; border: 0; background: none; cursor: zoom-in; }
.zoom img { display: block; max-width: 100%; height: auto; margin: 0 auto; border-radius: 4px; }
.wide .zoom img { max-width: min(100%, 720px); margin: 0; }
.placeholder { display: flex; align-items: center; justify-content: center; flex-direction: column; min-height: 120px; padding: 12px;
  border: 2px dashed var(--warn-line); border-radius: 6px; color: var(--muted); text-align: center; overflow-wrap: anywhere; }
.meta p { margin: 6px 0 0; }
.title { display: flex; justify-content: space-between; gap: 8px; }
.id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; color: var(--muted); overflow-wrap: anywhere; }
.badge { font-size: .8rem; padding: 0 8px; border-radius: 10px; border: 1px solid currentColor; white-space: nowrap; }
.badge.good { color: var(--good); } .badge.bad { color: var(--bad); }
.target { color: var(--muted); font-size: .9rem; }
.topk { list-style: none; padding: 0; margin: 6px 0 0; font-size: .9rem; }
.topk li { display: grid; grid-template-columns: 1fr 90px 4em; gap: 8px; align-items: center; }
.topk .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.topk meter { width: 100%; }
.num { text-align: right; }
.more { display: block; margin: 16px auto 0; }
.more[hidden] { display: none; }
dialog { max-width: 95vw; max-height: 95vh; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); color: var(--text); padding: 12px; }
dialog::backdrop { background: rgba(0, 0, 0, .6); }
dialog img { display: block; max-width: 90vw; max-height: 80vh; }
dialog.map img { width: min(90vw, 720px); height: auto; }
dialog p { max-width: 720px; }
dialog form { text-align: right; }
dialog .close { font: inherit; font-size: 1.2rem; border: 0; background: none; color: var(--text); cursor: pointer; }
footer { max-width: 1200px; margin: 0 auto; padding: 0 24px 32px; color: var(--muted); font-size: .85rem; }
""";
}
