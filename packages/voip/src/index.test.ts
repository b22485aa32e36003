import { describe, expect, it } from 'vitest';
import * as voip from './index.js';

describe('@hotline/voip', () => {
  it('loads', () => expect(typeof voip).toBe('object'));
});
