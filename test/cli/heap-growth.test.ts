import { describe, expect, it } from 'vitest';
import { userChoseHeapGrowth } from '../../src/cli/heap-growth.js';

describe('heap growth', () => {
  it('leaves a growth the user set on node\'s command line alone', () => {
    expect(userChoseHeapGrowth(['--heap-growing-percent=30'])).toBe(true);
    expect(userChoseHeapGrowth(['--max-old-space-size=4096', '--heap_growing_percent=50'])).toBe(true);
  });
  it('sets it otherwise, other heap flags notwithstanding', () => {
    expect(userChoseHeapGrowth(['--max-semi-space-size=16', '--max-old-space-size=4096'])).toBe(false);
    expect(userChoseHeapGrowth([])).toBe(false);
  });
});
