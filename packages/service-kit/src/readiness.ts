export type ReadinessState = 'starting' | 'ready' | 'not-ready' | 'stopping';

export interface ReadinessStatus {
  state: ReadinessState;
  ready: boolean;
  /** Why the service is not ready (e.g. "loading bundle", "shutting down"). */
  reason?: string;
}

/**
 * What `/readyz` reports. It starts `starting`; the lifecycle marks it ready once every startup
 * hook has finished and `stopping` when shutdown begins (stopping is final). An app may mark it
 * not-ready and ready again while running (e.g. a dependency it cannot serve without is down).
 */
export interface Readiness {
  status(): ReadinessStatus;
  isReady(): boolean;
  isStopping(): boolean;
  markReady(): void;
  markNotReady(reason: string): void;
  markStopping(reason?: string): void;
  /** Called on every change (used to keep the `service_ready` gauge in step). */
  onChange(listener: (status: ReadinessStatus) => void): void;
  /**
   * Adds a named section to `/readyz`'s `detail` (e.g. `bundle`: the version serving, a fallback
   * and why, the last bundle refused), read on each request. A provider that throws or returns
   * undefined leaves its section out.
   */
  addDetail(name: string, provider: () => unknown): void;
  /** The sections added with addDetail, as `/readyz` shows them (empty when none). */
  details(): Record<string, unknown>;
}

export function createReadiness(): Readiness {
  let current: ReadinessStatus = { state: 'starting', ready: false, reason: 'starting up' };
  const listeners: Array<(status: ReadinessStatus) => void> = [];
  const detailProviders = new Map<string, () => unknown>();
  const update = (next: ReadinessStatus) => {
    current = next;
    for (const listener of listeners) listener(next);
  };
  return {
    status: () => ({ ...current }),
    isReady: () => current.ready,
    isStopping: () => current.state === 'stopping',
    markReady() {
      if (current.state !== 'stopping') update({ state: 'ready', ready: true });
    },
    markNotReady(reason) {
      if (current.state !== 'stopping') update({ state: 'not-ready', ready: false, reason });
    },
    markStopping(reason = 'shutting down') {
      update({ state: 'stopping', ready: false, reason });
    },
    onChange(listener) {
      listeners.push(listener);
      listener({ ...current });
    },
    addDetail(name, provider) {
      detailProviders.set(name, provider);
    },
    details() {
      const sections: Record<string, unknown> = {};
      for (const [name, provider] of detailProviders) {
        try {
          const value = provider();
          if (value !== undefined) sections[name] = value;
        } catch {
          // a health endpoint must answer; the section is left out
        }
      }
      return sections;
    },
  };
}
