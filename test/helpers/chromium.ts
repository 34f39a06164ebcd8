// Debian's Chromium for the browser tests, driven by playwright-core. Without it the tests
// skip, unless SCRATCHNET_REQUIRE_BROWSER=1 (CI), where they must fail instead.

import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Why the browser tests cannot run here, if they cannot. */
export const chromiumMissing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found: install Debian's chromium: apt-get install chromium`;
export const browserRequired = process.env.SCRATCHNET_REQUIRE_BROWSER === '1';
