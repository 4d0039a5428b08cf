import {EventEmitter} from 'node:events';

type EventMap = Record<string, unknown[]>;

/** EventEmitter whose event names and arguments are checked by the compiler. */
export class TypedEmitter<Events extends EventMap> {
  private readonly emitter = new EventEmitter();

  constructor() {
    // A UI subscribes one listener per hook; many hooks are normal, not a leak.
    this.emitter.setMaxListeners(100);
  }

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

  protected emit<E extends keyof Events & string>(event: E, ...args: Events[E]): void {
    this.emitter.emit(event, ...args);
  }
}
