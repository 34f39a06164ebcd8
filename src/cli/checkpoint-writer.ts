// `train`'s checkpoints, written while training goes on: each is encoded at once (the run as it
// stands), then its files are written and fsynced on libuv's threads, one checkpoint after the
// other in the order taken (checkpoint-files-node.ts keeps a matching pair on disk throughout).
// The training loop turns the event loop more often while a write is under way (stepping.ts),
// so that each step of the write is issued soon after the one before it is done.
// A write that fails stops the run at the next checkpoint, or at settle(), with its error.

import { encodeCheckpoint, writeCheckpointAsync, type CheckpointInfo, type RandomStreams } from '../io/checkpoint-files-node.js';
import type { SpecNet } from '../nets/spec.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { ResumePoint } from '../train/trainer.js';

export class CheckpointWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly dir: string,
    private readonly net: SpecNet,
    private readonly optimizer: Optimizer,
    private readonly rngs: RandomStreams,
  ) {}

  /** Whether a checkpoint is still being written. */
  get writing(): boolean {
    return this.pending > 0;
  }

  /** Takes the checkpoint of `point` now and queues its files; throws the error of an earlier write that failed. */
  save(point: ResumePoint, info: CheckpointInfo): void {
    if (this.failure) throw this.failure.error;
    const encoded = encodeCheckpoint(this.net, info, point, this.optimizer, this.rngs);
    this.pending++;
    this.queue = this.queue
      .then(() => (this.failure ? undefined : writeCheckpointAsync(this.dir, encoded)))
      .catch((error: unknown) => void (this.failure ??= { error }))
      .finally(() => this.pending--);
  }

  /** Resolves when every queued checkpoint is on disk; rejects with the first write's error. */
  async settle(): Promise<void> {
    // Checkpoints queued while waiting are waited for too.
    for (let queue = this.queue; ; queue = this.queue) {
      await queue;
      if (queue === this.queue) break;
    }
    if (this.failure) throw this.failure.error;
  }
}
