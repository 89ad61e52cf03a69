import type { Mailer, OutgoingEmail } from '../../functions/core/ports';

/** A mailer that records every email handed to it, then sends it for real. */
export function spyingMailer(real: Mailer): Mailer & { sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  return {
    sent,
    async send(email) {
      const result = await real.send(email);
      sent.push(email);
      return result;
    },
  };
}

/** The error a test throws to stand for the process dying at that point. */
export class SimulatedCrash extends Error {
  constructor(where: string) {
    super(`simulated crash ${where}`);
  }
}

/**
 * Wraps an object so that the next `times` calls of `method` run `before` first (which may
 * throw to fail the call before it happens) or `after` (to fail it after it took effect).
 */
export function failNext<T extends object, K extends keyof T>(target: T, method: K, fault: { before?: () => never; after?: () => never }, times = 1): T {
  let remaining = times;
  const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (prop !== method) return Reflect.get(obj, prop, receiver);
      return async (...args: unknown[]) => {
        if (remaining > 0 && fault.before) {
          remaining--;
          fault.before();
        }
        const result = await original.apply(obj, args);
        if (remaining > 0 && fault.after) {
          remaining--;
          fault.after();
        }
        return result;
      };
    },
  });
}
