import {EventEmitter} from 'node:events';

export type EventMap = Record<string, unknown[]>;

/** Events that `Source` emits with arguments `Target` also accepts. */
type SharedEvent<Source extends EventMap, Target extends EventMap> = {
  [K in keyof Source & keyof Target & string]: Source[K] extends Target[K] ? K : never;
}[keyof Source & keyof Target & string];

/**
 * EventEmitter whose event names and arguments are checked by the compiler.
 * Node's default listener limit stays on, so a leak of subscriptions warns.
 */
export class TypedEmitter<Events extends EventMap> {
  private readonly emitter = new EventEmitter();

  on<E extends keyof Events & string>(
    event: E,
    listener: (...args: Events[E]) => void,
  ): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<E extends keyof Events & string>(
    event: E,
    listener: (...args: Events[E]) => void,
  ): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof Events & string>(
    event: E,
    listener: (...args: Events[E]) => void,
  ): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  listenerCount(event: keyof Events & string): number {
    return this.emitter.listenerCount(event);
  }

  protected emit<E extends keyof Events & string>(event: E, ...args: Events[E]): void {
    this.emitter.emit(event, ...args);
  }

  /**
   * Re-emits a part's events as this emitter's own (a facade over evented
   * parts). Name the part's event map: `this.relay<PartEvents>(part, [...])`.
   */
  protected relay<Source extends EventMap>(
    source: TypedEmitter<Source>,
    events: ReadonlyArray<SharedEvent<Source, Events>>,
  ): void {
    for (const event of events) {
      source.on(event, (...args) =>
        this.emit(event, ...(args as unknown as Events[typeof event])),
      );
    }
  }
}
