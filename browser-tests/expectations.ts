/** What test-fixtures/bundlers/app/src/scenario.js must report after a run in a page. */
import { expect } from '@playwright/test';

export function expectScenario(out: Record<string, unknown>, serializer: string): void {
  expect(out.serializer).toBe(serializer);
  expect(out.add).toEqual([5]);
  expect(out.binary).toEqual({ bytes: [0, 1, 127, 128, 255] });
  expect(out.progressive).toEqual([
    [true, 1],
    [true, 2],
    [true, 3],
    [false, 'done'],
  ]);
  expect(out.cancel).toEqual({ callerError: 'CanceledError', calleeInterrupted: 'CanceledError' });
  expect(out.acknowledged).toBe(true);
  expect(out.events).toEqual([['hello'], [{ bytes: [9, 8] }]]);
}
