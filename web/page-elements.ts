// The page's elements by id and the small writes into them: text, the message line, the
// settings form (read, and filled from the address). main.ts decides what goes where.

import { SETTING_NAMES, type SettingsText } from './settings.js';

export const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>('settings');
export const buttons = {
  train: $<HTMLButtonElement>('train'), pause: $<HTMLButtonElement>('pause'), resume: $<HTMLButtonElement>('resume'),
  step: $<HTMLButtonElement>('step'), reset: $<HTMLButtonElement>('reset'), save: $<HTMLButtonElement>('save-model'),
  clear: $<HTMLButtonElement>('clear'), servedData: $<HTMLButtonElement>('served-data'),
};
export const text = (id: string, value: string): void => {
  $(id).textContent = value;
};

export function showMessage(message: string, kind: 'error' | 'info' = 'error'): void {
  const element = $('message');
  element.className = kind;
  element.textContent = message;
}

/** The form's non-empty values. */
export function formSettings(): SettingsText {
  const values: SettingsText = {};
  for (const name of SETTING_NAMES) {
    const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
    if (field?.value.trim()) values[name] = field.value.trim();
  }
  return values;
}

/** Fills the form with the given settings (those from the address). */
export function fillForm(values: SettingsText): void {
  for (const name of SETTING_NAMES) {
    const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
    if (field && values[name] !== undefined) field.value = values[name];
  }
}
