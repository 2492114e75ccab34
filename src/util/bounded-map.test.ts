import { BoundedMap } from './bounded-map';

describe('BoundedMap', () => {
  it('drops the oldest entry when one more is added', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('c', 3);
    expect([...map.entries()]).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
    // Setting a key it holds keeps its place and the size.
    map.set('b', 20);
    expect([...map.keys()]).toEqual(['b', 'c']);
    expect(map.get('b')).toBe(20);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedMap(0)).toThrow('positive integer');
  });
});
