import { describe, expect, it } from 'vitest';
import * as nlp from './index.js';

describe('@hotline/nlp', () => {
  it('loads', () => expect(typeof nlp).toBe('object'));
});
