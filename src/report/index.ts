// Charts and pictures (Node only): each chart function turns plain data into a Vega-Lite spec;
// renderPng / writePng turn a spec into PNG bytes / a PNG file.

export { accuracyChart, type AccuracyChartOptions, type AccuracyPoint } from './accuracy-chart.js';
export { barChart, formatValue, type BarChartOptions, type BarRow } from './bar-chart.js';
export { confusionMatrixChart, type ConfusionMatrixChartOptions } from './confusion-matrix-chart.js';
export { curvesChart, type CurvesChartOptions, type NamedSeries } from './curves-chart.js';
export { digitGridPng, digitGridSpec, inkOnWhite, type DigitGridOptions, type DigitImage } from './digit-grid.js';
export { ACCURACY_PNG, LOSS_PNG, writeTrainingCharts } from './training-charts.js';
export { lossChart, type LossChartOptions } from './loss-chart.js';
export {
  renderPng,
  renderSvg,
  renderSvgWithWarnings,
  RenderError,
  svgToPng,
  svgToPngAsync,
  writePng,
  type RenderOptions,
  type SvgResult,
} from './render.js';
export { bucketize, defaultSmoothingWindow, movingAverage, oddWindow, type Bucket } from './series.js';
