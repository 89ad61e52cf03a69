/**
 * Runs the dispatcher every `intervalMs` and whenever kicked (after an enrolment), never two
 * passes at once in this process: a kick during a pass schedules exactly one more pass.
 */
export function startDispatcherLoop(run: () => Promise<unknown>, intervalMs: number, onError: (error: unknown) => void) {
  let running = false;
  let again = false;
  let stopped = false;

  const pass = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await run();
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      await pass();
    }
  };

  const timer = setInterval(() => void pass(), intervalMs);
  timer.unref();
  return {
    kick: () => void pass(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
