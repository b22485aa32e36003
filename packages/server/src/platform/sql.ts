/** `%term%` with LIKE's wildcards escaped, so that a search for "50%" or "a_b" means what it says. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
