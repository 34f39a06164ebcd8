// The checks behind the run options, shared by the command line (as commander parsers, see
// cli/options.ts) and the page (its URL query): each turns a string into a checked value or
// throws an InvalidValueError whose message completes "--option value: …".

export class InvalidValueError extends Error {
  override readonly name = 'InvalidValueError';
}

const bad = (why: string): never => {
  throw new InvalidValueError(why);
};

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) bad('must be a whole number ≥ 1.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) bad('must be a whole number ≥ 0.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) bad('must be a number > 0.');
  return n;
}

export function seedNumber(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n > 0xffffffff) bad('must be a whole number from 0 to 4294967295.');
  return n;
}

export function hiddenList(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  const sizes = parts.map(Number);
  if (parts.some((part) => !/^\d+$/.test(part)) || sizes.some((n) => !Number.isSafeInteger(n) || n < 1 || n > 1 << 20)) {
    bad('must be whole numbers ≥ 1 separated by commas, e.g. 100,100.');
  }
  return sizes;
}

export function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) bad('must be a number from 0 up to (not including) 1.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) bad('must be a number ≥ 0.');
  return n;
}

export function decayFactor(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n <= 1)) bad('must be a number in (0, 1].');
  return n;
}

export function initChoice(value: string): string {
  if (['std', 'xavier', 'he'].includes(value)) return value;
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n) && n > 0) return value;
  return bad('must be std, xavier, he, or a standard deviation > 0.');
}
