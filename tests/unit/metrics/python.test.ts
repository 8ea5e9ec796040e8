import { describe, expect, it } from 'vitest';
import { comparePyLabels, comparePyStrings, pyChars, pySplit, sortedUnique } from '../../../src/metrics/python.ts';

describe('Python string semantics', () => {
  it('sorts strings by code point, as sorted() does (not localeCompare, not UTF-16 units)', () => {
    const words = ['b', 'é', '😀', '\uffff', 'a', 'Z', 'B'];
    // Python: sorted(['b','é','😀','\uffff','a','Z','B']) == ['B','Z','a','b','é','\uffff','😀']
    expect([...words].sort(comparePyStrings)).toEqual(['B', 'Z', 'a', 'b', 'é', '\uffff', '😀']);
    expect([...words].sort()).not.toEqual([...words].sort(comparePyStrings)); // JS default puts 😀 before \uffff
    expect(comparePyStrings('ab', 'a')).toBeGreaterThan(0);
    expect(comparePyStrings('a', 'ab')).toBeLessThan(0);
  });

  it('sorts numeric labels numerically and refuses to mix kinds', () => {
    expect(sortedUnique([10, 2, 1, 2])).toEqual([1, 2, 10]);
    expect(() => comparePyLabels(1, 'a')).toThrow(TypeError);
  });

  it('splits on exactly the characters str.isspace() accepts', () => {
    // U+00A0, U+0085, U+001F and U+3000 split in Python (JS \s lacks U+0085 and U+001F); U+FEFF does not.
    expect(pySplit(' a\u00a0b\u0085c\u001fd\u3000e\ufefff\t\n')).toEqual(['a', 'b', 'c', 'd', 'e\ufefff']);
    expect(pySplit('')).toEqual([]);
    expect(pySplit(' \u2028 ')).toEqual([]);
  });

  it('iterates code points like list(str)', () => {
    expect(pyChars('a😀b')).toEqual(['a', '😀', 'b']);
  });
});
