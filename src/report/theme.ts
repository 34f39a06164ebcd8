// The look shared by every chart: one font that exists on this machine (DejaVu ships with most
// Linux systems; the list falls back to fonts found on macOS and Windows), a white background,
// and label limits wide enough that names are not cut.
//
// NOTE: headless Vega has no canvas to measure text, so it estimates a width of 0.8 em per
// character; DejaVu Sans averages about 0.6 em. Layout therefore errs on the roomy side, and
// label limits must be generous or Vega truncates names that would have fit.

import type { Config } from 'vega-lite';

export const FONT_FAMILY = 'DejaVu Sans';
export const FONT_STACK = `${FONT_FAMILY}, Helvetica, Arial, sans-serif`;

export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 320;

/** Colors of a measured quantity and its light, noisy raw form. */
export const STRONG_BLUE = '#1f77b4';
export const LIGHT_BLUE = '#aec7e8';

export const baseConfig: Config = {
  font: FONT_STACK,
  background: 'white',
  padding: 12,
  aria: false,
  title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 640, titleLimit: 1200 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 640, titleLimit: 1200 },
  header: { labelLimit: 640 },
  view: { stroke: '#ddd' },
};
