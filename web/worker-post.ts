// The worker's side of the wire: messages to the page, a zero-delay task queue to yield to
// the page's messages between slices of work, and an error's text for the page.

import type { FromWorker, ToWorker } from './protocol.js';

export const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
export const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

// A zero-delay task queue (setTimeout(0) is clamped to 4 ms when nested).
const channel = new MessageChannel();
const tasks: (() => void)[] = [];
channel.port1.onmessage = () => tasks.shift()?.();
export const later = (task: () => void): void => {
  tasks.push(task);
  channel.port2.postMessage(null);
};

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
