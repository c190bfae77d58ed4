/**
 * A small grouped horizontal bar chart in SVG, written for the benchmark results (no chart
 * dependency). Each group is one metric (e.g. "pipelined 1 KiB, msgs/s"); its bars are the
 * implementations side by side, wampkit first. Groups hold figures of different scales, so each
 * group is scaled on its own: its largest bar spans the full width and every bar carries its
 * value as text.
 */

export interface Bar {
  /** Implementation name, e.g. "wampkit", "ws", "autobahn-js". */
  series: string;
  value: number;
}

export interface BarGroup {
  /** What the bars measure, unit included. */
  label: string;
  /** Says which way is better, shown next to the label. */
  better: 'higher' | 'lower';
  bars: Bar[];
}

export interface Chart {
  title: string;
  subtitle?: string;
  groups: BarGroup[];
}

const WIDTH = 760;
/** Narrowest label column; widened to fit the longest series name (~6.6 px per character). */
const MIN_LABEL_W = 130;
const CHAR_W = 6.6;
const VALUE_W = 90;
const BAR_H = 16;
const BAR_GAP = 3;
const GROUP_GAP = 14;
const GROUP_HEAD = 18;
const TOP = 48;
const PALETTE = [
  '#1f6feb',
  '#d4722c',
  '#6e7781',
  '#2da44e',
  '#a371f7',
  '#bf3989',
  '#9a6700',
  '#0a7d8c',
  '#cf222e',
  '#8c959f',
];

/** wampkit always gets the first colour; the others in order of first appearance. */
function colours(groups: readonly BarGroup[]): Map<string, string> {
  const names: string[] = [];
  for (const g of groups)
    for (const b of g.bars) if (!names.includes(b.series)) names.push(b.series);
  // Stable sort: plain "wampkit" first, then other wampkit series, then the peers.
  const rank = (n: string) => (n === 'wampkit' ? 0 : n.startsWith('wampkit') ? 1 : 2);
  names.sort((a, b) => rank(a) - rank(b));
  return new Map(names.map((n, i) => [n, PALETTE[i % PALETTE.length]!]));
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** 1234567 -> "1.23M", 0.0123 -> "0.0123": short, with three significant digits. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

export function renderBarChart(chart: Chart): string {
  const colour = colours(chart.groups);
  const longest = Math.max(0, ...[...colour.keys()].map((n) => n.length));
  const LABEL_W = Math.max(MIN_LABEL_W, Math.ceil(longest * CHAR_W) + 16);
  const plotW = WIDTH - LABEL_W - VALUE_W - 20;
  const parts: string[] = [];
  let y = TOP;
  for (const g of chart.groups) {
    parts.push(
      `<text x="10" y="${y + 12}" class="g">${escapeXml(g.label)} <tspan class="d">(${g.better} is better)</tspan></text>`,
    );
    y += GROUP_HEAD;
    const finite = g.bars.map((b) => b.value).filter((v) => Number.isFinite(v) && v > 0);
    const max = finite.length > 0 ? Math.max(...finite) : 1;
    for (const b of g.bars) {
      const w = Number.isFinite(b.value) && b.value > 0 ? Math.max(1, (b.value / max) * plotW) : 0;
      parts.push(
        `<text x="${LABEL_W - 6}" y="${y + BAR_H - 4}" text-anchor="end">${escapeXml(b.series)}</text>`,
        `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${colour.get(b.series)}"/>`,
        `<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + BAR_H - 4}">${escapeXml(formatValue(b.value))}</text>`,
      );
      y += BAR_H + BAR_GAP;
    }
    y += GROUP_GAP;
  }
  const height = y + 6;
  const head = [
    `<text x="10" y="20" class="t">${escapeXml(chart.title)}</text>`,
    chart.subtitle ? `<text x="10" y="38" class="d">${escapeXml(chart.subtitle)}</text>` : '',
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    '<style>.t{font-size:15px;font-weight:600}.g{font-weight:600}.d{fill:#57606a;font-weight:400}text{fill:#24292f}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...head,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
