// The page's run settings, named as `scratchnet train` names its options and kept in the URL
// query (`?model=two-layer&iters=1200&eval-every=600&seed=1`), so a link reproduces a run.
// Values go through the CLI's own checks (train/option-values.ts).

import { InputError, MODEL_KINDS, OPTIMIZERS, optionValues, type ModelCliOptions } from '../src/index.js';

/** Query keys, each the CLI option without its dashes. */
export const SETTING_NAMES = ['model', 'hidden', 'optimizer', 'lr', 'batch', 'iters', 'epochs', 'eval-every', 'seed', 'backend', 'threads'] as const;
export type SettingName = (typeof SETTING_NAMES)[number];
/** The settings as typed: a value per given name. */
export type SettingsText = Partial<Record<SettingName, string>>;

export interface PageSettings extends ModelCliOptions {
  seed: number;
  backend: 'wasm' | 'js';
  /** Default: every core the browser reports. */
  threads?: number;
}

/** Checks every given value; the first bad one throws an InputError worded like the CLI's ("--lr x: must be …"). */
export function parseSettings(text: SettingsText): PageSettings {
  const value = <T>(name: SettingName, check: (v: string) => T): T | undefined => {
    const given = text[name];
    if (given === undefined || given.trim() === '') return undefined;
    try {
      return check(given);
    } catch (error) {
      throw new InputError(`--${name} ${given}: ${(error as Error).message}`);
    }
  };
  const choice = <T extends string>(choices: readonly T[]) => (v: string): T => {
    if (!(choices as readonly string[]).includes(v)) throw new Error(`must be one of ${choices.join(', ')}.`);
    return v as T;
  };
  const settings: PageSettings = {
    model: value('model', choice(MODEL_KINDS)) ?? 'two-layer',
    hidden: value('hidden', optionValues.hiddenList),
    optimizer: value('optimizer', choice(OPTIMIZERS)),
    lr: value('lr', optionValues.positiveNumber),
    batch: value('batch', optionValues.positiveInt),
    iters: value('iters', optionValues.positiveInt),
    epochs: value('epochs', optionValues.positiveInt),
    evalEvery: value('eval-every', optionValues.nonNegativeInt),
    seed: value('seed', optionValues.seedNumber) ?? 1,
    backend: value('backend', choice(['wasm', 'js'] as const)) ?? 'wasm',
    threads: value('threads', optionValues.positiveInt),
  };
  if (settings.iters !== undefined && settings.epochs !== undefined) throw new InputError('--epochs: give either --iters or --epochs, not both');
  return settings;
}

/** The given settings from a URL query; unknown keys are ignored. */
export function settingsFromQuery(search: string): SettingsText {
  const query = new URLSearchParams(search);
  const text: SettingsText = {};
  for (const name of SETTING_NAMES) {
    const value = query.get(name);
    if (value !== null) text[name] = value;
  }
  return text;
}

/** The query for the given (non-empty) settings, in SETTING_NAMES order. */
export function settingsQuery(text: SettingsText): string {
  const query = new URLSearchParams();
  for (const name of SETTING_NAMES) {
    const value = text[name]?.trim();
    if (value) query.set(name, value);
  }
  const s = query.toString().replaceAll('%2C', ',');
  return s ? `?${s}` : '';
}
