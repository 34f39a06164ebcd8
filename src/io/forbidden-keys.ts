/** Keys that would reach an object's prototype if someone later copied parsed JSON into a plain object: refused in every file header we read. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
