import { defineConfig } from 'vitest/config';

// Media tests run in real time (20 ms frames, IVR prompts within a frame of the ACK). On a shared CI
// machine another worker can stall the event loop for longer than a frame, so a timing failure is
// tried again there; a functional failure fails all three attempts. The reporter marks retries.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    retry: process.env.CI === 'true' ? 2 : 0,
  },
});
