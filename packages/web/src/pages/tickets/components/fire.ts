/**
 * Runs an event handler's promise. The API client has already shown an error answer and the form
 * its validation messages, so a rejection needs nothing more (and must not become an unhandled one).
 */
export function fire(p: Promise<unknown>): void {
  p.catch(() => undefined);
}
