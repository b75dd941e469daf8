import type { EventPayload, Topic } from '../shared/contract';

type Listener = <T extends Topic>(topic: T, payload: EventPayload<T>) => void;

/** Fan-out of contract events from the core to whatever transports are attached. */
export class EventBus {
  private listeners = new Set<Listener>();
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit<T extends Topic>(topic: T, payload: EventPayload<T>): void {
    for (const l of this.listeners) {
      try {
        l(topic, payload);
      } catch {
        // a broken listener (closed socket) must not break the core
      }
    }
  }
}
