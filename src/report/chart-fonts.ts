// The fonts resvg draws a chart's text with. resvg-js builds a new font database for every
// image, and scanning every system font costs 10–20 ms of it; the charts use one family
// (theme.ts's FONT_FAMILY) in two weights. So when DejaVu Sans's regular and bold files are
// where Linux distributions install them, and the SVG's text needs nothing else, only those
// two files load: the same glyphs, the same PNG bytes. Otherwise the system scan, as before:
// the family found elsewhere (macOS, Windows), fallback fonts for other scripts.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { FONT_FAMILY } from './theme.js';

export type FontOptions = NonNullable<ResvgRenderOptions['font']>;

/** Where distributions put DejaVu: Debian/Ubuntu, Fedora, Arch, Alpine, openSUSE, by hand. */
export const DEJAVU_DIRS: readonly string[] = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu-sans-fonts',
  '/usr/share/fonts/TTF',
  '/usr/share/fonts/dejavu',
  '/usr/share/fonts/truetype',
  '/usr/local/share/fonts',
];

/** Regular (labels) and bold (titles): every weight the charts draw. */
export const DEJAVU_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

/**
 * Characters both files cover (from their cmaps): Latin with its extensions, Greek and Cyrillic
 * letters, general punctuation (– · …), arrows and math operators (→ − ×). A numeric character
 * reference could name anything: only the whitespace ones Vega writes pass.
 */
const UNCOVERED = /[^\t\n\r\x20-\x7e\xa0-\u02e9\u0391-\u03a1\u03a3-\u03c9\u0400-\u0525\u2000-\u2064\u2190-\u2311]|&#(?!x9;|xA;|xD;)/;
/** Italic, light, black …: faces not among the two files. */
const OTHER_FACE = /font-style="(?!normal")|font-weight="(?!(?:normal|bold|400|700)")/;

const found = new Map<string, string[] | undefined>();

/** The paths of DEJAVU_FILES in the first of `dirs` that holds them all, or undefined. Cached. */
export function findFontFiles(dirs: readonly string[] = DEJAVU_DIRS): string[] | undefined {
  const key = dirs.join('\n');
  if (!found.has(key)) {
    const dir = dirs.find((d) => DEJAVU_FILES.every((file) => existsSync(join(d, file))));
    found.set(key, dir === undefined ? undefined : DEJAVU_FILES.map((file) => join(dir, file)));
  }
  return found.get(key);
}

/** resvg's font options for this SVG: the two DejaVu files when they do, else the system's fonts. */
export function fontOptions(svg: string, dirs: readonly string[] = DEJAVU_DIRS): FontOptions {
  const family = { defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY };
  const files = UNCOVERED.test(svg) || OTHER_FACE.test(svg) ? undefined : findFontFiles(dirs);
  return files ? { loadSystemFonts: false, fontFiles: files, ...family } : { loadSystemFonts: true, ...family };
}
