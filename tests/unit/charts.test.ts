// The server-rendered charts: real SVG with title/desc, failure marks that are not colour alone,
// values as a table, and an empty state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { StackedBarChart } from '../../components/ui/charts/stacked-bar-chart.tsx';
import { LineChart } from '../../components/ui/charts/line-chart.tsx';
import { HistogramChart, durationBins } from '../../components/ui/charts/histogram-chart.tsx';
import { DualAxisChart } from '../../components/ui/charts/dual-axis-chart.tsx';

const T = (m: number) => new Date(Date.UTC(2026, 11, 1, 10, m));
const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

test('stacked bars: one rect per non-zero segment, failures hatched with a ✕ count, table rows', () => {
  const html = renderToStaticMarkup(h(StackedBarChart, {
    title: 'Runs over time', description: 'Runs per 5 minutes by scan type', bucketSeconds: 300,
    buckets: [
      { start: T(0), values: { incremental: 3, full_initial: 1 }, failed: 0 },
      { start: T(5), values: { incremental: 2 }, failed: 2 },
      { start: T(10), values: {}, failed: 0 },
    ],
  }));
  assert.match(html, /<svg[^>]*role="img"/);
  assert.match(html, /<title id="[^"]+">Runs over time<\/title>/);
  assert.match(html, /<desc[^>]*>Runs per 5 minutes by scan type<\/desc>/);
  assert.equal(count(html, /data-series="incremental"/g), 2);
  assert.equal(count(html, /data-series="full_initial"/g), 1);
  assert.equal(count(html, /data-failed="2"/g), 1);
  assert.match(html, /✕ 2/);
  assert.match(html, /url\(#[^)]+-fail\)/);
  assert.match(html, /Failed runs/);
  assert.equal(count(html, /<tr>/g), 1 + 2, 'header + two non-empty buckets');
  assert.match(html, /data-empty="false"/);
});

test('empty charts say so and draw no svg', () => {
  const html = renderToStaticMarkup(h(StackedBarChart, { title: 'Runs', description: 'd', bucketSeconds: 300, buckets: [{ start: T(0), values: {}, failed: 0 }] }));
  assert.match(html, /data-empty="true"/);
  assert.match(html, /No data in this time range yet/);
  assert.doesNotMatch(html, /<svg[^>]*role="img"/);
  const line = renderToStaticMarkup(h(LineChart, { title: 'L', description: 'd', series: [], from: T(0), to: T(60), bucketSeconds: 300, yLabel: 'ms' }));
  assert.match(line, /data-empty="true"/);
});

test('lines differ by dash; histogram markers; dual axis marks failures with ✕', () => {
  const line = renderToStaticMarkup(h(LineChart, {
    title: 'Duration', description: 'p50 and p95', from: T(0), to: T(60), bucketSeconds: 300, yLabel: 'Duration',
    series: [
      { key: 'inc-p50', label: 'Incremental p50', color: '#0f766e', points: [{ x: T(0), y: 10 }, { x: T(5), y: 12 }] },
      { key: 'inc-p95', label: 'Incremental p95', color: '#0f766e', dash: '6 3', points: [{ x: T(0), y: 30 }, { x: T(5), y: 40 }] },
    ],
  }));
  assert.equal(count(line, /<circle/g), 4);
  assert.match(line, /stroke-dasharray="6 3"/);
  const bins = durationBins([5, 10, 20, 400, 900]);
  assert.equal(bins.reduce((s, b) => s + b.count, 0), 5);
  const hist = renderToStaticMarkup(h(HistogramChart, { title: 'H', description: 'd', bins, markers: [{ key: 'p50', value: 20 }, { key: 'p95', value: 900 }] }));
  assert.equal(count(hist, /data-marker=/g), 2);
  const dual = renderToStaticMarkup(h(DualAxisChart, {
    title: 'Rebuilds', description: 'd', lineLabel: 'Duration', barLabel: 'Files',
    points: [{ x: T(0), line: 900, bar: 100 }, { x: T(30), line: 1200, bar: 120, failed: true }],
  }));
  assert.equal(count(dual, /data-failed="true"/g), 1);
  assert.match(dual, /failed/);
});
