import { barChart, escapeXml, lineChart } from '../../../src/eval';
import { unbalancedTags } from './html-structure';

describe('escapeXml', () => {
  it('escapes markup and quotes', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});

describe('lineChart', () => {
  const svg = lineChart({
    title: 'Accuracy vs budget',
    xLabel: 'budget',
    yLabel: 'accuracy',
    xLogBase: 2,
    series: [
      {
        name: 'beam_search',
        color: '#2ca02c',
        points: [
          { x: 16, y: 0.8, low: 0.6, high: 0.9 },
          { x: 4, y: 0.6 },
        ],
      },
      {
        name: 'majority',
        color: '#e07b00',
        points: [
          { x: 4, y: 0.4 },
          { x: 64, y: 0.5 },
        ],
      },
    ],
    referenceLines: [{ name: 'cot', y: 0.3, color: '#666' }],
  });
  it('is a well-formed titled SVG', () => {
    expect(svg).toMatch(/^<svg class="plot" role="img"/);
    expect(svg).toContain('<title id="plot-accuracy-vs-budget">Accuracy vs budget</title>');
    expect(unbalancedTags(svg)).toEqual([]);
  });
  it('puts power-of-two ticks on a log2 axis', () => {
    for (const tick of ['>4</text>', '>8</text>', '>16</text>', '>32</text>', '>64</text>'])
      expect(svg).toContain(tick);
  });
  it('draws a polyline and a point per measurement, a whisker per interval and a dashed reference line', () => {
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('stroke-opacity="0.45"');
  });
  it('draws points left to right whatever the input order', () => {
    const points = /<polyline points="([^"]+)"/
      .exec(svg)?.[1]
      ?.split(' ')
      .map((pair) => Number(pair.split(',')[0]));
    expect(points).toEqual([...(points ?? [])].sort((a, b) => a - b));
  });
  it('uses powers of ten on a log10 axis', () => {
    const flops = lineChart({
      title: 'F',
      xLabel: 'FLOPs',
      yLabel: 'a',
      xLogBase: 10,
      series: [
        {
          name: 's',
          color: '#000',
          points: [
            { x: 3e12, y: 0.5 },
            { x: 2e14, y: 0.7 },
          ],
        },
      ],
    });
    expect(flops).toContain('10<tspan dy="-6" font-size="9">12</tspan>');
    expect(flops).toContain('10<tspan dy="-6" font-size="9">15</tspan>');
  });
  it('says when there is no data', () => {
    expect(lineChart({ title: 'E', xLabel: 'x', yLabel: 'y', xLogBase: 2, series: [] })).toContain(
      'no data yet',
    );
  });
});

describe('barChart', () => {
  it('draws one bar per present value with a tooltip, skipping gaps', () => {
    const svg = barChart({
      title: 'By level',
      xLabel: 'level',
      yLabel: 'accuracy',
      groups: ['Level 1', 'Level 2'],
      series: [
        { name: 'cot', color: '#666', values: [0.5, null] },
        { name: 'dvts@4', color: '#94b', values: [1, 0.25] },
      ],
    });
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(svg).toContain('<title>dvts@4, Level 2: 25%</title>');
    expect(unbalancedTags(svg)).toEqual([]);
  });
});
